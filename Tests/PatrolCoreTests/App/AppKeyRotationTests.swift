import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol rotate --app-key-file NEW.pem`: the App's new private key in every repository (checked by what the
/// simulator decrypts), recorded in the ledger, and the old key's fingerprint named for deletion in the App's settings.
@Suite struct AppKeyRotationTests {
    /// A fleet whose repositories hold the App's first key (rolled out and current), and a second key GitHub knows.
    static func rotatable() async throws -> (fleet: AppFleet, next: TestAppKeys.KeyPair) {
        let fleet = try AppFleet()
        let first = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        try #require(first.code == 0, "\(first.output)")
        let next = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.harness.simulator.addAppKey(next.publicKeyPEM, to: AppFleet.appID)
        return (fleet, next)
    }

    @Test func theBinaryRotatesTheKeyAndNamesTheOneToDelete() async throws {
        let (fleet, next) = try await Self.rotatable()
        let old = try TestAppKeys.fingerprint(of: fleet.pair), new = try TestAppKeys.fingerprint(of: next)
        // PAT_TOKEN in the environment does not make this a token rotation: no token source was named.
        let result = try PatrolBinary.run(["rotate", "--config", fleet.harness.configPath, "--app-id", String(AppFleet.appID),
                                           "--app-key-file", next.privateKeyPath], environment: ["PAT_TOKEN": fleet.pat])
        #expect(result.code == 0, "\(result.stderr)")
        for repository in FleetHarness.fleet {
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository)?.plaintext == next.privateKeyPEM, "\(repository)")
        }
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == nil }, "the PAT was not rolled out")
        #expect(result.stdout.contains("rotate: 9/9 repositories hold APP_ID=\(AppFleet.appID) and the key \(new)"), "\(result.stdout)")
        #expect(result.stderr.contains("now delete the old key \(old) in the App's settings: \(fleet.harness.apiURL)/organizations/garrick0/settings/apps/c3-patrol"),
                "\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(!output.contains("PRIVATE KEY"))
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.currentKey?.fingerprint.value == new)
        #expect(ledger.app.key(try #require(ledger.app.keys.first?.fingerprint))?.state == .retired)
        #expect(ledger.app.keys.first { $0.fingerprint.value == old }?.retiredAt != nil)
        #expect(ledger.history.last?.command == "rotate")

        // Deleting the old key in the settings leaves the App working with the new one.
        fleet.harness.simulator.keepOnlyAppKey(next.publicKeyPEM, of: AppFleet.appID)
        let status = await fleet.harness.run(["app", "rollout", "--resume", "--app-id", String(AppFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(status.code == 0, "\(status.output)")
        #expect(status.stdout.components(separatedBy: "skipped: holds this key already").count == 10)
    }

    @Test func jsonNamesTheKeyToDelete() async throws {
        let (fleet, next) = try await Self.rotatable()
        let run = await fleet.harness.run(["rotate", "--json", "--app-id", String(AppFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(run.code == 0, "\(run.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["command"] as? String == "rotate")
        #expect(document["deleteKey"] as? String == (try TestAppKeys.fingerprint(of: fleet.pair)))
        #expect(document["keyFingerprint"] as? String == (try TestAppKeys.fingerprint(of: next)))
        #expect((document["settingsURL"] as? String)?.hasSuffix("/organizations/garrick0/settings/apps/c3-patrol") == true)
    }

    @Test func theKeyAlreadyCurrentIsRefusedUnlessForced() async throws {
        let (fleet, _) = try await Self.rotatable()
        let mark = fleet.harness.simulator.requests.count
        let same = await fleet.harness.run(["rotate"] + fleet.appArguments)
        #expect(same.code == 2)
        #expect(same.stderr.contains("is the one every repository holds already"), "\(same.output)")
        #expect(fleet.harness.simulator.requests.count == mark)
        let forced = await fleet.harness.run(["rotate", "--force"] + fleet.appArguments)
        #expect(forced.code == 0, "\(forced.output)")
        #expect(forced.stderr.contains("no key to delete"))
    }

    @Test func aKeyGitHubDoesNotKnowExitsFourAndWritesNothing() async throws {
        let fleet = try AppFleet()
        _ = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        let unknown = try TestAppKeys.make(in: fleet.harness.folder)  // generated, but never added to the App
        let mark = fleet.harness.simulator.requests.count
        let run = await fleet.harness.run(["rotate", "--app-id", String(AppFleet.appID), "--app-key-file", unknown.privateKeyPath])
        #expect(run.code == 4)
        #expect(run.stderr.contains("is not one of this App's"), "\(run.output)")
        #expect(!fleet.harness.simulator.requests.dropFirst(mark).contains { $0.method == "PUT" || $0.method == "PATCH" })
        #expect(FleetHarness.fleet.allSatisfy { fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: $0)?.plaintext == fleet.pair.privateKeyPEM })
    }

    @Test func oneRepositoryFailingKeepsTheOldKeyAndTheOthersGoOn() async throws {
        let (fleet, next) = try await Self.rotatable()
        fleet.harness.simulator.uninstallApp(fleet.installationID, from: "garrick0/c3-web")
        let old = try TestAppKeys.fingerprint(of: fleet.pair)
        let run = await fleet.harness.run(["rotate", "--app-id", String(AppFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(run.code == 1, "\(run.output)")
        #expect(run.stdout.contains("✗ garrick0/c3-web"))
        #expect(run.stderr.contains("keep the old key \(old)"), "\(run.output)")
        #expect(!run.stderr.contains("now delete"))
        for repository in FleetHarness.fleet where repository != "garrick0/c3-web" {
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository)?.plaintext == next.privateKeyPEM)
        }
        #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: "garrick0/c3-web")?.plaintext == fleet.pair.privateKeyPEM)
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.currentKey?.fingerprint.value == old)
    }

    @Test func tokenOptionsThatMeanNothingForAKeyAreRefused() async throws {
        let fleet = try AppFleet()
        for option in [["--revoke-old", "--old-token-env", "OLD"], ["--dry-run"]] {
            let run = await fleet.harness.run(["rotate"] + option + fleet.appArguments)
            #expect(run.code == 2, "\(option)")
            #expect(run.stderr.contains("\(option[0]) does not apply when rotating the App's private key"), "\(run.output)")
        }
        #expect(fleet.harness.simulator.requests.isEmpty)
    }

    @Test func settingsPageForAUserOwnedApp() {
        let app = AppFacts(id: 1, slug: "mine", permissions: [:], owner: "octo", ownerType: "User")
        #expect(AppKeyRotation.settingsPage(webRoot: "https://github.com", app: app, installation: nil) == "https://github.com/settings/apps/mine")
        let org = AppFacts(id: 1, slug: "c3", permissions: [:], owner: "acme", ownerType: "Organization")
        #expect(AppKeyRotation.settingsPage(webRoot: "https://ghe.example", app: org, installation: nil)
                == "https://ghe.example/organizations/acme/settings/apps/c3")
    }
}
