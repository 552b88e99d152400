import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The App's private key (PEM into guarded memory) and the RS256 JWT made with it, checked against the
/// `openssl` command: the fingerprint GitHub shows, and the signature verified with the public half.
@Suite struct AppKeyTests {
    @Test(arguments: [false, true])
    func readsPKCS1AndPKCS8WithGitHubsFingerprint(pkcs8: Bool) throws {
        let pair = try TestAppKeys.make(pkcs8: pkcs8)
        let pem = try String(contentsOfFile: pair.privateKeyPath, encoding: .utf8)
        #expect(pem.contains(pkcs8 ? "BEGIN PRIVATE KEY" : "BEGIN RSA PRIVATE KEY"))
        let key = try #require(try AppKeySource.resolve(file: pair.privateKeyPath, configFile: nil, inputs: TokenInputs(environment: [:])))
        #expect(key.bits == 2048)
        #expect(key.fingerprint.value == (try TestAppKeys.fingerprint(of: pair)))
        #expect(!"\(key)".contains("MII"))
        #expect("\(key)".contains(key.fingerprint.value))
    }

    @Test func jwtClaimsAndSignatureVerifyWithOpenSSL() throws {
        let pair = try TestAppKeys.make()
        let key = try AppKeySource.read(file: pair.privateKeyPath, origin: .file(path: pair.privateKeyPath))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let jwt = try AppJWT.make(appID: 424242, key: key, now: now)
        let text = jwt.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 3)
        #expect(try JSONSerialization.jsonObject(with: Self.base64URL(parts[0])) as? [String: String] == ["alg": "RS256", "typ": "JWT"])
        let claims = try #require(try JSONSerialization.jsonObject(with: Self.base64URL(parts[1])) as? [String: Any])
        #expect(claims["iat"] as? Int == 1_800_000_000 - 60)
        #expect(claims["exp"] as? Int == 1_800_000_000 + 540)
        #expect(claims["iss"] as? String == "424242")
        // The signature, checked by openssl with the public half: an independent RS256 verifier.
        let folder = pair.folder
        let publicPath = folder + "/public.pem", inputPath = folder + "/input", signaturePath = folder + "/signature"
        try pair.publicKeyPEM.write(toFile: publicPath, atomically: true, encoding: .utf8)
        try Data((parts[0] + "." + parts[1]).utf8).write(to: URL(fileURLWithPath: inputPath))
        try Self.base64URL(parts[2]).write(to: URL(fileURLWithPath: signaturePath))
        let verified = try TestAppKeys.openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signaturePath, inputPath])
        #expect(verified.contains("Verified OK"))
        // A changed claim no longer verifies.
        try Data((parts[0] + "." + parts[1].dropLast() + "A").utf8).write(to: URL(fileURLWithPath: inputPath))
        #expect(throws: TestAppKeys.OpenSSLFailed.self) {
            try TestAppKeys.openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signaturePath, inputPath])
        }
        #expect("\(jwt)".hasPrefix("<redacted"))
    }

    @Test func keyFromEnvironmentWithRealOrEscapedLineBreaks() throws {
        let pair = try TestAppKeys.make()
        let pem = pair.privateKeyPEM
        for value in [pem, pem.replacingOccurrences(of: "\n", with: "\\n")] {
            let key = try #require(try AppKeySource.resolve(file: nil, configFile: nil,
                                                            inputs: TokenInputs(environment: [AppKeySource.variable: value])))
            #expect(key.fingerprint.value == (try TestAppKeys.fingerprint(of: pair)))
        }
        #expect(try AppKeySource.resolve(file: nil, configFile: nil, inputs: TokenInputs(environment: [:])) == nil)
    }

    @Test func keyFileReadableByOthersIsRefusedLikeTokenFiles() throws {
        let pair = try TestAppKeys.make()
        chmod(pair.privateKeyPath, 0o644)
        #expect {
            try AppKeySource.resolve(file: pair.privateKeyPath, configFile: nil, inputs: TokenInputs(environment: [:]))
        } throws: { error in
            let text = "\(error)"
            return text.contains("--app-key-file \(pair.privateKeyPath) has mode 0644") && text.contains("chmod 600")
        }
    }

    @Test func unusableKeysAreNamedErrors() throws {
        let folder = TestAppKeys.makeFolder()
        func write(_ text: String) -> String {
            let path = folder + "/key-\(UUID().uuidString.prefix(6))\(TestTranscripts.tokenInputSuffix)"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            return path
        }
        let notPEM = write("not a key\n")
        #expect(throws: AppKeyError.notPEM(.file(path: notPEM))) { try AppKeySource.read(file: notPEM, origin: .file(path: notPEM)) }
        // An EC key parses but cannot sign RS256.
        let ecPath = folder + "/ec\(TestTranscripts.tokenInputSuffix)"
        try TestAppKeys.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecPath])
        chmod(ecPath, 0o600)
        #expect(throws: AppKeyError.notRSA(.file(path: ecPath))) { try AppKeySource.read(file: ecPath, origin: .file(path: ecPath)) }
        // A passphrase-protected key is refused without a prompt.
        let pair = try TestAppKeys.make(in: folder)
        let encrypted = folder + "/encrypted\(TestTranscripts.tokenInputSuffix)"
        try TestAppKeys.openssl(["pkey", "-in", pair.privateKeyPath, "-aes256", "-passout", "pass:patrol-test", "-out", encrypted])
        chmod(encrypted, 0o600)
        #expect(throws: AppKeyError.encrypted(.file(path: encrypted))) { try AppKeySource.read(file: encrypted, origin: .file(path: encrypted)) }
        // A truncated key.
        let truncated = write(String(pair.privateKeyPEM.prefix(400)) + "\n-----END RSA PRIVATE KEY-----\n")
        #expect {
            try AppKeySource.read(file: truncated, origin: .file(path: truncated))
        } throws: { error in
            guard case AppKeyError.unreadable(let origin, _) = error else { return false }
            return origin == .file(path: truncated) && "\(error)".contains("holds no private key")
        }
    }

    /// Decodes base64url without padding.
    static func base64URL(_ text: String) throws -> Data {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return try #require(Data(base64Encoded: standard))
    }
}
