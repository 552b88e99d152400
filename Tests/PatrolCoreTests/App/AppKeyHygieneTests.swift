import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `Tests/Hygiene/scan.sh` finds an App private key that leaked into a file or transcript, whole or body only,
/// PKCS#1 or PKCS#8, and leaves public keys and deliberate key-file inputs alone.
@Suite struct AppKeyHygieneTests {
    static let scanner = PatrolBinary.packageRoot + "/Tests/Hygiene/scan.sh"

    func scan(_ folder: String) throws -> (code: Int32, output: String) {
        let run = try ChildProcess.run(Self.scanner, [folder], stderr: .standardOutput)
        return (run.termination.status, run.text)
    }

    @Test(arguments: [false, true])
    func scanFindsALeakedPrivateKey(pkcs8: Bool) throws {
        // Outside TMPDIR's kept folders, and removed at once, so `make test`'s own scan never sees the plant.
        let folder = "/tmp/patrol-key-scan-selftest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pair = try TestAppKeys.make(pkcs8: pkcs8, in: folder)
        try pair.publicKeyPEM.write(toFile: folder + "/app.pub.pem", atomically: true, encoding: .utf8)
        let clean = try scan(folder)
        #expect(clean.code == 0, "\(clean.output)")
        #expect(clean.output.contains(": 0 hits"))

        // The whole PEM in a log, then only its body lines (armour stripped), each caught.
        let pem = pair.privateKeyPEM
        try ("error: " + pem).write(toFile: folder + "/whole.log", atomically: true, encoding: .utf8)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        try ("value=" + body + "\n").write(toFile: folder + "/body.log", atomically: true, encoding: .utf8)
        let dirty = try scan(folder)
        #expect(dirty.code == 1)
        #expect(dirty.output.contains(": 2 hits") && dirty.output.contains("whole.log") && dirty.output.contains("body.log"), "\(dirty.output)")
    }
}
