import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Token format")
struct TokenFormatTests {
    @Test("CRC-32 matches zlib on known vectors", arguments: [
        ("123456789", UInt32(0xCBF4_3926)),
        ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
        ("", 0),
    ])
    func crc32(text: String, expected: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == expected)
    }

    @Test("base62 is left-padded to six digits", arguments: [
        (UInt32(0), "000000"), (61, "00000z"), (62, "000010"), (0xFFFF_FFFF, "4gfFC3"),
    ])
    func base62(value: UInt32, expected: String) {
        #expect(TokenFormat.base62(value) == expected)
    }

    @Test("the checksum agrees with Python's zlib.crc32 in base62")
    func checksumAgreesWithPython() {
        // Computed with Python: base62(zlib.crc32(b"123456789")) and base62(zlib.crc32(b"patrol")).
        #expect(TokenFormat.classicChecksum(of: Array("123456789".utf8)) == "3jZRME")
        #expect(TokenFormat.classicChecksum(of: Array("patrol".utf8)) == "0DbPMH")
    }

    @Test("many random classic tokens with a valid checksum pass")
    func validClassicTokens() throws {
        for _ in 0..<500 {
            #expect(try TokenFormat.check(bytes: Array(TestTokens.classic().utf8)) == .classic)
        }
    }

    @Test("every kind is recognised by its prefix", arguments: TokenKind.allCases)
    func kinds(kind: TokenKind) throws {
        let token = Token(bytes: Array(TestTokens.of(kind).utf8))
        #expect(try TokenFormat.check(token) == kind)
    }

    @Test("a mistyped character fails the checksum")
    func mistyped() {
        for _ in 0..<200 {
            let token = TestTokens.mistyped(TestTokens.classic())
            #expect(throws: TokenFormatError.badChecksum) { try TokenFormat.check(bytes: Array(token.utf8)) }
        }
    }

    @Test("a truncated classic token names the lengths")
    func truncated() throws {
        let token = TestTokens.truncated(TestTokens.classic())
        let error = try #require(throws: TokenFormatError.self) { try TokenFormat.check(bytes: Array(token.utf8)) }
        #expect(error == .wrongLength(kind: .classic, expected: 40, actual: 39))
        #expect(error.description == "a classic token has 40 characters; this one has 39 — a truncated copy? copy the token again")
    }

    @Test("a classic token with a character too many is refused")
    func tooLongClassic() {
        let token = TestTokens.classic() + "A"
        #expect(throws: TokenFormatError.wrongLength(kind: .classic, expected: 40, actual: 41)) {
            try TokenFormat.check(bytes: Array(token.utf8))
        }
    }

    @Test("an unknown prefix lists the known ones")
    func unknownPrefix() throws {
        let token = "ghx_" + TestTokens.random(36)
        let error = try #require(throws: TokenFormatError.self) { try TokenFormat.check(bytes: Array(token.utf8)) }
        #expect(error == .unknownPrefix)
        for kind in TokenKind.allCases { #expect(error.description.contains(kind.prefix)) }
    }

    @Test("bad bytes are located, not echoed", arguments: [
        ("ghp_" + "é", TokenFormatError.nonASCII(position: 5)),
        ("ghp_ab\u{0}cd", .containsNUL(position: 7)),
        ("ghp_abc def", .containsWhitespace(position: 8)),
        ("ghp_abcdef\t", .containsWhitespace(position: 11)),
        ("github_pat_ab-cd", .invalidCharacter(position: 14, byte: UInt8(ascii: "-"))),
        ("gho_abc.def", .invalidCharacter(position: 8, byte: UInt8(ascii: "."))),
        ("", .empty),
    ])
    func badBytes(text: String, expected: TokenFormatError) throws {
        let error = try #require(throws: TokenFormatError.self) { try TokenFormat.check(bytes: Array(text.utf8)) }
        #expect(error == expected)
        if text.count > 6 { #expect(!error.description.contains(text)) }
    }

    @Test("ten kilobytes is too long, even for an installation token")
    func tenKilobytes() {
        let classic = "ghp_" + String(repeating: "a", count: 10_240)
        #expect(throws: TokenFormatError.tooLong(count: 10_244, limit: 255)) { try TokenFormat.check(bytes: Array(classic.utf8)) }
        let installation = "ghs_" + String(repeating: "a", count: 10_240)
        #expect(throws: TokenFormatError.tooLong(count: 10_244, limit: 1024)) { try TokenFormat.check(bytes: Array(installation.utf8)) }
    }

    @Test("installation tokens may be long and dotted; others stop at 255")
    func lengths() throws {
        #expect(try TokenFormat.check(bytes: Array(TestTokens.installation().utf8)) == .installation)
        let long = "gho_" + TestTokens.random(251)
        #expect(try TokenFormat.check(bytes: Array(long.utf8)) == .oauth)
        #expect(throws: TokenFormatError.tooLong(count: 256, limit: 255)) { try TokenFormat.check(bytes: Array((long + "a").utf8)) }
    }

    @Test("the bad-checksum message tells the user what to do")
    func checksumMessage() {
        #expect(TokenFormatError.badChecksum.description
            == "the checksum does not match: the copy is truncated or mistyped; copy the token again from where you saved it")
    }

    @Test("TokenKind encodes as its documented raw strings")
    func kindRawValues() {
        #expect(TokenKind.allCases.map(\.rawValue) == ["classic", "fine-grained", "oauth", "user-to-server", "installation", "refresh"])
        #expect(TokenKind.allCases.map(\.prefix) == ["ghp_", "github_pat_", "gho_", "ghu_", "ghs_", "ghr_"])
    }
}
