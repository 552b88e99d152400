import Foundation
import Spawn

/// GitHub App key pairs made at run time with the `openssl` command, so the repository holds no private key.
///
/// The private key is written to a file ending in ``TestTranscripts/tokenInputSuffix`` (a deliberate secret
/// input, which `Tests/Hygiene/scan.sh` skips); anywhere else, the scan finds a PEM private key by its shape.
enum TestAppKeys {
    /// One generated key pair.
    struct KeyPair {
        /// The folder holding both files.
        let folder: String
        /// The private key file, mode 0600.
        let privateKeyPath: String
        /// The public half, PEM (`BEGIN PUBLIC KEY`).
        let publicKeyPEM: String
        /// The private key PEM, for tests that pass it through `PATROL_APP_PRIVATE_KEY`.
        var privateKeyPEM: String { (try? String(contentsOfFile: privateKeyPath, encoding: .utf8)) ?? "" }
    }

    /// Errors of the `openssl` command.
    struct OpenSSLFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    /// A fresh 2048-bit RSA key: PKCS#1 (`BEGIN RSA PRIVATE KEY`, as GitHub downloads it) or PKCS#8.
    static func make(pkcs8: Bool = false, in folder: String? = nil) throws -> KeyPair {
        let folder = folder ?? makeFolder()
        let privatePath = "\(folder)/app-\(UUID().uuidString.prefix(8)).pem\(TestTranscripts.tokenInputSuffix)"
        try openssl(["genrsa", "-out", privatePath] + (pkcs8 ? [] : ["-traditional"]) + ["2048"])
        chmod(privatePath, 0o600)
        let publicPEM = try openssl(["rsa", "-in", privatePath, "-pubout"])
        return KeyPair(folder: folder, privateKeyPath: privatePath, publicKeyPEM: publicPEM)
    }

    /// A fresh folder for key files.
    static func makeFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-app-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// GitHub's fingerprint of a key, computed by the `openssl` command: `SHA256:` and the base64 of the SHA-256
    /// of the public half in DER (GitHub's documented check).
    static func fingerprint(of pair: KeyPair) throws -> String {
        let derPath = pair.folder + "/public-\(UUID().uuidString.prefix(8)).der"
        try openssl(["rsa", "-in", pair.privateKeyPath, "-pubout", "-outform", "DER", "-out", derPath])
        let digestPath = derPath + ".sha256"
        try openssl(["dgst", "-sha256", "-binary", "-out", digestPath, derPath])
        let digest = try Data(contentsOf: URL(fileURLWithPath: digestPath))
        return "SHA256:" + digest.base64EncodedString()
    }

    /// Runs `openssl` with `arguments` and returns its standard output.
    @discardableResult
    static func openssl(_ arguments: [String], input: Data? = nil) throws -> String {
        let run = try ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, input: input ?? Data())
        guard run.termination == .exited(0) else {
            throw OpenSSLFailed(arguments: arguments, output: run.errorText)
        }
        return run.text
    }
}
