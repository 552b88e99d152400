import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The c3 fleet under the organization `c3-org`, its config with every kind of target of spec §9, and a GitHub App
/// installed on the organization with the permissions each kind needs: what `app rollout` to every target runs against.
private final class AppTargetFleet: Sendable {
    static let organization = "c3-org"
    static let appID = 515_151
    let harness: FleetHarness
    let pair: TestAppKeys.KeyPair
    let installationID: Int

    /// With `installed`, the installation is granted those permissions instead of the App's.
    init(targets: String = AppTargetFleet.everyKind, installed: [String: String]? = nil) throws {
        harness = try FleetHarness()
        let simulator = harness.simulator
        simulator.addOrganization(Self.organization, owners: [FleetHarness.owner])
        for name in FleetHarness.libraries + FleetHarness.applications + ["c3-platform"] { simulator.addRepository("\(Self.organization)/\(name)") }
        for (repository, environment) in [("c3-web", "production"), ("c3-bff", "production"), ("c3-bff", "staging")] {
            simulator.addEnvironment(environment, to: "\(Self.organization)/\(repository)")
        }
        pair = try TestAppKeys.make(in: harness.folder)
        simulator.addApp(id: Self.appID, slug: "c3-patrol", publicKeyPEM: pair.publicKeyPEM, permissions: GitHubSimulator.defaultAppPermissions.merging([
            "environments": "write", "dependabot_secrets": "write", "codespaces_secrets": "write",
            "organization_secrets": "write", "organization_actions_variables": "write",
        ]) { _, new in new })
        installationID = simulator.installApp(Self.appID, on: Self.organization, permissions: installed)
        let quoted = { (names: [String]) in names.map { "\"\($0)\"" }.joined(separator: ", ") }
        try """
            {"owner": "\(Self.organization)", "secret": "PAT_TOKEN",
             "repositories": {"libraries": [\(quoted(FleetHarness.libraries))], "applications": [\(quoted(FleetHarness.applications))]},
             "apiURL": "\(harness.apiURL)", "targets": \(targets)}
            """.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
    }

    /// A repository copy in each repository, three environments, two Dependabot copies, one Codespaces copy, and the
    /// organization's secret shared with the fleet.
    static let everyKind = #"""
        {"repository": true, "environments": {"c3-web": ["production"], "c3-bff": ["production", "staging"]},
         "dependabot": ["c3-shared", "c3-parsing"], "codespaces": ["c3-cli"],
         "organization": {"name": "c3-org", "visibility": "selected"}}
        """#

    var simulator: GitHubSimulator { harness.simulator }
    var appArguments: [String] { ["--app-id", String(Self.appID), "--app-key-file", pair.privateKeyPath] }
    /// Only the App in the environment: no PAT anywhere.
    var appEnvironment: [String: String] { [Context.appIDVariable: String(Self.appID), AppKeySource.variable: pair.privateKeyPEM] }

    static func name(_ repository: String) -> String { "\(organization)/\(repository)" }

    /// Every target `everyKind` names, as the simulator calls them.
    static var everyTarget: [SimulatedTarget] {
        FleetHarness.libraries.map { .repository(name($0)) } + FleetHarness.applications.map { .repository(name($0)) } + [
            .environment(repository: name("c3-web"), name: "production"), .environment(repository: name("c3-bff"), name: "production"),
            .environment(repository: name("c3-bff"), name: "staging"),
            .dependabot(name("c3-shared")), .dependabot(name("c3-parsing")), .codespaces(name("c3-cli")), .organization(organization),
        ]
    }

    /// True when the secret in `target` decrypts, inside the simulator, to the App's private key (compared, never printed).
    func holdsKey(_ target: SimulatedTarget, _ pair: TestAppKeys.KeyPair? = nil) -> Bool {
        simulator.secret("APP_PRIVATE_KEY", in: target)?.plaintext == (pair ?? self.pair).privateKeyPEM
    }

    func rows(_ stdout: String) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(document["repositories"] as? [[String: Any]])
    }

    func id(of repository: String) throws -> Int { try #require(simulator.repository(repository)?.id) }
}

/// `patrol app rollout` to every kind of target of spec §9 (issue 13, Deliver 3): the key as `APP_PRIVATE_KEY` sealed with
/// each place's own key, the App id as `APP_ID` where the place has variables (repository, environment, organization —
/// Dependabot and Codespaces have none), an organization's secret and variable updated without touching their
/// visibility or selection; journaled per target, resumable, narrowed by `--targets`, planned by `--dry-run`.
@Suite("app rollout to every kind of target")
struct AppTargetRolloutTests {
    /// An organization secret's or variable's reach, comparable in a test.
    static func words(_ access: SimulatedSecretAccess) -> String { words(access.visibility, access.selectedRepositoryIDs) }
    static func words(_ visibility: SimulatedVisibility, _ ids: [Int]) -> String { "\(visibility.rawValue) \(ids)" }

    @Test("every kind: each copy decrypts to the key, each variable reads the App id, one JSON row per target")
    func everyKindHoldsTheKey() async throws {
        let fleet = try AppTargetFleet()
        let run = try PatrolBinary.run(["app", "rollout", "--json", "--config", fleet.harness.configPath], environment: fleet.appEnvironment)
        #expect(run.code == 0, "\(run.stderr)")
        for target in AppTargetFleet.everyTarget { #expect(fleet.holdsKey(target), "\(target)") }
        // Each kind's copy was sealed for that place's own key.
        #expect(fleet.simulator.secret("APP_PRIVATE_KEY", in: .dependabot(AppTargetFleet.name("c3-shared")))?.keyID
                    == fleet.simulator.publicKey(of: .dependabot(AppTargetFleet.name("c3-shared")))?.keyID)
        let id = String(AppTargetFleet.appID)
        for repository in FleetHarness.libraries + FleetHarness.applications {
            #expect(fleet.simulator.variable("APP_ID", in: .repository(AppTargetFleet.name(repository))) == id, "\(repository)")
        }
        #expect(fleet.simulator.variable("APP_ID", in: .environment(repository: AppTargetFleet.name("c3-bff"), name: "staging")) == id)
        #expect(fleet.simulator.variable("APP_ID", in: .environment(repository: AppTargetFleet.name("c3-web"), name: "production")) == id)
        #expect(fleet.simulator.variable("APP_ID", in: .organization(AppTargetFleet.organization)) == id)
        // The organization's secret and variable are shared with exactly the fleet, by id.
        let fleetIDs = try (FleetHarness.libraries + FleetHarness.applications).map { try fleet.id(of: AppTargetFleet.name($0)) }.sorted()
        #expect(fleet.simulator.organizationSecretAccess("APP_PRIVATE_KEY", in: AppTargetFleet.organization)
                    .map(Self.words) == Self.words(.selected, fleetIDs))
        #expect(fleet.simulator.organizationVariableAccess("APP_ID", in: AppTargetFleet.organization)
                    .map(Self.words) == Self.words(.selected, fleetIDs))

        let rows = try fleet.rows(run.stdout)
        #expect(rows.count == 16)
        #expect(rows.allSatisfy { $0["status"] as? String == "verified" })
        let organization = try #require(rows.first { $0["target"] as? String == "org:c3-org" })
        #expect(organization["kind"] as? String == "organization")
        #expect(organization["repository"] is NSNull)
        #expect(organization["variable"] as? String == "created")
        let dependabot = try #require(rows.first { $0["target"] as? String == "dependabot:c3-org/c3-shared" })
        #expect(dependabot["kind"] as? String == "dependabot" && dependabot["variable"] is NSNull)
        let staging = try #require(rows.first { $0["target"] as? String == "env:c3-org/c3-bff/staging" })
        #expect(staging["repository"] as? String == "c3-org/c3-bff" && staging["variable"] as? String == "created")
        #expect(!run.stdout.contains("PRIVATE KEY") && !run.stderr.contains("PRIVATE KEY"))

        // The ledger: every target journaled, the key current in the whole fleet.
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.repositories.count == 9)
        #expect(Set(ledger.app.targets.keys) == ["env:c3-org/c3-web/production", "env:c3-org/c3-bff/production", "env:c3-org/c3-bff/staging",
                                                 "dependabot:c3-org/c3-shared", "dependabot:c3-org/c3-parsing", "codespaces:c3-org/c3-cli",
                                                 "org:c3-org"])
        #expect(ledger.app.currentKey?.fingerprint.value == (try TestAppKeys.fingerprint(of: fleet.pair)))
        // The token's own records are untouched: the App's key is not PAT_TOKEN.
        #expect(ledger.targets.isEmpty)

        // --resume: every target holds this key, per the ledger; nothing is written.
        let writes = fleet.simulator.writeRequests.count
        let again = try PatrolBinary.run(["app", "rollout", "--resume", "--json", "--config", fleet.harness.configPath],
                                         environment: fleet.appEnvironment)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(try fleet.rows(again.stdout).allSatisfy { $0["status"] as? String == "skipped" })
        #expect(fleet.simulator.writeRequests.dropFirst(writes).allSatisfy { $0.path.hasSuffix("/access_tokens") })
    }

    @Test("an organization's secret and variable keep their visibility and selection on an update; the fleet is added")
    func organizationSelectionKept() async throws {
        let fleet = try AppTargetFleet(targets: #"{"organization": {"name": "c3-org", "visibility": "selected"}}"#)
        let outside = AppTargetFleet.name("c3-platform"), web = AppTargetFleet.name("c3-web")
        // Set by hand before: shared with a repository outside the fleet and one of the fleet.
        fleet.simulator.setVariableOutsidePatrol("APP_ID", in: .organization(AppTargetFleet.organization), value: "999",
                                                 visibility: .selected, repositories: [outside, web])
        #expect(fleet.simulator.writeSecretOutsidePatrol("APP_PRIVATE_KEY", in: .organization(AppTargetFleet.organization), value: "old"))
        fleet.simulator.setOrganizationSecretAccess("APP_PRIVATE_KEY", in: AppTargetFleet.organization, visibility: .selected,
                                                    repositories: [outside, web])
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("org:c3-org") && run.stdout.contains("APP_ID updated"), "\(run.stdout)")
        #expect(fleet.holdsKey(.organization(AppTargetFleet.organization)))
        #expect(fleet.simulator.variable("APP_ID", in: .organization(AppTargetFleet.organization)) == String(AppTargetFleet.appID))
        let expected = try ((FleetHarness.libraries + FleetHarness.applications).map { try fleet.id(of: AppTargetFleet.name($0)) }
                            + [fleet.id(of: outside)]).sorted()
        // Still `selected`, the repository outside the fleet still selected (no --prune-selection), the fleet added.
        #expect(fleet.simulator.organizationVariableAccess("APP_ID", in: AppTargetFleet.organization)
                    .map(Self.words) == Self.words(.selected, expected))
        #expect(fleet.simulator.organizationSecretAccess("APP_PRIVATE_KEY", in: AppTargetFleet.organization)
                    .map(Self.words) == Self.words(.selected, expected))
        // Not a repository copy anywhere: the organization's replaces them.
        #expect(fleet.simulator.secret("APP_PRIVATE_KEY", in: .repository(web)) == nil)
        #expect(fleet.simulator.variable("APP_ID", in: .repository(web)) == nil)
    }

    @Test("status and expiry count the App key per target: an organization-only fleet is current, not nine missing repositories")
    func statusPerTarget() async throws {
        let fleet = try AppTargetFleet(targets: #"{"organization": {"name": "c3-org"}, "dependabot": ["c3-web"]}"#)
        let rollout = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(rollout.code == 0, "\(rollout.output)")
        let status = await fleet.harness.run(["status", "--json"] + fleet.appArguments)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.output)")
        let appKey = try #require(document["appKey"] as? [String: Any])
        let rows = try #require(appKey["repositories"] as? [[String: Any]])
        #expect(rows.compactMap { $0["target"] as? String }.sorted() == ["dependabot:c3-org/c3-web", "org:c3-org"], "\(rows)")
        #expect(rows.allSatisfy { $0["state"] as? String == "current" }, "\(rows)")
        #expect(rows.first { $0["kind"] as? String == "organization" }?["repository"] is NSNull)
        let text = await fleet.harness.run(["status"] + fleet.appArguments)
        #expect(text.stdout.contains("org:c3-org") && !text.stdout.contains("give every target the current key"), "\(text.stdout)")
        // expiry counts the same targets as holding the key.
        let expiry = await fleet.harness.run(["expiry"])
        #expect(expiry.output.contains("held by 2/2 targets"), "\(expiry.output)")
    }

    @Test("rotate --app-key-file puts the new key in every target, then names the old key to delete")
    func rotationReachesEveryTarget() async throws {
        let fleet = try AppTargetFleet()
        let first = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(first.code == 0, "\(first.output)")
        let next = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.simulator.addAppKey(next.publicKeyPEM, to: AppTargetFleet.appID)
        let rotate = await fleet.harness.run(["rotate", "--app-id", String(AppTargetFleet.appID), "--app-key-file", next.privateKeyPath])
        #expect(rotate.code == 0, "\(rotate.output)")
        for target in AppTargetFleet.everyTarget { #expect(fleet.holdsKey(target, next), "\(target)") }
        #expect(rotate.stderr.contains("now delete the old key \(try TestAppKeys.fingerprint(of: fleet.pair))"), "\(rotate.output)")
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.currentKey?.fingerprint.value == (try TestAppKeys.fingerprint(of: next)))
    }

    @Test("an organization's `all` variable and secret stay `all` on an update")
    func organizationVisibilityKept() async throws {
        let fleet = try AppTargetFleet(targets: #"{"organization": {"name": "c3-org"}}"#)
        fleet.simulator.setVariableOutsidePatrol("APP_ID", in: .organization(AppTargetFleet.organization), value: "1", visibility: .all)
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.simulator.organizationVariableAccess("APP_ID", in: AppTargetFleet.organization)
                    .map(Self.words) == Self.words(.all, []))
        #expect(fleet.simulator.variable("APP_ID", in: .organization(AppTargetFleet.organization)) == String(AppTargetFleet.appID))
    }

    @Test("--targets narrows the kinds: Dependabot only, the secret and no variable")
    func targetsNarrow() async throws {
        let fleet = try AppTargetFleet()
        let run = await fleet.harness.run(["app", "rollout", "--targets", "dependabot", "--json"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        let rows = try fleet.rows(run.stdout)
        #expect(rows.compactMap { $0["target"] as? String }.sorted() == ["dependabot:c3-org/c3-parsing", "dependabot:c3-org/c3-shared"])
        #expect(fleet.holdsKey(.dependabot(AppTargetFleet.name("c3-shared"))) && fleet.holdsKey(.dependabot(AppTargetFleet.name("c3-parsing"))))
        #expect(fleet.simulator.secret("APP_PRIVATE_KEY", in: .repository(AppTargetFleet.name("c3-shared"))) == nil)
        #expect(fleet.simulator.variable("APP_ID", in: .repository(AppTargetFleet.name("c3-shared"))) == nil)
        #expect(fleet.simulator.secret("APP_PRIVATE_KEY", in: .organization(AppTargetFleet.organization)) == nil)
        // Not every target holds the key yet: it is not the fleet's current one.
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(ledger.app.currentKey == nil)
        // A kind the config does not have is an error naming those it has.
        let none = try AppTargetFleet(targets: #"{"dependabot": true}"#)
        let refused = await none.harness.run(["app", "rollout", "--targets", "codespaces"] + none.appArguments)
        #expect(refused.code == 2 && refused.stderr.contains("codespaces is not a kind"), "\(refused.output)")
    }

    @Test("--dry-run: the plan per target, nothing written, no ledger")
    func dryRunPlans() async throws {
        let fleet = try AppTargetFleet()
        let run = await fleet.harness.run(["app", "rollout", "--dry-run", "--json"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.simulator.writeRequests.allSatisfy { $0.path.hasSuffix("/access_tokens") }, "\(fleet.simulator.writeRequests.map(\.path))")
        #expect(!FileManager.default.fileExists(atPath: fleet.harness.ledgerPath))
        let rows = try fleet.rows(run.stdout)
        #expect(rows.count == 16 && rows.allSatisfy { $0["status"] as? String == "dry-run" && $0["plan"] as? String != nil })
        let organization = try #require(rows.first { $0["target"] as? String == "org:c3-org" })
        #expect((organization["variable"] as? String)?.hasPrefix("create; select c3-org/") == true, "\(organization)")
        #expect((organization["plan"] as? String)?.hasPrefix("create; select c3-org/") == true, "\(organization)")
        let text = await fleet.harness.run(["app", "rollout", "--dry-run", "--targets", "codespaces"] + fleet.appArguments)
        #expect(text.stdout.contains("codespaces:c3-org/c3-cli  would APP_PRIVATE_KEY: create"), "\(text.stdout)")
        #expect(text.stdout.contains("nothing written"))
    }

    @Test("rollout, rotate and status of the PAT with the App as the caller reach every kind: the installation token has each kind's permission")
    func patRolloutAsTheAppToEveryKind() async throws {
        let fleet = try AppTargetFleet()
        let pat = fleet.harness.mint(scopes: ["repo", "workflow", "admin:org"])
        let tokenFile = fleet.harness.folder + "/pat" + TestTranscripts.tokenInputSuffix
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(pat.utf8), attributes: [.posixPermissions: 0o600])
        let run = await fleet.harness.run(["rollout", "--token-file", tokenFile] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        for target in AppTargetFleet.everyTarget {
            #expect(fleet.simulator.secret("PAT_TOKEN", in: target)?.plaintext == pat, "\(target)")
        }
        #expect(fleet.simulator.requests.filter { $0.authorization == "Bearer \(pat)" }.map(\.path) == ["/user"])
        let status = await fleet.harness.run(["status", "--json"] + fleet.appArguments)
        #expect(status.code == 0, "\(status.output)")
    }

    @Test("the App not installed on one repository: its targets fail naming it, every other target holds the key")
    func notInstalledOnOneRepository() async throws {
        let fleet = try AppTargetFleet(targets: #"{"repository": true, "environments": {"c3-web": ["production"]}, "dependabot": ["c3-shared"]}"#)
        fleet.simulator.uninstallApp(fleet.installationID, from: AppTargetFleet.name("c3-web"))
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 1, "\(run.output)")
        #expect(run.output.contains("the App is not installed on c3-org/c3-web"), "\(run.output)")
        #expect(!fleet.holdsKey(.repository(AppTargetFleet.name("c3-web"))))
        #expect(!fleet.holdsKey(.environment(repository: AppTargetFleet.name("c3-web"), name: "production")))
        #expect(fleet.holdsKey(.dependabot(AppTargetFleet.name("c3-shared"))))
        for repository in FleetHarness.libraries + FleetHarness.applications where repository != "c3-web" {
            #expect(fleet.holdsKey(.repository(AppTargetFleet.name(repository))), "\(repository)")
        }
    }

    @Test("an installation without a kind's permission: app rollout names it (exit 4, nothing written), doctor fails app.permissions with the fix")
    func missingKindPermission() async throws {
        let fleet = try AppTargetFleet(targets: #"{"repository": true, "dependabot": ["c3-shared"]}"#,
                                       installed: GitHubSimulator.defaultAppPermissions)
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 4, "\(run.output)")
        #expect(run.stderr.contains("dependabot_secrets: write"), "\(run.output)")
        #expect(fleet.simulator.writeRequests.allSatisfy { $0.path.hasSuffix("/access_tokens") })
        let doctor = await fleet.harness.run(["doctor", "--json"] + fleet.appArguments)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any], "\(doctor.output)")
        let checks = try #require(document["checks"] as? [[String: Any]])
        let permissions = try #require(checks.first { $0["id"] as? String == "app.permissions" })
        #expect(permissions["status"] as? String == "fail", "\(permissions)")
        #expect((permissions["detail"] as? String)?.contains("dependabot_secrets: write (for rollout, rotate, app rollout (dependabot secrets))") == true,
                "\(permissions)")
        #expect((permissions["fix"] as? String)?.contains("add dependabot_secrets: write under the App's Permissions") == true, "\(permissions)")
    }

    @Test("a missing environment fails that target with its reason; the others go on")
    func missingEnvironment() async throws {
        let fleet = try AppTargetFleet(targets: #"{"environments": {"c3-web": ["production", "qa"]}}"#)
        let run = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(run.code == 1)
        #expect(run.stdout.contains("env:c3-org/c3-web/qa"), "\(run.stdout)")
        #expect(fleet.holdsKey(.environment(repository: AppTargetFleet.name("c3-web"), name: "production")))
        #expect(fleet.simulator.variable("APP_ID", in: .environment(repository: AppTargetFleet.name("c3-web"), name: "production"))
                    == String(AppTargetFleet.appID))
    }
}
