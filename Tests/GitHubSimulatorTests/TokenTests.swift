import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Minted tokens")
struct TokenTests {
    /// zlib's CRC-32, written again here so the test does not trust the simulator's copy.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func base62(_ value: UInt32) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var digits = ""
        var rest = value
        while rest > 0 {
            digits = String(alphabet[Int(rest % 62)]) + digits
            rest /= 62
        }
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    @Test func crcMatchesZlibCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Self.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Base62.encode(UInt32.max, width: 6) == "4gfFC3")
    }

    @Test(arguments: 0..<20)
    func classicTokensCarryAValidChecksum(_ run: Int) {
        let token = GitHubSimulator().mintToken()
        #expect(token.hasPrefix("ghp_"))
        #expect(token.count == 40)
        let characters = Array(token.utf8)
        let body = Array(characters[4..<34])
        let checksum = String(decoding: characters[34...], as: UTF8.self)
        #expect(Self.base62(Self.crc32(body)) == checksum)
    }

    @Test func fineGrainedTokensHaveTheirShape() {
        let token = GitHubSimulator().mintToken(kind: .fineGrained)
        #expect(token.hasPrefix("github_pat_"))
        #expect(token.count == 93)
        #expect(token.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") })
    }

    @Test func broaderScopesImplyNarrowerOnes() {
        let record = TokenRecord(
            token: "t", login: "l", userID: 1, kind: .classic, scopes: ["repo", "admin:org"], expiresAt: nil,
            accountType: "User", expirationFormat: .utc
        )
        #expect(record.hasScope("repo:status"))
        #expect(record.hasScope("public_repo"))
        #expect(record.hasScope("read:org"))
        #expect(record.hasScope("write:org"))
        #expect(!record.hasScope("workflow"))
        #expect(!record.hasScope("admin:repo_hook"))
    }

    @Test func tokensAreFreshEachTime() {
        let simulator = GitHubSimulator()
        #expect(simulator.mintToken() != simulator.mintToken())
    }

    @Test func sameSeedMintsTheSameTokens() {
        #expect(GitHubSimulator(seed: 7).mintToken() == GitHubSimulator(seed: 7).mintToken())
    }
}
