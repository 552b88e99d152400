import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolCore
@testable import PatrolCLI

/// Spec §8: an organization secret shared with a fleet of any size is rotated with O(1) writes — its key, one PUT,
/// one read-back — plus the pages of its selection (100 repositories a page). Counted in the simulator's request
/// log, so nothing here depends on time.
@Suite("organization secret at scale: the same writes whatever the selection's size")
struct OrganizationSecretScaleTests {
    /// A rotation of the organization secret of a fleet of `count` repositories (rolled out first, so their ids are in
    /// the ledger): the routes of its requests, whether the secret holds the new token, and how many repositories it reaches.
    static func rotation(repositories count: Int) async throws -> (routes: [String], holds: Bool, reached: Int) {
        let harness = try FleetHarness()
        let simulator = harness.simulator
        simulator.addOrganization("c3-org", owners: [FleetHarness.owner])
        let names = (1...count).map { String(format: "svc-%04d", $0) }
        for name in names { simulator.addRepository("c3-org/\(name)") }
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try #"{"owner": "c3-org", "secret": "PAT_TOKEN", "repositories": {"libraries": [\#(list)]}, "apiURL": "\#(harness.apiURL)", "targets": {"organization": {"name": "c3-org"}}}"#
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let scopes = ["repo", "workflow", "admin:org"]
        let first = harness.mint(scopes: scopes), second = harness.mint(scopes: scopes)
        let rollout = await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": first])
        #expect(rollout.code == 0, "\(rollout.output)")
        simulator.resetLog()
        let rotate = await harness.run(["rotate", "--quiet"], environment: ["PAT_TOKEN": second])
        #expect(rotate.code == 0, "\(rotate.output)")
        return (simulator.requests.compactMap(\.route), simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == second,
                simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org").count)
    }

    @Test("rotating for 10 and for 250 repositories: one PUT each, the same requests but for the selection's pages")
    func constantWrites() async throws {
        let small = try await Self.rotation(repositories: 10), large = try await Self.rotation(repositories: 250)
        #expect(small.holds && large.holds)
        #expect(small.reached == 10 && large.reached == 250)
        for rotation in [small, large] {
            let writes = rotation.routes.filter { $0.hasPrefix("PUT") || $0.hasPrefix("POST") || $0.hasPrefix("DELETE") || $0.hasPrefix("PATCH") }
            #expect(writes == ["PUT organization secret"], "\(rotation.routes)")
        }
        let pages = { (routes: [String]) in routes.filter { $0.contains("repositories") } }
        let rest = { (routes: [String]) in routes.filter { !$0.contains("repositories") }.sorted() }
        #expect(rest(small.routes) == rest(large.routes), "small: \(small.routes)\nlarge: \(large.routes)")
        #expect(pages(small.routes).count == 1 && pages(large.routes).count == 3, "small: \(small.routes)\nlarge: \(large.routes)")
        #expect(large.routes.count <= 10, "\(large.routes)")
    }
}
