import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `expiry` reports the App key's age against rotationDays, and `status` which key each repository holds — both from
/// the ledger, and only when the fleet uses an App.
@Suite struct AppKeyReportTests {
    /// A fleet with a PAT rolled out (as the App) and the App's key rolled out to every repository.
    static func fleetOnTheApp() async throws -> AppFleet {
        let fleet = try AppFleet()
        let rollout = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile] + fleet.appArguments)
        try #require(rollout.code == 0, "\(rollout.output)")
        let app = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        try #require(app.code == 0, "\(app.output)")
        return fleet
    }

    /// Moves the ledger's App key `days` into the past, as if it had been rolled out then.
    static func age(_ fleet: AppFleet, days: Double) throws {
        var ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        for index in ledger.app.keys.indices { ledger.app.keys[index].firstRolledOut.addTimeInterval(-days * 86_400) }
        _ = try LedgerStore.write(ledger, to: fleet.harness.ledgerPath)
    }

    @Test func expiryReportsTheKeysAgeFromTheBinary() async throws {
        let fleet = try await Self.fleetOnTheApp()
        let fingerprint = try TestAppKeys.fingerprint(of: fleet.pair)
        try Self.age(fleet, days: 10)
        let young = try PatrolBinary.run(["expiry", "--config", fleet.harness.configPath])
        #expect(young.code == 0, "\(young.stdout)\(young.stderr)")
        #expect(young.stdout.contains("App key \(fingerprint) (App \(AppFleet.appID)) is 10 days old"), "\(young.stdout)")
        #expect(young.stdout.contains("rotate every 90), held by 9/9 repositories"))

        try Self.age(fleet, days: 85)
        let old = try PatrolBinary.run(["expiry", "--json", "--config", fleet.harness.configPath])
        #expect(old.code == 3, "\(old.stdout)\(old.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(old.stdout.utf8)) as? [String: Any])
        #expect(document["status"] as? String == "ok")  // the token's own status is unchanged
        let key = try #require(document["appKey"] as? [String: Any])
        #expect(key["fingerprint"] as? String == fingerprint)
        #expect(key["ageDays"] as? Int == 95 && key["rotationDays"] as? Int == 90 && key["status"] as? String == "rotate")
        #expect(key["repositories"] as? Int == 9)
        let github = try PatrolBinary.run(["expiry", "--format", "github", "--config", fleet.harness.configPath])
        #expect(github.code == 3)
        #expect(github.stdout.hasPrefix("::warning title=App key"), "\(github.stdout)")
        #expect(github.stdout.contains("patrol rotate --app-key-file NEW.pem"))
    }

    @Test func withoutAnAppExpirySaysNothingOfKeys() async throws {
        let harness = try FleetHarness()
        let token = harness.mint()
        _ = await harness.run(["rollout"], environment: ["PAT_TOKEN": token])
        let run = await harness.run(["expiry", "--json"])
        #expect(run.code == 0)
        #expect(!run.stdout.contains("appKey"))
        let status = await harness.run(["status"], environment: ["PAT_TOKEN": token])
        #expect(!status.stdout.contains("App key"))
    }

    @Test func statusShowsWhichKeyEachRepositoryHolds() async throws {
        let fleet = try await Self.fleetOnTheApp()
        let first = try TestAppKeys.fingerprint(of: fleet.pair)
        // A rotation that reached only c3-web: it holds the new (pending) key, the others the current one.
        let next = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.harness.simulator.addAppKey(next.publicKeyPEM, to: AppFleet.appID)
        let partial = await fleet.harness.run(["rotate", "--repos", "c3-web", "--app-id", String(AppFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(partial.code == 0, "\(partial.output)")
        let second = try TestAppKeys.fingerprint(of: next)

        let status = try PatrolBinary.run(["status", "--config", fleet.harness.configPath] + fleet.appArguments)
        #expect(status.code == 0, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("App key: the fleet's current key is \(first)"), "\(status.stdout)")
        let web = try #require(status.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-web") && $0.contains("App") })
        #expect(web.hasPrefix("pending") && web.contains("holds \(second) as APP_PRIVATE_KEY"), "\(web)")
        let shared = try #require(status.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-shared") && $0.contains("App") })
        #expect(shared.hasPrefix("current") && shared.contains("holds \(first)"), "\(shared)")
        #expect(status.stdout.contains("patrol app rollout --resume"))

        let json = await fleet.harness.run(["status", "--json"] + fleet.appArguments)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let appKey = try #require(document["appKey"] as? [String: Any])
        #expect(appKey["current"] as? String == first)
        let rows = try #require(appKey["repositories"] as? [[String: Any]])
        #expect(rows.count == 9)
        #expect(rows.first { $0["repository"] as? String == "garrick0/c3-web" }?["fingerprint"] as? String == second)
        #expect(rows.filter { $0["state"] as? String == "current" }.count == 8)
    }
}
