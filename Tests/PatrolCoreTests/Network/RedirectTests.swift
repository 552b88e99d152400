import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Redirects (spec §4): followed to the same scheme and host only, at most 5 hops, 307/308 keeping method
/// and body; a renamed repository is delivered and named, and the token never goes to another host.
@Suite("redirects and renamed repositories")
struct RedirectTests {
    // MARK: The rule

    static let origin = "https://ghe.example.com/api/v3"

    func request(_ method: HTTPMethod = .get, _ path: String = "/repos/o/old/actions/secrets/public-key", body: [UInt8]? = nil) -> HTTPRequest {
        HTTPRequest(method: method, url: Self.origin + path, body: body)
    }

    func redirect(_ status: Int, to location: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Location", location)]))
    }

    @Test("307 and 308 keep the method and the body; 301 and 302 are followed for GET only")
    func methodAndBody() throws {
        let put = request(.put, "/repos/o/old/actions/secrets/PAT_TOKEN", body: Array("{\"encrypted_value\":\"x\"}".utf8))
        for status in [307, 308] {
            let next = try #require(try RedirectPolicy.next(after: redirect(status, to: Self.origin + "/repositories/7/actions/secrets/PAT_TOKEN"),
                                                            to: put, original: put, hops: 0))
            #expect(next.method == .put && next.body == put.body && next.url == Self.origin + "/repositories/7/actions/secrets/PAT_TOKEN")
        }
        let get = request()
        #expect(try RedirectPolicy.next(after: redirect(301, to: "/api/v3/repositories/7/actions/secrets/public-key"), to: get, original: get, hops: 0)?.url
                == Self.origin + "/repositories/7/actions/secrets/public-key")
        #expect(throws: RedirectError.self) { try RedirectPolicy.next(after: redirect(301, to: Self.origin + "/x"), to: put, original: put, hops: 0) }
        // 303 and 304 are answers, not redirects patrol follows.
        #expect(try RedirectPolicy.next(after: redirect(303, to: Self.origin + "/x"), to: get, original: get, hops: 0) == nil)
    }

    @Test("another host, scheme or port is refused with the reason; the sixth hop is refused", arguments: [
        "https://elsewhere.example/api/v3/repositories/7", "http://ghe.example.com/api/v3/repositories/7",
        "https://ghe.example.com:8443/api/v3/repositories/7", "//elsewhere.example/x",
    ])
    func otherOrigins(location: String) throws {
        let get = request()
        let error = #expect(throws: RedirectError.self) { try RedirectPolicy.next(after: redirect(301, to: location), to: get, original: get, hops: 0) }
        #expect(error?.reason == .otherHost)
        #expect(error?.description.contains("only to the same scheme and host, so the token never reaches another server") == true)
        #expect(try RedirectPolicy.next(after: redirect(301, to: "https://GHE.example.com:443/api/v3/x"), to: get, original: get, hops: 0) != nil)
        let loop = #expect(throws: RedirectError.self) {
            try RedirectPolicy.next(after: redirect(301, to: Self.origin + "/x"), to: get, original: get, hops: RedirectPolicy.maxHops)
        }
        #expect(loop?.reason == .tooMany)
    }

    @Test("RedirectingTransport sends nothing to another host and marks a redirected answer with the URL that gave it")
    func transport() async throws {
        let canned = CannedTransport([redirect(301, to: "https://elsewhere.example/steal"), redirect(307, to: Self.origin + "/repositories/7"),
                                      .json(200, "{}")])
        let transport = RedirectingTransport(canned)
        await #expect(throws: RedirectError.self) { try await transport.send(request()) }
        #expect(canned.sent.count == 1)
        let response = try await transport.send(request(.put, body: [1]))
        #expect(response.status == 200 && response.redirectedTo == Self.origin + "/repositories/7")
        #expect(canned.sent.last?.method == .put && canned.sent.last?.body == [1])
    }

    // MARK: Against the simulator, through libcurl

    @Test("a renamed repository: the simulator answers its old name 301 (GET) and 307 (PUT) to /repositories/{id}/…")
    func simulatorRename() async throws {
        let fleet = try FleetHarness()
        let id = try #require(fleet.simulator.repository("garrick0/c3-wiring")).id
        #expect(fleet.simulator.renameRepository("garrick0/c3-wiring", to: "garrick0/c3-wiring-core"))
        let token = Token(bytes: Array(fleet.mint().utf8))
        let curl = CurlTransport(configuration: TransportConfiguration(defaultHeaders: GitHubClient.standardHeaders))
        defer { curl.shutdown() }
        let get = try await curl.send(HTTPRequest(method: .get, url: fleet.apiURL + "/repos/garrick0/c3-wiring/actions/secrets/public-key", bearer: token))
        #expect(get.status == 301)
        #expect(get.headers["location"] == fleet.apiURL + "/repositories/\(id)/actions/secrets/public-key")
        let put = try await curl.send(HTTPRequest(method: .put, url: fleet.apiURL + "/repos/garrick0/c3-wiring/actions/secrets/X",
                                                  bearer: token, body: Array("{}".utf8)))
        #expect(put.status == 307)
        #expect(put.headers["location"] == fleet.apiURL + "/repositories/\(id)/actions/secrets/X")
        let repository = try await curl.send(HTTPRequest(method: .get, url: fleet.apiURL + "/repositories/\(id)", bearer: token))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(repository.body)) as? [String: Any])
        #expect(body["full_name"] as? String == "garrick0/c3-wiring-core")
    }

    @Test("rollout to a renamed repository: delivered under its new name, warned on stderr and in JSON, the ledger keeps the configured name")
    func rolloutToRenamedRepository() async throws {
        let fleet = try FleetHarness()
        #expect(fleet.simulator.renameRepository("garrick0/c3-wiring", to: "garrick0/c3-wiring-core"))
        let token = fleet.mint()
        let run = await fleet.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.simulator.secret("PAT_TOKEN", in: "garrick0/c3-wiring-core")?.plaintext == token)
        let warning = "garrick0/c3-wiring is now garrick0/c3-wiring-core: update \(fleet.configPath)"
        #expect(run.stderr.contains("warning: \(warning)"), "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["repositories"] as? [[String: Any]])
        let row = try #require(rows.first { $0["repository"] as? String == "garrick0/c3-wiring" })
        #expect(row["warnings"] as? [String] == [warning])
        #expect(rows.filter { ($0["warnings"] as? [String])?.isEmpty == false }.count == 1)
        // The old name was asked, GitHub's redirect followed with the token, and no other request went astray.
        let requests = fleet.simulator.requests
        #expect(requests.contains { $0.method == "PUT" && $0.path.hasPrefix("/repos/garrick0/c3-wiring/") && $0.status == 307 })
        #expect(requests.contains { $0.method == "PUT" && $0.path.hasPrefix("/repositories/") && $0.status == 201 && $0.authorization != nil })
        let ledger = try String(contentsOfFile: fleet.ledgerPath, encoding: .utf8)
        #expect(ledger.contains("\"repo:garrick0/c3-wiring\"") && !ledger.contains("c3-wiring-core"))
    }
}
