import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Exchanges recorded from api.github.com (``RecordedFixtures``), served from loopback as recorded and read
/// through patrol's real transport (libcurl) and client: each must parse as the real one did.
@Suite("replayed exchanges of the real GitHub")
struct ReplayTests {
    /// A client for a replay server, with a throw-away credential (the server checks none).
    static func client(_ simulator: GitHubSimulator, _ transport: CurlTransport) throws -> GitHubClient {
        GitHubClient(transport: RetryingTransport(transport, clock: .system), base: try APIBase(simulator.apiURL),
                     credential: Token(bytes: Array(TestTokens.classic().utf8)))
    }

    static func date(_ text: String) -> Date { ISO8601.parse(text)! }

    @Test("create a repository secret: the public key (string key_id, weak ETag, Date), the seal, then 201 with {}")
    func createSecret() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.createSecretPublicKey, RecordedFixtures.createSecretPut])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let client = try Self.client(simulator, transport)
        let repository = try RepositoryName(owner: "demoorg", name: "demo-repo-1")

        let key = try await client.publicKey(of: repository)
        #expect(key.keyID == "3380204578043523366")
        #expect(key.key == "oWxGlztcubVOX/ehKONYj83dSjyS4BZphl6dC6L6W3U=")
        #expect(try StandardBase64.decode(key.key).count == 32)
        #expect(key.etag == #"W/"63c55f32262fbaf6c8015e5a31e233a90ba8105255746204ba09c641ed874e7d""#)
        #expect(key.serverDate == Self.date("2024-02-01T23:17:54Z"))
        let sealed = try SealedBox.seal(Token(bytes: Array("a value".utf8)), publicKey: key.key)
        #expect(try StandardBase64.decode(sealed).count == 48 + 7)

        let write = try await client.putSecret("secret_name", in: repository, encryptedValue: sealed, keyID: key.keyID)
        #expect(write == SecretWrite(created: true, httpStatus: 201, attempts: 1))
        #expect(simulator.requests.map { "\($0.method) \($0.path)" } == [
            "GET /repos/demoorg/demo-repo-1/actions/secrets/public-key", "PUT /repos/demoorg/demo-repo-1/actions/secrets/secret_name",
        ])
    }

    @Test("list a repository's secrets: names and second-precision dates")
    func listSecrets() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.listSecrets])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let secrets = try await Self.client(simulator, transport).secrets(in: try RepositoryName(owner: "AndrewJDawes", name: "PyGithub"))
        #expect(secrets == [
            SecretMetadata(name: "SECRET_NAME_ONE", createdAt: Self.date("2023-11-18T21:47:18Z"), updatedAt: Self.date("2023-11-18T21:47:18Z")),
            SecretMetadata(name: "SECRET_NAME_TWO", createdAt: Self.date("2023-11-18T21:47:19Z"), updatedAt: Self.date("2023-11-18T21:47:19Z")),
        ])
    }

    @Test("a repository and a workflow run read with a token that sends no X-OAuth-Scopes (fine-grained), permissions headers on 200s")
    func repositoryAndRun() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.repositoryWithoutScopes, RecordedFixtures.runAttempt])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let client = try Self.client(simulator, transport)
        let repository = try RepositoryName(owner: "EnricoMi", name: "PyGithub")
        let info = try await client.repository(repository)
        #expect(info.fullName == "EnricoMi/PyGithub" && info.defaultBranch == "main" && !info.archived)
        #expect(info.admin && info.push && info.pull)

        let runs = try await client.workflowRuns("codeql.yml", in: repository, event: "schedule")
        #expect(runs == [WorkflowRun(id: 26_365_060_973, status: "completed", conclusion: "success", displayTitle: "CodeQL Advanced",
                                     createdAt: Self.date("2026-05-29T15:42:07Z"),
                                     htmlURL: "https://github.com/EnricoMi/PyGithub/actions/runs/26365060973")])
    }

    @Test("the rate limit: the core quota from the body; the answer is no limit signal; the -0700 expiry header reads")
    func rateLimit() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.rateLimit])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let status = try await Self.client(simulator, transport).rateLimit()
        #expect(status == RateLimitStatus(limit: 5000, remaining: 4904, resetAt: Date(timeIntervalSince1970: 1_684_195_041)))

        // The same answer as the transport delivers it: headers as GitHub wrote them, read case-insensitively.
        let exchange = RecordedFixtures.rateLimit
        let replay = try RecordedExchange.serve([exchange])
        defer { replay.stop() }
        let response = try await transport.send(HTTPRequest(method: .get, url: replay.apiURL + "/rate_limit",
                                                            headers: HTTPHeaders([("User-Agent", "patrol-test")])))
        #expect(response.status == 200)
        #expect(RateLimitSignal(response, now: 1_684_191_562) == nil)
        #expect(TokenExpiry.parse(header: response.headers["github-authentication-token-expiration"], now: Self.date("2023-05-15T22:59:22Z"))
                == .at(Self.date("2023-06-14T22:09:46Z")))
        for (name, value) in exchange.headers where !RecordedExchange.transferHeaders.contains(name.lowercased()) {
            #expect(response.headers[name] == value, "\(name)")
        }
    }

    @Test("a repository dispatch: 204 with no body; GitHub's Date is the moment it accepted it")
    func dispatch() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.dispatch])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let accepted = try await Self.client(simulator, transport).dispatch(
            eventType: "type", payload: .object([("foo", .string("bar"))]), to: try RepositoryName(owner: "ahmad88me", name: "PyGithub"))
        #expect(accepted == Self.date("2020-10-12T15:06:18Z"))
    }

    @Test("issues, first page: parsed, and the next page's link (/repositories/{id}/…) followed only on the API's own host")
    func paginatedIssues() async throws {
        let simulator = try RecordedExchange.serve([RecordedFixtures.issuesFirstPage])
        defer { simulator.stop() }
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let client = try Self.client(simulator, transport)
        let issues = try await client.openIssues(in: try RepositoryName(owner: "octokit-fixture-org", name: "paginate-issues"))
        #expect(issues.map(\.number) == [13, 12, 11])
        #expect(issues.first == Issue(number: 13, title: "Test issue 13", body: "", state: "open", labels: [],
                                      htmlURL: "https://github.com/octokit-fixture-org/paginate-issues/issues/13"))

        let link = try #require(RecordedFixtures.issuesFirstPage.headers.first { $0.name == "link" }?.value)
        let github = GitHubClient(transport: RetryingTransport(transport, clock: .system), base: try APIBase("https://api.github.com"),
                                  credential: Token(bytes: Array(TestTokens.classic().utf8)))
        #expect(github.linkPath(link, rel: "next") == "/repositories/1000/issues?per_page=3&page=2")
        #expect(client.linkPath(link, rel: "next") == nil, "a link to another host is never followed with the token")
    }

    @Test("the recorded header lists read as recorded")
    func headerLists() {
        let headers = RecordedFixtures.createSecretPublicKey.headers
        #expect(headers.count == 27)
        #expect(headers.first { $0.name == "ETag" }?.value == #"W/"63c55f32262fbaf6c8015e5a31e233a90ba8105255746204ba09c641ed874e7d""#)
        #expect(headers.first { $0.name == "Content-Security-Policy" }?.value == "default-src 'none'")
        #expect(headers.last?.name == "X-GitHub-Request-Id")
    }
}
