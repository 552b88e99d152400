import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("GitHubClient.revokeCredentials")
struct RevocationTests {
    @Test("POST /credentials/revoke: no bearer, the tokens in a JSON body; 202 succeeds, anything else throws")
    func request() async throws {
        let raw = TestTokens.classic(), other = TestTokens.fineGrained()
        let transport = CannedTransport([HTTPResponse(status: 202), .json(403, #"{"message": "Forbidden"}"#)])
        let caller = Token(bytes: Array(TestTokens.classic().utf8))
        let client = GitHubClient(transport: transport, base: .gitHubDotCom, credential: caller)
        try await client.revokeCredentials([Token(bytes: Array(raw.utf8)), Token(bytes: Array(other.utf8))])
        let sent = try #require(transport.sent.first)
        #expect(sent.method == .post)
        #expect(sent.url == "https://api.github.com/credentials/revoke")
        #expect(sent.bearer == nil)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body ?? [])) as? [String: [String]])
        #expect(body == ["credentials": [raw, other]])
        await #expect(throws: GitHubError.self) { try await client.revokeCredentials([caller]) }
    }

    @Test("a quote or backslash in a token is escaped, so the body stays JSON")
    func escaping() throws {
        let body = GitHubClient.revocationBody([Token(bytes: Array(#"a"b\c"#.utf8))])
        let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: [String]]
        #expect(parsed == ["credentials": [#"a"b\c"#]])
    }
}
