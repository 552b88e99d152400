import Foundation
import Spawn
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// patrol's App JWTs checked by PyJWT with `cryptography` (an independent RS256 implementation), and JWTs made
/// by PyJWT accepted by the simulator: neither side only agrees with itself.
@Suite struct PyJWTInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pyjwt_check.py")
    /// The interpreter of the virtual environment `make test` installs PyJWT into.
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../.build/venv/bin/python3").standardized.path
    static let installHint = "`make test` installs PyJWT with cryptography into .build/venv (make jwt-deps)"

    /// Runs the script with `arguments`, `input` on stdin; its stdout, or a recorded issue.
    static func run(_ arguments: [String], input: String = "") throws -> String {
        let run: ChildProcess.Output
        do { run = try ChildProcess.run(python, [script.path] + arguments, input: Data(input.utf8)) } catch {
            throw InteropFailure(text: "cannot start \(python) (\(error)); \(installHint)")
        }
        guard run.termination == .exited(0) else {
            throw InteropFailure(text: "pyjwt_check.py \(arguments.first ?? "") failed: \(run.errorText); \(installHint)")
        }
        return run.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct InteropFailure: Error, CustomStringConvertible { let text: String; var description: String { text } }

    @Test func pyJWTVerifiesPatrolsJWT() throws {
        let pair = try TestAppKeys.make()
        let publicPath = pair.folder + "/app.pub.pem"
        try pair.publicKeyPEM.write(toFile: publicPath, atomically: true, encoding: .utf8)
        let key = try AppKeySource.read(file: pair.privateKeyPath, origin: .file(path: pair.privateKeyPath))
        let made = Date()
        let jwt = try AppJWT.make(appID: 424242, key: key, now: made)
        let text = jwt.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let output = try Self.run(["verify", publicPath, "424242"], input: text + "\n")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let claims = try #require(document["claims"] as? [String: Any])
        let header = try #require(document["header"] as? [String: Any])
        #expect(header["alg"] as? String == "RS256")
        #expect(claims["iss"] as? String == "424242")
        let now = try #require(document["now"] as? Int), iat = try #require(claims["iat"] as? Int), exp = try #require(claims["exp"] as? Int)
        // iat is the signing moment less 60 s (to the second); PyJWT checked it against its own clock, read later.
        #expect(abs(Int(made.timeIntervalSince1970) - 60 - iat) <= 1)
        #expect(now - 60 >= iat - 1)
        #expect(exp - iat == 600)
        // A JWT signed with another key fails PyJWT's check.
        let other = try TestAppKeys.make(in: pair.folder)
        let otherJWT = try AppJWT.make(appID: 424242, key: try AppKeySource.read(file: other.privateKeyPath, origin: .file(path: other.privateKeyPath)), now: Date())
        #expect(throws: InteropFailure.self) {
            try Self.run(["verify", publicPath, "424242"], input: otherJWT.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } + "\n")
        }
    }

    @Test func simulatorAcceptsPyJWTsJWT() async throws {
        let harness = try FleetHarness()
        let pair = try TestAppKeys.make(in: harness.folder)
        harness.simulator.addApp(id: 424242, slug: "c3-patrol", publicKeyPEM: pair.publicKeyPEM)
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        func status(of jwt: String) async throws -> Int {
            try await transport.send(HTTPRequest(method: .get, url: harness.apiURL + "/app", headers: GitHubClient.standardHeaders, bearer: Token(bytes: Array(jwt.utf8)))).status
        }
        #expect(try await status(of: try Self.run(["sign", pair.privateKeyPath, "424242"])) == 200)
        // PyJWT's JWT with `exp` an hour ahead: GitHub's 10-minute limit applies to it too.
        #expect(try await status(of: try Self.run(["sign", pair.privateKeyPath, "424242", "3600"])) == 401)
        #expect(harness.simulator.refusedJWTs == ["'Expiration time' claim ('exp') is too far in the future"])
    }
}
