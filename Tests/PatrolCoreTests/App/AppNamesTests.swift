import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The config's `app.variable` and `app.secret`: the names the fleet's workflows read the App's id and key by,
/// validated like `secret`, used by `app rollout` and by doctor's reading of the App-token step.
@Suite struct AppNamesTests {
    static func config(app: String) -> String {
        #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared"]}, "app": \#(app)}"#
    }

    static func load(_ text: String) throws -> FleetConfig {
        let folder = TestAppKeys.makeFolder()
        let path = folder + "/fleet.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try FleetConfig.load(path: path)
    }

    @Test func defaultsAndOwnNames() throws {
        #expect(try Self.load(Self.config(app: #"{"id": 5}"#)).appNames == AppCredentialNames(variable: "APP_ID", secret: "APP_PRIVATE_KEY"))
        #expect(try Self.load(Self.config(app: #"{"id": 5, "variable": "C3_APP_ID", "secret": "C3_APP_KEY"}"#)).appNames
                == AppCredentialNames(variable: "C3_APP_ID", secret: "C3_APP_KEY"))
        #expect(try Self.load(#"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared"]}}"#).appNames == .standard)
    }

    @Test(arguments: [
        (#"{"id": 5, "secret": "GITHUB_APP_KEY"}"#, "app.secret", "reserved by GitHub"),
        (#"{"id": 5, "variable": "1APP"}"#, "app.variable", "must not start with a digit"),
        (#"{"id": 5, "variable": "APP-ID"}"#, "app.variable", "letters, digits"),
        (#"{"id": 5, "secret": "pat_token"}"#, "app.secret", "is the fleet's token secret"),
        (#"{"id": 5, "secret": 7}"#, "app.secret", "expected a string"),
        (#"{"id": 5, "secretName": "X"}"#, "app.secretName", "unknown key"),
    ])
    func badNamesAreConfigErrors(app: String, field: String, problem: String) throws {
        do {
            _ = try Self.load(Self.config(app: app))
            Issue.record("\(app) was accepted")
        } catch let error as ConfigError {
            #expect(error.field == field, "\(error)")
            #expect(error.description.contains(problem), "\(error)")
        }
    }

    @Test func appRolloutUsesTheConfiguredNames() async throws {
        let fleet = try AppFleet()
        let config = try String(contentsOfFile: fleet.harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"apiURL\"", with: "\"app\": {\"id\": \(AppFleet.appID), \"variable\": \"C3_APP_ID\", \"secret\": \"C3_APP_KEY\"},\n  \"apiURL\"")
            .write(toFile: fleet.harness.configPath, atomically: true, encoding: .utf8)
        let run = await fleet.harness.run(["app", "rollout", "--app-key-file", fleet.pair.privateKeyPath])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("hold C3_APP_ID=\(AppFleet.appID)") && run.stdout.contains("as C3_APP_KEY"))
        for repository in FleetHarness.fleet {
            #expect(fleet.harness.simulator.variable("C3_APP_ID", in: repository) == String(AppFleet.appID))
            #expect(fleet.harness.simulator.secret("C3_APP_KEY", in: repository)?.plaintext == fleet.pair.privateKeyPEM)
            #expect(fleet.harness.simulator.variable("APP_ID", in: repository) == nil)
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: repository) == nil)
        }
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.repositories.values.allSatisfy { $0.variable == "C3_APP_ID" && $0.secret == "C3_APP_KEY" })
        // The ledger knows the names: a later --resume under the default names sets them all again.
        let mark = fleet.harness.simulator.requests.count
        try config.write(toFile: fleet.harness.configPath, atomically: true, encoding: .utf8)
        let renamed = await fleet.harness.run(["app", "rollout", "--resume"] + fleet.appArguments)
        #expect(renamed.code == 0)
        #expect(fleet.harness.simulator.requests.dropFirst(mark).filter { $0.method == "PUT" && $0.path.hasSuffix("/APP_PRIVATE_KEY") }.count == 9)
    }

    @Test func doctorReadsTheAppStepWithTheConfiguredNames() async throws {
        let harness = try FleetHarness()
        let token = harness.mint()
        try await harness.rolledOut(token)
        let config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"apiURL\"", with: "\"app\": {\"id\": 424242, \"variable\": \"C3_APP_ID\", \"secret\": \"C3_APP_KEY\"},\n  \"apiURL\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let shared = try harness.repository("c3-shared")
        let own = AppDispatchStepTests.good.replacingOccurrences(of: "vars.APP_ID", with: "vars.C3_APP_ID")
            .replacingOccurrences(of: "secrets.APP_PRIVATE_KEY", with: "secrets.c3_app_key")
        harness.simulator.setFile(AppDispatchStepTests.path, content: AppDispatchStepTests.publish(appStep: own), in: "garrick0/c3-shared")
        let passing = try #require(try await harness.doctor(token, repositories: ["c3-shared"]).check(CheckID.dispatchTarget, shared))
        #expect(passing.status == .pass, "\(passing)")
        // The default names are not what this fleet's App rollout keeps: a warning naming the configured ones.
        harness.simulator.setFile(AppDispatchStepTests.path, content: AppDispatchStepTests.publish(appStep: AppDispatchStepTests.good), in: "garrick0/c3-shared")
        let warning = try #require(try await harness.doctor(token, repositories: ["c3-shared"]).check(CheckID.dispatchTarget, shared))
        #expect(warning.status == .warn, "\(warning)")
        #expect(warning.fix?.contains("app-id: ${{ vars.C3_APP_ID }}") == true && warning.fix?.contains("secrets.C3_APP_KEY") == true, "\(warning)")
    }
}
