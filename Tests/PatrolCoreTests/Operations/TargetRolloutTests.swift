import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A fleet in the simulator whose config has a `targets` section: every kind of place a secret lives (spec §9).
final class TargetFleet: Sendable {
    let harness: FleetHarness
    let owner: String

    /// The c3 fleet under `owner` (an organization when `organization`), with `targets` in the config; the simulator
    /// answers each request after `latency`.
    init(owner: String = "garrick0", organization: Bool = false, targets: String, environments: [(String, String)] = [],
         latency: Duration = .zero) throws {
        harness = try FleetHarness(latency: latency)
        self.owner = owner
        let simulator = harness.simulator
        if organization { simulator.addOrganization(owner, owners: [FleetHarness.owner]) }
        for name in FleetHarness.libraries + FleetHarness.applications + ["c3-platform"] where owner != FleetHarness.owner {
            simulator.addRepository("\(owner)/\(name)")
        }
        for (repository, environment) in environments { simulator.addEnvironment(environment, to: "\(owner)/\(repository)") }
        let quoted = { (names: [String]) in names.map { "\"\($0)\"" }.joined(separator: ", ") }
        try """
            {"owner": "\(owner)", "secret": "PAT_TOKEN",
             "repositories": {"libraries": [\(quoted(FleetHarness.libraries))], "applications": [\(quoted(FleetHarness.applications))]},
             "apiURL": "\(harness.apiURL)", "targets": \(targets)}
            """.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
    }

    var simulator: GitHubSimulator { harness.simulator }

    func mint(scopes: [String] = ["repo", "workflow", "admin:org"]) -> String { harness.mint(scopes: scopes) }

    func plaintext(_ target: SimulatedTarget) -> String? { simulator.secret("PAT_TOKEN", in: target)?.plaintext }

    func rows(_ stdout: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(document["repositories"] as? [[String: Any]])
    }
}

@Suite("rollout to every kind of secret target")
struct TargetRolloutTests {
    @Test("a mixed config: repository, environment, Dependabot and Codespaces copies each hold the token, sealed with each kind's own key")
    func mixedKinds() async throws {
        let fleet = try TargetFleet(targets: #"""
            {"environments": {"c3-web": ["production"], "c3-bff": ["production", "staging"]},
             "dependabot": ["c3-shared", "c3-parsing"], "codespaces": ["c3-cli"]}
            """#, environments: [("c3-web", "production"), ("c3-bff", "production"), ("c3-bff", "staging")])
        let token = fleet.mint()
        let run = await fleet.harness.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        for name in FleetHarness.fleet { #expect(fleet.plaintext(.repository(name)) == token, "\(name)") }
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-web", name: "production")) == token)
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-bff", name: "production")) == token)
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-bff", name: "staging")) == token)
        #expect(fleet.plaintext(.dependabot("garrick0/c3-shared")) == token)
        #expect(fleet.plaintext(.dependabot("garrick0/c3-parsing")) == token)
        #expect(fleet.plaintext(.codespaces("garrick0/c3-cli")) == token)
        #expect(fleet.plaintext(.dependabot("garrick0/c3-web")) == nil)
        // Each value was sealed for its own place's key.
        #expect(fleet.simulator.secret("PAT_TOKEN", in: .dependabot("garrick0/c3-shared"))?.keyID
                    == fleet.simulator.publicKey(of: .dependabot("garrick0/c3-shared"))?.keyID)
        let rows = try fleet.rows(run.stdout)
        #expect(rows.count == 15)
        let production = try #require(rows.first { $0["target"] as? String == "env:garrick0/c3-web/production" })
        #expect(production["kind"] as? String == "environment")
        #expect(production["repository"] as? String == "garrick0/c3-web")
        #expect(production["status"] as? String == "created")
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        #expect(ledger.currentToken?.fingerprint == fingerprint)
        #expect(ledger.targets.count == 15)
        let holding = ledger.targets.values.filter { $0.fingerprint == fingerprint }.count
        #expect(holding == 15)

        // --targets narrows the kinds; --repos the repositories of repository-bound kinds.
        let next = fleet.harness.mint(scopes: ["repo", "workflow"])
        let narrowed = await fleet.harness.run(["rotate", "--targets", "environment,dependabot", "--repos", "c3-bff,c3-shared", "--json"],
                                               environment: ["PAT_TOKEN": next])
        #expect(narrowed.code == 0, "\(narrowed.output)")
        #expect(Set(try fleet.rows(narrowed.stdout).compactMap { $0["target"] as? String })
                == ["env:garrick0/c3-bff/production", "env:garrick0/c3-bff/staging", "dependabot:garrick0/c3-shared"])
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-bff", name: "staging")) == next)
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-web", name: "production")) == token)
        #expect(fleet.plaintext(.repository("garrick0/c3-bff")) == token)
        // Not every target holds the new token: it is not current.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(narrowed.stdout.utf8)) as? [String: Any])
        #expect(document["completed"] as? Bool == false)
        #expect((document["pending"] as? [[String: Any]])?.count == 15 - 3)
        #expect(try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN").currentToken?.fingerprint == fingerprint)
    }

    @Test("a missing environment fails that target with the reason; the others go on; --create-environments needs admin")
    func missingEnvironment() async throws {
        let fleet = try TargetFleet(targets: #"{"environments": {"c3-web": ["production"], "c3-bff": ["staging"]}}"#,
                                    environments: [("c3-bff", "staging")])
        let token = fleet.mint()
        let run = await fleet.harness.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1)
        #expect(run.stdout.contains("env:garrick0/c3-web/production  failed: environment \"production\" does not exist in garrick0/c3-web"),
                "\(run.output)")
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-bff", name: "staging")) == token)
        #expect(fleet.plaintext(.repository("garrick0/c3-web")) == token)

        // With --create-environments, an admin's token creates it and fills it.
        let created = await fleet.harness.run(["rollout", "--resume", "--create-environments"], environment: ["PAT_TOKEN": token])
        #expect(created.code == 0, "\(created.output)")
        #expect(fleet.simulator.environments(in: "garrick0/c3-web") == ["production"])
        #expect(fleet.plaintext(.environment(repository: "garrick0/c3-web", name: "production")) == token)
    }

    @Test("a dry run is a plan per target: keys fetched and sealed, nothing written (the simulator saw no write)")
    func dryRunPlan() async throws {
        let fleet = try TargetFleet(targets: #"{"environments": {"c3-web": ["production"]}, "dependabot": ["c3-shared"]}"#,
                                    environments: [("c3-web", "production")])
        let token = fleet.mint()
        #expect(await fleet.harness.run(["rollout", "--targets", "repository"], environment: ["PAT_TOKEN": token]).code == 0)
        // GitHub's dates have second precision: a change by hand a second later shows in updated_at.
        try await Task.sleep(for: .milliseconds(1100))
        _ = fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .repository("garrick0/c3-cli"), value: "changed by hand")
        let writesBefore = fleet.simulator.writeRequests.count
        let ledgerBefore = try String(contentsOfFile: fleet.harness.ledgerPath, encoding: .utf8)
        let run = await fleet.harness.run(["rollout", "--dry-run", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.simulator.writeRequests.count == writesBefore)
        #expect(try String(contentsOfFile: fleet.harness.ledgerPath, encoding: .utf8) == ledgerBefore)
        let plans = Dictionary(uniqueKeysWithValues: try fleet.rows(run.stdout).map { ($0["target"] as! String, $0["plan"] as? String) })
        #expect(plans["repo:garrick0/c3-shared"] == "current")
        #expect(plans["repo:garrick0/c3-cli"] == "drifted")
        #expect(plans["env:garrick0/c3-web/production"] == "create")
        #expect(plans["dependabot:garrick0/c3-shared"] == "create")
        // Keys of every kind were fetched (each its own).
        let keyReads = Set(fleet.simulator.requests.compactMap(\.route).filter { $0.hasSuffix("public-key") })
        #expect(keyReads.isSuperset(of: ["GET public-key", "GET environment public-key", "GET dependabot public-key"]))
    }
}

@Suite("organization secrets: created selected, never clobbered, the selection reconciled one repository at a time")
struct OrganizationSecretRolloutTests {
    static let targets = #"{"organization": {"name": "c3-org"}}"#

    @Test("created with selected and the fleet's ids; every fleet repository's workflows read the token from it")
    func create() async throws {
        let fleet = try TargetFleet(owner: "c3-org", organization: true, targets: Self.targets)
        let token = fleet.mint()
        let run = await fleet.harness.run(["rollout", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.plaintext(.organization("c3-org")) == token)
        let access = try #require(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org"))
        #expect(access.visibility == .selected)
        let ids = (FleetHarness.libraries + FleetHarness.applications).compactMap { fleet.simulator.repository("c3-org/\($0)")?.id }
        #expect(access.selectedRepositoryIDs == ids.sorted())
        #expect(fleet.simulator.repositoriesReached(by: "PAT_TOKEN", in: "c3-org").count == 9)
        #expect(fleet.simulator.secretSeenByWorkflow("PAT_TOKEN", in: "c3-org/c3-web")?.plaintext == token)
        #expect(fleet.plaintext(.repository("c3-org/c3-web")) == nil)  // organization alone replaces the repository copies
        let row = try #require(try fleet.rows(run.stdout).first)
        #expect(row["target"] as? String == "org:c3-org" && row["kind"] as? String == "organization")
        #expect(row["repository"] is NSNull)
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.targets["org:c3-org"]?.visibility == .selected)
        #expect(ledger.targets["org:c3-org"]?.selectedRepositoryIDs == ids.sorted())
        #expect(ledger.repositoryIDs.count == 9)
        #expect(ledger.currentToken != nil)
    }

    @Test("a value update keeps visibility and selection exactly as they were; a selection change touches only what changed")
    func updateKeepsSelection() async throws {
        let fleet = try TargetFleet(owner: "c3-org", organization: true, targets: Self.targets)
        fleet.simulator.addRepository("c3-org/outsider")
        // Set up by hand: selected, with the outsider and all the fleet but c3-web.
        let first = fleet.mint()
        _ = fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization("c3-org"), value: "old")
        let selected = (FleetHarness.libraries + ["c3-cli", "c3-bff", "outsider"]).map { "c3-org/\($0)" }
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "c3-org", visibility: .selected, repositories: selected)
        let before = try #require(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org"))

        let run = await fleet.harness.run(["rollout"], environment: ["PAT_TOKEN": first])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.plaintext(.organization("c3-org")) == first)
        let after = try #require(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org"))
        #expect(after.visibility == .selected)
        let web = try #require(fleet.simulator.repository("c3-org/c3-web")?.id)
        #expect(after.selectedRepositoryIDs == (before.selectedRepositoryIDs + [web]).sorted())
        // One PUT of the value and one PUT for the one repository that changed; nothing removed.
        let writes = fleet.simulator.writeRequests.compactMap(\.route)
        #expect(writes.filter { $0 == "PUT organization secret" }.count == 1)
        #expect(writes.filter { $0 == "PUT organization secret repository" }.count == 1)
        #expect(!writes.contains("DELETE organization secret repository"))
        #expect(run.stdout.contains("selected c3-org/c3-web"))
        #expect(run.stdout.contains("outsider"))

        // A value update with nothing to reconcile: the selection stays exactly as it was, one PUT only.
        let second = fleet.mint()
        let writesBefore = fleet.simulator.writeRequests.count
        #expect(await fleet.harness.run(["rotate"], environment: ["PAT_TOKEN": second]).code == 0)
        #expect(fleet.plaintext(.organization("c3-org")) == second)
        #expect(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org") == after)
        #expect(fleet.simulator.writeRequests.dropFirst(writesBefore).compactMap(\.route) == ["PUT organization secret"])

        // --prune-selection removes the outsider, and only it.
        let pruned = await fleet.harness.run(["rollout", "--prune-selection"], environment: ["PAT_TOKEN": second])
        #expect(pruned.code == 0, "\(pruned.output)")
        let outsider = try #require(fleet.simulator.repository("c3-org/outsider")?.id)
        #expect(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org")?.selectedRepositoryIDs
                    == after.selectedRepositoryIDs.filter { $0 != outsider })
    }

    @Test("status: a row per target; the organization secret's visibility, the fleet repositories it reaches and the extra ones")
    func status() async throws {
        let fleet = try TargetFleet(owner: "c3-org", organization: true,
                                    targets: #"{"organization": {"name": "c3-org"}, "environments": {"c3-web": ["production"]}}"#,
                                    environments: [("c3-web", "production")])
        fleet.simulator.addRepository("c3-org/outsider")
        let token = fleet.mint()
        #expect(await fleet.harness.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        let selection = (FleetHarness.libraries + FleetHarness.applications).filter { $0 != "c3-cli" }.map { "c3-org/\($0)" } + ["c3-org/outsider"]
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "c3-org", visibility: .selected, repositories: selection)
        let run = await fleet.harness.run(["status", "--json"], environment: ["PAT_TOKEN": token])
        let rows = try fleet.rows(run.stdout)
        #expect(rows.compactMap { $0["target"] as? String } == ["env:c3-org/c3-web/production", "org:c3-org"])
        let organization = try #require(rows.last)
        #expect(organization["visibility"] as? String == "selected")
        #expect((organization["reaches"] as? [String])?.count == 8)
        #expect(organization["extra"] as? [String] == ["c3-org/outsider"])
        #expect(rows.first?["state"] as? String == "current")
        let text = await fleet.harness.run(["status", "--targets", "organization"], environment: ["PAT_TOKEN": token])
        #expect(text.stdout.contains("reaches 8 of the fleet's repositories; not c3-org/c3-cli"), "\(text.output)")
        #expect(text.stdout.contains("extra: c3-org/outsider"))
    }

    @Test("a private organization secret stays private on a value update")
    func privateStaysPrivate() async throws {
        let fleet = try TargetFleet(owner: "c3-org", organization: true, targets: Self.targets)
        _ = fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization("c3-org"), value: "old")
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "c3-org", visibility: .private)
        let token = fleet.mint()
        #expect(await fleet.harness.run(["rollout"], environment: ["PAT_TOKEN": token]).code == 0)
        #expect(fleet.plaintext(.organization("c3-org")) == token)
        #expect(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: "c3-org")?.visibility == .private)
    }

    @Test("an owner that is a user account, not an organization: a named error (exit 2) before any upload")
    func userAccount() async throws {
        let fleet = try TargetFleet(owner: "garrick0", targets: #"{"organization": {"name": "garrick0"}, "repository": true}"#)
        let run = await fleet.harness.run(["rollout"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.output)")
        #expect(run.stderr.contains("targets.organization.name: \"garrick0\" is not an organization on GitHub"))
        #expect(fleet.simulator.writeRequests.isEmpty)
    }
}
