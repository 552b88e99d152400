import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol app rollout`: the App's id as the variable APP_ID and its private key as the secret APP_PRIVATE_KEY in
/// every repository, checked by what the simulator holds (it opens the sealed key), with the App as the caller.
@Suite struct AppRolloutTests {
    @Test func everyRepositoryGetsTheAppIDAndTheKey() async throws {
        let fleet = try AppFleet()
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        for repository in FleetHarness.fleet {
            #expect(fleet.harness.simulator.variable("APP_ID", in: repository) == String(AppFleet.appID))
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository)?.plaintext == fleet.pair.privateKeyPEM, "\(repository)")
        }
        #expect(fleet.repositoryRequests.allSatisfy { $0.credential == "Bearer ghs_" })
        #expect(run.stdout.contains("9/9 repositories hold APP_ID=\(AppFleet.appID)"))
        #expect(run.stdout.contains(try TestAppKeys.fingerprint(of: fleet.pair)))
        #expect(run.stderr.contains("patrol rotate --app-key-file"))
        #expect(!run.output.contains("PRIVATE KEY") && !run.output.contains("IBAAKCAQEA"))
        // Again: the variable is unchanged, the key set again, still verified.
        let again = await fleet.harness.run(["app", "rollout", "--json"] + fleet.appArguments)
        #expect(again.code == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["repositories"] as? [[String: Any]])
        #expect(rows.count == 9 && rows.allSatisfy { $0["variable"] as? String == "unchanged" && $0["status"] as? String == "verified" })
    }

    @Test func aVariableWithAnotherValueIsUpdated() async throws {
        let fleet = try AppFleet()
        _ = await fleet.harness.run(["app", "rollout", "--repos", "c3-web"] + fleet.appArguments)
        let other = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.harness.simulator.addApp(id: 31, slug: "other", publicKeyPEM: other.publicKeyPEM)
        fleet.harness.simulator.installApp(31, on: FleetHarness.owner)
        let run = await fleet.harness.run(["app", "rollout", "--repos", "c3-web", "--app-id", "31", "--app-key-file", other.privateKeyPath])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("APP_ID updated"))
        #expect(fleet.harness.simulator.variable("APP_ID", in: "garrick0/c3-web") == "31")
        #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: "garrick0/c3-web")?.plaintext == other.privateKeyPEM)
    }

    @Test func withoutVariablesPermissionNothingIsWritten() async throws {
        let harness = try FleetHarness()
        let pair = try TestAppKeys.make(in: harness.folder)
        harness.simulator.addApp(id: 5, slug: "limited", publicKeyPEM: pair.publicKeyPEM)
        harness.simulator.installApp(5, on: FleetHarness.owner, permissions: ["secrets": "write"])
        let run = await harness.run(["app", "rollout", "--app-id", "5", "--app-key-file", pair.privateKeyPath])
        #expect(run.code == 4)
        #expect(run.stderr.contains("lacks actions_variables: write"), "\(run.output)")
        #expect(harness.uploads == 0)
    }

    @Test func appNeedsItsAction() async throws {
        let fleet = try AppFleet()
        let run = await fleet.harness.run(["app"] + fleet.appArguments)
        #expect(run.code == 2)
        #expect(run.stderr.contains("patrol app rollout"))
    }
}
