import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("GitHub client")
struct GitHubClientTests {
    let repository = try! RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")

    func client(_ answers: [HTTPResponse]) -> (GitHubClient, CannedTransport) {
        let transport = CannedTransport(answers)
        let token = Token(bytes: Array(TestTokens.classic().utf8))
        return (GitHubClient(transport: transport, base: .gitHubDotCom, credential: token), transport)
    }

    @Test("GET /user reads login, type, scopes and the expiry header")
    func user() async throws {
        let (client, transport) = client([.json(200, #"{"login": "garrick0", "id": 7, "type": "Bot"}"#, [
            ("X-OAuth-Scopes", "repo, workflow"),
            ("GitHub-Authentication-Token-Expiration", "2027-02-23 12:00:00 UTC"),
            ("X-RateLimit-Remaining", "4999"),
        ])])
        let user = try await client.authenticatedUser()
        #expect(user.login == "garrick0")
        #expect(user.accountType == "Bot")
        #expect(user.scopes == ["repo", "workflow"])
        #expect(user.rateLimitRemaining == 4999)
        #expect(user.expiry == .at(ISO8601.parse("2027-02-23T12:00:00Z")!))
        #expect(transport.sent.first?.url == "https://api.github.com/user")
        #expect(transport.sent.first?.bearer != nil)
    }

    @Test("a fine-grained token's missing scope header is nil, an empty one is an empty list")
    func scopeHeaders() async throws {
        let (absent, _) = client([.json(200, #"{"login": "a"}"#)])
        #expect(try await absent.authenticatedUser().scopes == nil)
        let (empty, _) = client([.json(200, #"{"login": "a"}"#, [("x-oauth-scopes", "")])])
        #expect(try await empty.authenticatedUser().scopes == [])
    }

    @Test("an error carries status, GitHub's message, the request id and the SSO URL")
    func errors() async throws {
        let (client, _) = client([.json(403, #"{"message": "Resource protected by organization SAML enforcement."}"#, [
            ("x-github-request-id", "ABCD:1234"),
            ("X-GitHub-SSO", "required; url=https://github.com/orgs/c3/sso?authorization_request=XYZ"),
        ])])
        let error = try await #require(throws: GitHubError.self) { try await client.publicKey(of: repository) }
        #expect(error.status == 403)
        #expect(error.requestID == "ABCD:1234")
        #expect(error.ssoURL == "https://github.com/orgs/c3/sso?authorization_request=XYZ")
        #expect(error.description.contains("ABCD:1234"))
        #expect(error.description.contains("authorize it at https://github.com/orgs/c3/sso"))
    }

    @Test("an HTML error page is reported as an unexpected body, not a crash")
    func htmlError() async throws {
        let (client, _) = client([HTTPResponse(status: 502, body: Array("<html><body>Bad gateway</body></html>".utf8))])
        let error = try await #require(throws: GitHubError.self) { try await client.authenticatedUser() }
        #expect(error.message.hasPrefix("unexpected body: <html>"))
    }

    @Test("a 200 with a body that is not the documented shape is an UnexpectedResponseError")
    func wrongShape() async throws {
        let (client, _) = client([.json(200, #"{"key_id": ["12345"], "key": "abc"}"#)])
        let error = try await #require(throws: UnexpectedResponseError.self) { try await client.publicKey(of: repository) }
        #expect(error.description.contains("key_id"))
    }

    @Test("key_id as Enterprise Server sends it, an integer, is kept as the string github.com sends")
    func integerKeyID() async throws {
        let (client, _) = client([.json(200, #"{"key_id": 568250167242549743, "key": "abc"}"#)])
        #expect(try await client.publicKey(of: repository).keyID == "568250167242549743")
    }

    @Test("PUT distinguishes 201 created from 204 updated and sends the sealed value with the key id")
    func put() async throws {
        let (client, transport) = client([HTTPResponse(status: 201, body: Array("{}".utf8)), HTTPResponse(status: 204)])
        let first = try await client.putSecret("PAT_TOKEN", in: repository, encryptedValue: "c2VhbGVk", keyID: "568250167242549743")
        let second = try await client.putSecret("PAT_TOKEN", in: repository, encryptedValue: "c2VhbGVk", keyID: "568250167242549743")
        #expect(first.created && !second.created)
        let body = try #require(transport.sent.first?.body)
        let sent = try JSONDecoder().decode([String: String].self, from: Data(body))
        #expect(sent == ["encrypted_value": "c2VhbGVk", "key_id": "568250167242549743"])
        #expect(transport.sent.first?.method == .put)
        #expect(transport.sent.first?.url == "https://api.github.com/repos/garrick0/c3-shared/actions/secrets/PAT_TOKEN")
    }

    @Test("secret metadata: dates read, 404 is nil")
    func metadata() async throws {
        let (client, _) = client([
            .json(200, #"{"name": "PAT_TOKEN", "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-25T10:00:00Z"}"#),
            .json(404, #"{"message": "Not Found"}"#),
        ])
        let found = try #require(try await client.secret("PAT_TOKEN", in: repository))
        #expect(found.updatedAt == ISO8601.parse("2026-11-25T10:00:00Z"))
        #expect(try await client.secret("PAT_TOKEN", in: repository) == nil)
    }

    @Test("scopes: repo covers public_repo, admin covers write and read, workflow is its own", arguments: [
        (["repo", "workflow"], ["repo", "workflow"], [String]()),
        (["repo", "workflow"], ["repo"], ["workflow"]),
        (["public_repo"], ["repo"], []),
        (["read:org"], ["admin:org"], []),
        (["write:org"], ["read:org"], ["write:org"]),
        (["repo"], ["public_repo"], ["repo"]),
    ])
    func scopes(required: [String], granted: [String], missing: [String]) {
        #expect(Scopes.missing(required, granted: granted) == missing)
    }
}
