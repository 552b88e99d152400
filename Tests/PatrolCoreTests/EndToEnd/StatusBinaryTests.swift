import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol status` as a user runs it: the built binary.
@Suite("patrol status, the built binary")
struct StatusBinaryTests {
    @Test("--auth-env with no PAT_TOKEN, one repository answering 502 every time: eight rows current, that row error, exit 1")
    func authEnvAndAPersistentServerError() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(await fleet.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        fleet.simulator.failNext(100, status: 502, matching: "/repos/garrick0/c3-bff/actions/secrets")
        let caller = fleet.mint()
        let result = try PatrolBinary.run(["status", "--auth-env", "GH_TOKEN", "--config", fleet.configPath],
                                          environment: ["GH_TOKEN": caller])
        #expect(result.code == 1, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("current") }.count == 8, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("error") && $0.contains("garrick0/c3-bff") && $0.contains("502") })
        #expect(result.stdout.contains("status: 8/9 current, 1 error"))
        #expect(!(result.stdout + result.stderr).contains(caller) && !(result.stdout + result.stderr).contains(token))
    }
}
