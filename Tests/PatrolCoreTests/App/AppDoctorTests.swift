import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol doctor` with a GitHub App: `app.key`, `app.jwt`, `app.installation`, `app.permissions`, each failing
/// with its fix when the key, the id, the clock, the installation or a permission is wrong.
@Suite struct AppDoctorTests {
    /// The App's checks of a run, by id.
    func checks(_ run: FleetHarness.Run) throws -> [String: (status: String, detail: String, fix: String?)] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.output)")
        let all = try #require(document["checks"] as? [[String: Any]])
        var result: [String: (status: String, detail: String, fix: String?)] = [:]
        for check in all {
            guard let id = check["id"] as? String, id.hasPrefix("app.") else { continue }
            result[id] = (check["status"] as? String ?? "", check["detail"] as? String ?? "", check["fix"] as? String)
        }
        return result
    }

    @Test func allGreenOnAGoodApp() async throws {
        let fleet = try AppFleet()
        let run = await fleet.harness.run(["doctor", "--json"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        let app = try checks(run)
        #expect(AppDoctor.ids.allSatisfy { app[$0]?.status == "pass" }, "\(app)")
        #expect(app["app.key"]?.detail.contains(try TestAppKeys.fingerprint(of: fleet.pair)) == true)
        #expect(app["app.jwt"]?.detail.contains("c3-patrol") == true)
        // Text form: the app group comes first.
        let text = await fleet.harness.run(["doctor", "--no-color"] + fleet.appArguments)
        #expect(text.stdout.hasPrefix("app\n"), "\(text.stdout)")
    }

    @Test func wrongKeyWrongIDAndClockFailAppJWTWithExitFour() async throws {
        let fleet = try AppFleet()
        let other = try TestAppKeys.make(in: fleet.harness.folder)
        let cases: [([String], String, String)] = [
            (["--app-id", String(AppFleet.appID), "--app-key-file", other.privateKeyPath], "is not one of this App's", "use a private key of this App"),
            (["--app-id", "99", "--app-key-file", fleet.pair.privateKeyPath], "GitHub knows no App with id 99", "use the App ID"),
        ]
        for (arguments, detail, fix) in cases {
            let run = await fleet.harness.run(["doctor", "--json"] + arguments)
            #expect(run.code == 4, "\(run.output)")
            let app = try checks(run)
            #expect(app["app.key"]?.status == "pass")
            #expect(app["app.jwt"]?.status == "fail")
            #expect(app["app.jwt"]?.detail.contains(detail) == true, "\(app)")
            #expect(app["app.jwt"]?.fix?.contains(fix) == true)
            #expect(app["app.installation"]?.status == "skip" && app["app.permissions"]?.status == "skip")
        }
        fleet.harness.simulator.advanceClock(by: 15 * 60)
        let skewed = await fleet.harness.run(["doctor", "--json"] + fleet.appArguments)
        #expect(skewed.code == 4)
        let app = try checks(skewed)
        #expect(app["app.jwt"]?.status == "fail")
        #expect(app["app.jwt"]?.detail.contains("clock is") == true, "\(app)")
        #expect(app["app.jwt"]?.fix?.contains("timedatectl set-ntp true") == true)
    }

    @Test func notInstalledOnOneRepositoryFailsAppInstallation() async throws {
        let fleet = try AppFleet(installedOn: FleetHarness.fleet.filter { $0 != "garrick0/c3-bff" } + ["garrick0/c3-platform"])
        let run = await fleet.harness.run(["doctor", "--json"] + fleet.appArguments)
        #expect(run.code == 1)
        let app = try checks(run)
        #expect(app["app.installation"]?.status == "fail")
        #expect(app["app.installation"]?.detail.contains("not installed on garrick0/c3-bff") == true, "\(app)")
        #expect(app["app.installation"]?.fix?.contains("Repository access") == true)
        // The installation's settings page sits under the web root that goes with the API (APIBase.webRoot).
        #expect(app["app.installation"]?.fix?.contains("(\(fleet.harness.apiURL)/organizations/garrick0/settings/installations/") == true, "\(app)")
    }

    @Test func missingPermissionsAreNamedWithTheCommandsTheyBreak() async throws {
        let limited = try FleetHarness()
        let pair = try TestAppKeys.make(in: limited.folder)
        limited.simulator.addApp(id: 5, slug: "limited", publicKeyPEM: pair.publicKeyPEM)
        limited.simulator.installApp(5, on: FleetHarness.owner, permissions: ["secrets": "write", "contents": "read", "actions": "read"])
        let run = await limited.run(["doctor", "--json", "--app-id", "5", "--app-key-file", pair.privateKeyPath])
        let app = try checks(run)
        #expect(app["app.permissions"]?.status == "warn", "\(app)")
        #expect(app["app.permissions"]?.detail.contains("issues: write (for expiry --open-issue)") == true)
        #expect(app["app.permissions"]?.detail.contains("actions_variables: write") == true)
    }

    @Test func damagedKeyFailsAppKey() async throws {
        let fleet = try AppFleet()
        let damaged = fleet.harness.folder + "/damaged" + TestTranscripts.tokenInputSuffix
        _ = FileManager.default.createFile(atPath: damaged, contents: Data(fleet.pair.privateKeyPEM.prefix(300).utf8), attributes: [.posixPermissions: 0o600])
        let run = await fleet.harness.run(["doctor", "--json", "--app-id", String(AppFleet.appID), "--app-key-file", damaged])
        #expect(run.code == 1)
        let app = try checks(run)
        #expect(app["app.key"]?.status == "fail")
        #expect(app["app.key"]?.detail.contains("holds no private key") == true, "\(app)")
        #expect(app["app.jwt"]?.status == "skip")
    }
}
