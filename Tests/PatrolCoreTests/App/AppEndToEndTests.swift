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

/// Issue 13's "done means", for the fleet's move to the App, against the built binary: `app rollout` and `rotate
/// --app-key-file` with nothing but the App in the environment, outliving their installation tokens without one failed
/// request, and leaving no private key in any output or file (the hygiene scan over the run's folder).
@Suite struct AppEndToEndTests {
    /// The requests that failed: any 4xx/5xx except a GET answered 404 (a variable not set yet, an installation lookup).
    static func failed(_ fleet: AppFleet) -> [String] {
        fleet.harness.simulator.requests.filter { $0.status >= 400 && !($0.status == 404 && $0.method == "GET") }
            .map { "\($0.method) \($0.path) \($0.status)" }
    }

    @Test func appRolloutAndRotationOutliveTheirInstallationTokens() async throws {
        let fleet = try AppFleet(latency: .milliseconds(100))
        // Tokens that live 5 min 2 s are renewed 2 s after they are minted: each run outlives several.
        fleet.harness.simulator.setInstallationTokenLifetime(AppSession.refreshMargin + 2)
        // Only the App in the environment: no PAT_TOKEN, GH_TOKEN or any other credential.
        let environment = [Context.appIDVariable: String(AppFleet.appID), AppKeySource.variable: fleet.pair.privateKeyPEM]
        #expect(!environment.values.contains { $0.hasPrefix("gh") })
        let rollout = try PatrolBinary.run(["app", "rollout", "--concurrency", "1", "--config", fleet.harness.configPath], environment: environment)
        #expect(rollout.code == 0, "\(rollout.stderr)")
        #expect(fleet.harness.simulator.installationTokensMinted >= 2)
        #expect(rollout.stderr.contains("installation token was renewed"))
        #expect(Self.failed(fleet).isEmpty, "\(Self.failed(fleet))")
        #expect(fleet.repositoryRequests.allSatisfy { $0.credential == "Bearer ghs_" })
        for repository in FleetHarness.fleet {
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository)?.plaintext == fleet.pair.privateKeyPEM)
        }

        // The key's rotation, the new key from a file, as long again.
        let next = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.harness.simulator.addAppKey(next.publicKeyPEM, to: AppFleet.appID)
        let minted = fleet.harness.simulator.installationTokensMinted
        let rotate = try PatrolBinary.run(["rotate", "--concurrency", "1", "--verbose", "--config", fleet.harness.configPath,
                                           "--app-id", String(AppFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(rotate.code == 0, "\(rotate.stderr)")
        #expect(fleet.harness.simulator.installationTokensMinted >= minted + 2)
        #expect(Self.failed(fleet).isEmpty, "\(Self.failed(fleet))")
        for repository in FleetHarness.fleet {
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository)?.plaintext == next.privateKeyPEM)
        }

        // No private key in what either run printed, nor in the ledger or anything else in the run's folder.
        let printed = fleet.harness.folder + "/printed.log"
        try [rollout.stdout, rollout.stderr, rotate.stdout, rotate.stderr].joined(separator: "\n")
            .write(toFile: printed, atomically: true, encoding: .utf8)
        let scan = try ChildProcess.run(AppKeyHygieneTests.scanner, [fleet.harness.folder], stderr: .standardOutput)
        let report = scan.text
        #expect(scan.termination == .exited(0), "\(report)")
        #expect(report.contains(": 0 hits"), "\(report)")
        #expect(FileManager.default.fileExists(atPath: fleet.harness.ledgerPath))
    }
}
