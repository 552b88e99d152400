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

    /// A harness whose organization `c3-org` holds `count` repositories `svc-0001`… (created in that order) and whose
    /// config shares one organization secret with `fleet` of them (every one when nil).
    static func organization(holding count: Int, fleet: [Int]? = nil) throws -> (harness: FleetHarness, names: [String]) {
        let harness = try FleetHarness()
        harness.simulator.addOrganization("c3-org", owners: [FleetHarness.owner])
        let names = (1...count).map { String(format: "svc-%04d", $0) }
        for name in names { harness.simulator.addRepository("c3-org/\(name)") }
        let chosen = fleet.map { $0.map { names[$0 - 1] } } ?? names
        let list = chosen.map { "\"\($0)\"" }.joined(separator: ", ")
        try #"{"owner": "c3-org", "secret": "PAT_TOKEN", "repositories": {"libraries": [\#(list)]}, "apiURL": "\#(harness.apiURL)", "targets": {"organization": {"name": "c3-org"}}}"#
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        return (harness, chosen)
    }

    static let scopes = ["repo", "workflow", "admin:org"]

    @Test("the first rollout to 250 repositories reads their ids from the organization's list, 3 pages, then one PUT that reaches all 250")
    func firstRolloutLists() async throws {
        let (harness, names) = try Self.organization(holding: 250)
        let token = harness.mint(scopes: Self.scopes)
        let run = await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        let routes = harness.simulator.requests.compactMap(\.route)
        let beforePUT = routes.prefix { $0 != "PUT organization secret" }
        // ceil(250 / 100) = 3 pages; besides them the preflight, the key and the secret's own GET.
        #expect(beforePUT.filter { $0 == "GET organization repositories" }.count == 3, "\(routes)")
        #expect(!routes.contains("GET repository"), "\(routes)")
        #expect(beforePUT.count <= 3 + 4, "\(routes)")
        #expect(routes.filter { $0.hasPrefix("PUT") || $0.hasPrefix("POST") || $0.hasPrefix("DELETE") } == ["PUT organization secret"], "\(routes)")
        // The box opened to the token inside the simulator, and the secret reaches exactly the fleet.
        #expect(harness.simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == token)
        #expect(harness.simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org") == names.map { "c3-org/\($0)" })
        #expect(harness.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org")?.visibility == .selected)
    }

    @Test("nine repositories of an organization of 1,000: the list's first page, then each repository it did not name on its own")
    func smallFleetLooksUp() async throws {
        // Four of the newest (the list's first page, newest first) and five of the oldest (its last page).
        let fleet = [1_000, 999, 950, 901, 1, 2, 3, 4, 5]
        let (harness, names) = try Self.organization(holding: 1_000, fleet: fleet)
        let token = harness.mint(scopes: Self.scopes)
        let run = await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        let routes = harness.simulator.requests.compactMap(\.route)
        // One page (it tells that nine more would be needed for five repositories), then five lookups: 6, not 9 or 10.
        #expect(routes.filter { $0 == "GET organization repositories" }.count == 1, "\(routes)")
        #expect(routes.filter { $0 == "GET repository" }.count == 5, "\(routes)")
        #expect(harness.simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == token)
        #expect(harness.simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org") == names.map { "c3-org/\($0)" }.sorted())
    }

    @Test("a fleet repository renamed since the config was written is not in the list: looked up on its own, and selected")
    func renamedFallsBack() async throws {
        let (harness, names) = try Self.organization(holding: 150)
        #expect(harness.simulator.renameRepository("c3-org/svc-0007", to: "c3-org/renamed-0007"))
        let token = harness.mint(scopes: Self.scopes)
        let run = await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        // By its old name (GitHub redirects the lookup to the repository's id); every other id came from the list.
        let lookups = harness.simulator.requests.filter { $0.route == "GET repository" }.map(\.path).filter { $0.hasPrefix("/repos/") }
        #expect(lookups == ["/repos/c3-org/svc-0007"], "\(lookups)")
        let reached = harness.simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org")
        #expect(reached.count == names.count && reached.contains("c3-org/renamed-0007"), "\(reached)")
        #expect(harness.simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == token)
    }

    @Test("an organization whose repository list GitHub refuses (403): every id looked up on its own, the rollout goes on")
    func refusedListFallsBack() async throws {
        let (harness, names) = try Self.organization(holding: 120)
        harness.simulator.failNext(1, status: 403, matching: "/orgs/c3-org/repos")
        let token = harness.mint(scopes: Self.scopes)
        let run = await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        let routes = harness.simulator.requests.compactMap(\.route)
        #expect(routes.filter { $0 == "GET organization repositories" }.count == 1, "\(routes)")
        #expect(routes.filter { $0 == "GET repository" }.count == 120, "\(routes)")
        #expect(harness.simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == token)
        #expect(harness.simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org") == names.map { "c3-org/\($0)" })
    }

    @Test("a rotation reads the selection's pages after the first at once, and leaves the selection exactly as it was")
    func selectionPagesAtOnce() async throws {
        let (harness, _) = try Self.organization(holding: 660, fleet: Array(1...650))
        let simulator = harness.simulator
        let first = harness.mint(scopes: Self.scopes), second = harness.mint(scopes: Self.scopes)
        #expect(await harness.run(["rollout", "--quiet"], environment: ["PAT_TOKEN": first]).code == 0)
        // Ten repositories outside the fleet shared with the secret as well (on the organization's settings page).
        let everyName = (1...660).map { String(format: "c3-org/svc-%04d", $0) }
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "c3-org", visibility: .selected, repositories: everyName)
        let before = simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org")
        #expect(before?.selectedRepositoryIDs.count == 660)
        simulator.setLatency(.milliseconds(100))
        simulator.resetLog()
        let rotate = await harness.run(["rotate", "--quiet"], environment: ["PAT_TOKEN": second])
        #expect(rotate.code == 0, "\(rotate.output)")
        let routes = simulator.requests.compactMap(\.route)
        // 660 selected: 7 pages, the six after the first asked for at once (each answer held 100 ms, so they overlap;
        // one after another, nothing in a rotation but the preflight and the key is ever in flight beside another).
        #expect(routes.filter { $0 == "GET organization secret repositories" }.count == 7, "\(routes)")
        #expect(simulator.counters.peakConcurrency >= 3, "peak \(simulator.counters.peakConcurrency)")
        // Besides the pages: the preflight, the key, the organization, the secret, its PUT and its read-back.
        #expect(routes.count == 7 + 6, "\(routes)")
        #expect(routes.filter { $0.hasPrefix("PUT") || $0.hasPrefix("DELETE") } == ["PUT organization secret"], "\(routes)")
        #expect(simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org") == before)
        #expect(simulator.secret("PAT_TOKEN", in: .organization("c3-org"))?.plaintext == second)
    }
}
