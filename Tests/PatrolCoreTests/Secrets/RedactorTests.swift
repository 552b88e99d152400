import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Redactor")
struct RedactorTests {
    @Test("a known token is masked wherever it appears, keeping its prefix")
    func knownToken() {
        let text = TestTokens.classic()
        let redactor = Redactor(tokens: [Token(bytes: Array(text.utf8))])
        let output = redactor.redact("sending \(text) to c3-shared (\(text))")
        #expect(output == "sending ghp_…<redacted> to c3-shared (ghp_…<redacted>)")
    }

    @Test("a known credential of no GitHub shape is masked too")
    func knownOddCredential() {
        let secret = "s3cr3t-" + TestTokens.random(10)
        let output = Redactor(tokens: [Token(bytes: Array(secret.utf8))]).redact("value=\(secret);")
        #expect(output == "value=<redacted>;")
    }

    @Test("every token-shaped string is masked, known or not", arguments: TokenKind.allCases)
    func tokenShapes(kind: TokenKind) {
        let text = TestTokens.of(kind)
        let output = Redactor().redact("token: \(text). done")
        #expect(output == "token: \(kind.prefix)…<redacted>. done")
    }

    @Test("short words with a token prefix are left alone")
    func shortWords() {
        let text = "set ghp_example and github_pat_short, see gh_pages"
        #expect(Redactor().redact(text) == text)
    }

    @Test("Authorization values are masked whatever they are", arguments: [
        ("> Authorization: Bearer abc", "> Authorization: Bearer <redacted>"),
        ("authorization: token xyz.123", "authorization: token <redacted>"),
        ("AUTHORIZATION:Basic dXNlcjpwYXNz", "AUTHORIZATION:Basic <redacted>"),
        ("Authorization: opaque-value", "Authorization: <redacted>"),
        (#"{"Authorization": "Bearer q", "x": 1}"#, #"{"Authorization": "Bearer <redacted>", "x": 1}"#),
        ("the authorization failed", "the authorization failed"),
    ])
    func authorization(input: String, expected: String) {
        #expect(Redactor().redact(input) == expected)
    }

    @Test("an Authorization header holding a token is masked once, not twice")
    func authorizationWithToken() {
        let text = TestTokens.classic()
        let output = Redactor(tokens: [Token(bytes: Array(text.utf8))]).redact("Authorization: Bearer \(text)\nnext line")
        #expect(output == "Authorization: Bearer ghp_…<redacted>\nnext line")
    }

    @Test("text without secrets passes through unchanged, Unicode included")
    func unchanged() {
        let text = "rollout 4/9 — c3-shared ✓ (sha256:0123456789abcdef)"
        #expect(Redactor(tokens: [Token(bytes: Array(TestTokens.classic().utf8))]).redact(text) == text)
    }
}
