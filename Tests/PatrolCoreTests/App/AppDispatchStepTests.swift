import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// doctor's `dispatch.target` recognises a dispatch whose token comes from `actions/create-github-app-token`
/// with the App's variable and secret, and names what is wrong with one that cannot reach the platform.
@Suite struct AppDispatchStepTests {
    static let path = ".github/workflows/publish.yml"

    /// The guide's library workflow with its dispatch token made by the App (`appStep` is the token step's `with:`).
    static func publish(appStep: String, tokenLine: String = "token: ${{ steps.app-token.outputs.token }}") -> String {
        let guide = GuideWorkflows.libraryPublish(platform: "garrick0/c3-platform", eventType: "dependency_updated", secret: "PAT_TOKEN")
        return guide
            .replacingOccurrences(of: "      # Phase 2: tell the platform that a new version is out\n", with: """
                  - id: app-token
                    uses: actions/create-github-app-token@0123456789abcdef0123456789abcdef01234567 # v2
                    with:
            \(appStep)

                  # Phase 2: tell the platform that a new version is out

            """)
            .replacingOccurrences(of: "token: ${{ secrets.PAT_TOKEN }}", with: tokenLine)
    }

    func dispatchTarget(_ workflow: String) async throws -> DoctorCheck {
        let harness = try FleetHarness()
        let token = harness.mint()
        try await harness.rolledOut(token)
        harness.simulator.setFile(Self.path, content: workflow, in: "garrick0/c3-shared")
        let report = try await harness.doctor(token, repositories: ["c3-shared"])
        return try #require(report.check(CheckID.dispatchTarget, try harness.repository("c3-shared")))
    }

    static let good = """
                      app-id: ${{ vars.APP_ID }}
                      private-key: ${{ secrets.APP_PRIVATE_KEY }}
                      owner: garrick0
                      repositories: c3-platform
            """

    @Test func appTokenStepPasses() async throws {
        let check = try await dispatchTarget(Self.publish(appStep: Self.good))
        #expect(check.status == .pass, "\(check)")
        #expect(check.detail.contains("the App's token"))
    }

    @Test func tokenLimitedToOtherRepositoriesFails() async throws {
        let check = try await dispatchTarget(Self.publish(appStep: Self.good.replacingOccurrences(of: "repositories: c3-platform", with: "repositories: c3-shared")))
        #expect(check.status == .fail)
        #expect(check.detail.contains("leaves out garrick0/c3-platform"), "\(check)")
        #expect(check.fix?.contains("add c3-platform to `repositories:`") == true)
    }

    @Test func missingStepAndOtherSecretsAreNamed() async throws {
        let missing = try await dispatchTarget(Self.publish(appStep: Self.good, tokenLine: "token: ${{ steps.nowhere.outputs.token }}"))
        #expect(missing.status == .fail)
        #expect(missing.detail.contains("step `nowhere`, which is not in the workflow"), "\(missing)")
        let other = try await dispatchTarget(Self.publish(appStep: Self.good.replacingOccurrences(of: "secrets.APP_PRIVATE_KEY", with: "secrets.MY_KEY")))
        #expect(other.status == .warn)
        #expect(other.detail.contains("secrets.MY_KEY"), "\(other)")
    }
}

/// A dispatch step still on `secrets.PAT_TOKEN` passes, and says that the config's App could replace it.
@Suite struct AppAvailableNoteTests {
    @Test func patStepPassesWithTheAppNamed() async throws {
        let harness = try FleetHarness()
        let token = harness.mint()
        try await harness.rolledOut(token)
        let config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"apiURL\"", with: "\"app\": {\"id\": 424242},\n  \"apiURL\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let report = try await harness.doctor(token, repositories: ["c3-shared"])
        let check = try #require(report.check(CheckID.dispatchTarget, try harness.repository("c3-shared")))
        #expect(check.status == .pass)
        #expect(check.detail.contains("the config's GitHub App is available to replace it"), "\(check)")
    }
}
