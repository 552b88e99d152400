import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol expiry` as the scheduled workflow runs it: the built binary, the token in `PAT_TOKEN`.
@Suite("patrol expiry, the built binary")
struct ExpiryBinaryTests {
    @Test("the workflow's command at warning: a ::warning annotation, exit 3, one issue in the platform repository")
    func workflowCommand() async throws {
        let fleet = try FleetHarness()
        let expiresAt = inDays(12)
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: expiresAt, expirationFormat: .offset("+0200"))
        let helper = fleet.mint()
        try await fleet.seedLedger(token: token, expiresAt: inDays(80))
        let arguments = ["expiry", "--live", "--format", "github", "--open-issue", "--auth-env", "ISSUES_TOKEN", "--config", fleet.configPath]
        let environment = ["PAT_TOKEN": token, "ISSUES_TOKEN": helper]
        for _ in 0..<2 {
            let result = try PatrolBinary.run(arguments, environment: environment)
            #expect(result.code == 3, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("::warning title=PAT_TOKEN expires in 12 days ("))
            #expect(!(result.stdout + result.stderr).contains(token) && !(result.stdout + result.stderr).contains(helper))
        }
        let issues = fleet.simulator.issues(in: FleetHarness.platform)
        #expect(issues.count == 1 && issues.first?.state == "open")
        #expect(fleet.simulator.requests.filter { $0.path.hasPrefix("/repos/") }.allSatisfy { $0.authorization == "Bearer \(helper)" })
        #expect(try fleet.ledger().currentToken?.expiresAt.map(ISO8601.format) == ISO8601.format(expiresAt))
    }
}
