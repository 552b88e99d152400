import CSodium
import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Sealed box")
struct SealedBoxTests {
    /// A fresh X25519 key pair from libsodium, as GitHub holds for each repository.
    struct KeyPair {
        var publicKey = [UInt8](repeating: 0, count: crypto_box_publickeybytes())
        var secretKey = [UInt8](repeating: 0, count: crypto_box_secretkeybytes())

        init() throws {
            #expect(sodium_init() >= 0)
            // Why unsafe: libsodium writes exactly the two key sizes it reports into these buffers.
            try #require(crypto_box_keypair(&publicKey, &secretKey) == 0)
        }

        var publicKeyBase64: String { Data(publicKey).base64EncodedString() }

        /// Opens `sealed` (standard base64) with libsodium's own `crypto_box_seal_open`, independently of patrol.
        func open(_ sealed: String) throws -> [UInt8] {
            let box = try #require(Data(base64Encoded: sealed).map(Array.init))
            try #require(box.count >= crypto_box_sealbytes())
            var plaintext = [UInt8](repeating: 0, count: box.count - crypto_box_sealbytes())
            // Why unsafe: libsodium reads `box.count` bytes and writes `box.count - sealbytes` into `plaintext`.
            try #require(crypto_box_seal_open(&plaintext, box, UInt64(box.count), publicKey, secretKey) == 0)
            return plaintext
        }
    }

    @Test("a sealed token opens with the secret key to the same bytes", arguments: TokenKind.allCases)
    func roundTrip(kind: TokenKind) throws {
        let keys = try KeyPair()
        let text = TestTokens.of(kind)
        let sealed = try SealedBox.seal(Token(bytes: Array(text.utf8)), publicKey: keys.publicKeyBase64)
        #expect(try keys.open(sealed) == Array(text.utf8))
        #expect(sealed.count == (text.utf8.count + 48 + 2) / 3 * 4)
        #expect(!sealed.contains(text))
    }

    @Test("sealing twice gives two different boxes that both open")
    func sealingIsRandomised() throws {
        let keys = try KeyPair()
        let token = Token(bytes: Array(TestTokens.classic().utf8))
        let first = try SealedBox.seal(token, publicKey: keys.publicKeyBase64)
        let second = try SealedBox.seal(token, publicKey: keys.publicKeyBase64)
        #expect(first != second)
        #expect(try keys.open(first) == keys.open(second))
    }

    @Test("the output is standard base64 with padding")
    func outputAlphabet() throws {
        let keys = try KeyPair()
        for _ in 0..<50 {
            let sealed = try SealedBox.seal(Token(bytes: Array(TestTokens.classic().utf8)), publicKey: keys.publicKeyBase64)
            // 40 + 48 = 88 bytes = 29 groups of three and one byte left: 30 groups of four, the last padded with '=='.
            #expect(sealed.count == 120)
            #expect(sealed.hasSuffix("==") && !sealed.dropLast(2).contains("="))
            #expect(sealed.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
        }
    }

    @Test("our encoder agrees with Foundation's on every length")
    func encoderAgrees() throws {
        for length in 1..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(StandardBase64.encode(bytes) == Data(bytes).base64EncodedString())
            #expect(try StandardBase64.decode(Data(bytes).base64EncodedString()) == bytes)
        }
        #expect(StandardBase64.encode([UInt8]()) == "")
    }

    @Test("a URL-safe key is refused")
    func urlSafe() throws {
        // Keep drawing until the key's standard encoding has a '+' or '/', which the URL-safe alphabet writes as '-' or '_'.
        var key: String
        repeat { key = try KeyPair().publicKeyBase64 } while !key.contains(where: { $0 == "+" || $0 == "/" })
        let urlSafe = key.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(throws: SealingError.urlSafeAlphabet) { try SealedBox.seal(Token(bytes: [1]), publicKey: urlSafe) }
    }

    @Test("a key without its padding is refused")
    func missingPadding() throws {
        let key = try KeyPair().publicKeyBase64
        #expect(key.hasSuffix("="))
        let error = try #require(throws: SealingError.self) {
            try SealedBox.seal(Token(bytes: [1]), publicKey: String(key.dropLast()))
        }
        guard case .notBase64(let detail) = error else { Issue.record("expected notBase64, got \(error)"); return }
        #expect(detail.contains("padding"))
    }

    @Test("keys of 31 and 33 bytes are refused with their length", arguments: [31, 33, 0 + 16, 64])
    func wrongLength(count: Int) {
        let key = Data((0..<count).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        #expect(throws: SealingError.wrongKeyLength(actual: count)) { try SealedBox.seal(Token(bytes: [1]), publicKey: key) }
    }

    @Test("a key in the shape of GitHub's documentation example (33 bytes, ending 1234) is refused")
    func documentationStyleKey() {
        // 44 characters without padding decode to 33 bytes: the example key in GitHub's REST docs has this shape.
        let key = String(repeating: "A", count: 40) + "1234"
        #expect(throws: SealingError.wrongKeyLength(actual: 33)) { try SealedBox.seal(Token(bytes: [1]), publicKey: key) }
    }

    @Test("whitespace and foreign characters are refused", arguments: [" ", "\n", "*", "é"])
    func foreignCharacters(character: String) throws {
        let key = try KeyPair().publicKeyBase64
        let damaged = String(key.prefix(10)) + character + String(key.dropFirst(10))
        let error = try #require(throws: SealingError.self) { try SealedBox.seal(Token(bytes: [1]), publicKey: damaged) }
        guard case .notBase64 = error else { Issue.record("expected notBase64, got \(error)"); return }
        #expect(error.description.contains("public key GitHub sent is malformed"))
    }

    @Test("non-canonical trailing bits and an empty key are refused")
    func nonCanonical() throws {
        let key = try KeyPair().publicKeyBase64
        // The 43rd character carries 4 data bits and 2 padding bits; an odd alphabet index sets a padding bit.
        var characters = Array(key)
        characters[42] = "B"
        #expect(throws: SealingError.self) { try SealedBox.seal(Token(bytes: [1]), publicKey: String(characters)) }
        #expect(throws: SealingError.notBase64(detail: "it is empty")) { try SealedBox.seal(Token(bytes: [1]), publicKey: "") }
    }

    @Test("messages tell the user to retry and report")
    func messages() {
        for error in [SealingError.urlSafeAlphabet, .wrongKeyLength(actual: 33), .notBase64(detail: "x"), .sealFailed] {
            #expect(error.description.contains("retry"))
        }
    }
}
