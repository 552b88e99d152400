import CSodium
import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Token")
struct TokenTests {
    @Test("description and debugDescription show only the short fingerprint")
    func description() {
        let text = TestTokens.classic()
        let token = Token(bytes: Array(text.utf8))
        #expect(token.description == "<redacted \(token.fingerprint.short)>")
        #expect(!token.description.contains(text))
        #expect(!"\(token)".contains(text))
        #expect(!String(reflecting: token).contains(text))
        #expect(!String(describing: [token]).contains(text))
        #expect(token.count == 40)
    }

    @Test("the fingerprint is sha256: and the first 16 hex digits of the SHA-256")
    func fingerprint() throws {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.
        let token = Token(bytes: Array("abc".utf8))
        #expect(token.fingerprint.value == "sha256:ba7816bf8f01cfea")
        #expect(token.fingerprint.short == "sha256:ba7816bf")
        #expect(token.description == "<redacted sha256:ba7816bf>")
        #expect(Fingerprint("sha256:ba7816bf8f01cfea") == token.fingerprint)
        #expect(Fingerprint("sha256:BA7816BF8F01CFEA") == nil)
        #expect(Fingerprint("sha256:ba7816bf") == nil)
    }

    @Test("isSame compares bytes, not identity")
    func isSame() {
        let text = TestTokens.classic()
        #expect(Token(bytes: Array(text.utf8)).isSame(as: Token(bytes: Array(text.utf8))))
        #expect(!Token(bytes: Array(text.utf8)).isSame(as: Token(bytes: Array(TestTokens.classic().utf8))))
        #expect(!Token(bytes: Array(text.utf8)).isSame(as: Token(bytes: Array(text.utf8.dropLast()))))
    }

    @Test("the bytes read back are the bytes given")
    func bytes() {
        let text = TestTokens.fineGrained()
        let token = Token(bytes: Array(text.utf8))
        #expect(token.withUnsafeBytes { Array($0) } == Array(text.utf8))
    }

    @Test("disabling core dumps sets both limits to zero")
    func coreDumps() {
        #expect(ProcessHardening.disableCoreDumps())
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur == 0 && limit.rlim_max == 0)
    }
}
