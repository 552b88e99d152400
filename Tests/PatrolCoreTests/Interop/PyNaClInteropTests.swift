import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Seals with patrol and opens with PyNaCl, the library behind many of GitHub's own examples.
@Suite("PyNaCl interop")
struct PyNaClInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pynacl_open.py")
    static let installHint = "`make test` installs PyNaCl with `pip install pynacl`; install python3 and PyNaCl to run this test"

    @Test("boxes sealed by patrol open in PyNaCl to the same token, and classic checksums agree with zlib")
    func sealedBoxesOpenInPyNaCl() throws {
        let process: ChildProcess
        do {
            process = try ChildProcess("/usr/bin/env", ["python3", Self.script.path], stdin: .pipe)
        } catch {
            Issue.record("cannot start python3 (\(error)); \(Self.installHint)")
            return
        }

        guard let publicKey = readLine(from: process.stdout) else {
            try? process.stdin.close()
            let stderr = String(decoding: process.readOutputs().stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            Issue.record("pynacl_open.py printed no public key (\(process.wait()): \(stderr)); \(Self.installHint)")
            return
        }

        let tokens = (0..<20).map { index in TestTokens.of(TokenKind.allCases[index % TokenKind.allCases.count]) }
        var sealed = ""
        for token in tokens {
            // The token reaches python only sealed, on stdin: never in argv.
            sealed += try SealedBox.seal(Token(bytes: Array(token.utf8)), publicKey: publicKey) + "\n"
        }
        process.writeInputAndClose(Data(sealed.utf8))
        let (rest, errors) = process.readOutputs()
        let stderr = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(process.wait() == .exited(0), "pynacl_open.py failed: \(stderr)")

        let lines = String(decoding: rest, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == tokens.count)
        for (token, line) in zip(tokens, lines) {
            let fields = line.split(separator: " ")
            try #require(fields.count == 2)
            let opened = try #require(Data(base64Encoded: String(fields[0])))
            #expect(Array(opened) == Array(token.utf8), "PyNaCl opened a different plaintext for a \(token.prefix(4))… token")
            #expect(fields[1] == (token.hasPrefix("ghp_") ? "crc-ok" : "-"))
        }
    }

    /// One line from `handle`, without its line feed; nil at end of input before any line feed.
    private func readLine(from handle: FileHandle) -> String? {
        var bytes = [UInt8]()
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
