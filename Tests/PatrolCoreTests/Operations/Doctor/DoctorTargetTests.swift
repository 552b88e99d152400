import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Doctor per secret target (spec §9): environments, Dependabot, the organization secret, shadowing (checked
/// against the simulator's precedence rule, not patrol's idea of it) and Dependabot-triggered workflows.
@Suite("doctor per secret target")
struct DoctorTargetTests {
    static let owner = FleetHarness.owner

    /// Adds a `targets` section (JSON text) to the harness's config.
    static func setTargets(_ fleet: FleetHarness, _ targets: String) throws {
        let data = try #require(FileManager.default.contents(atPath: fleet.configPath))
        var config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        config["targets"] = try JSONSerialization.jsonObject(with: Data(targets.utf8))
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: fleet.configPath))
    }

    static func full(_ name: String) -> String { "\(owner)/\(name)" }

    @Test("environment.exists per environment target; secret.present/current per target, with the target's id")
    func environments() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        try Self.setTargets(fleet, #"{"repository": true, "environments": {"c3-web": ["production", "staging eu"]}}"#)
        fleet.simulator.addEnvironment("production", to: Self.full("c3-web"))
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .environment(repository: Self.full("c3-web"), name: "production"), value: "x")
        let report = try await fleet.doctor(fleet.mint(), repositories: ["c3-web"])
        let web = try fleet.repository("c3-web")
        let production = "env:\(Self.full("c3-web"))/production", staging = "env:\(Self.full("c3-web"))/staging eu"
        #expect(report.check(CheckID.environmentExists, web, target: production)?.status == .pass)
        #expect(report.check(CheckID.secretPresent, web, target: production)?.status == .pass)
        #expect(report.check(CheckID.secretCurrent, web, target: production)?.status == .warn, "no ledger record of writing it")
        let missing = try #require(report.check(CheckID.environmentExists, web, target: staging))
        #expect(missing.status == .fail)
        #expect(missing.detail.contains("\"staging eu\" does not exist"))
        #expect(missing.fix?.contains("--create-environments") == true)
        #expect(report.check(CheckID.secretPresent, web, target: staging)?.status == .skip)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json.text.utf8)) as? [String: Any])
        let json = try #require(document["checks"] as? [[String: Any]])
        #expect(json.contains { $0["target"] as? String == staging })
        #expect(json.filter { $0["id"] as? String == CheckID.repoAccess }.allSatisfy { $0["target"] == nil })
        #expect(fleet.simulator.writeRequests.allSatisfy { $0.status == 422 || $0.status == 403 }, "doctor wrote nothing: only refused probes")
        #expect(fleet.simulator.counters.uploads == 0)
    }

    @Test("a fine-grained token without a kind's permission: secret.present names it, token.scopes lists it")
    func fineGrainedPermissionPerKind() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        try Self.setTargets(fleet, #"{"dependabot": ["c3-web"], "environments": {"c3-web": ["production"]}}"#)
        fleet.simulator.addEnvironment("production", to: Self.full("c3-web"))
        let token = fleet.simulator.mintToken(login: Self.owner, kind: .fineGrained)
        fleet.simulator.setFineGrainedPermissions([.secrets: .write, .contents: .read, .actions: .read, .metadata: .read,
                                                   .environments: .write, .dependabotSecrets: .read],
                                                  on: Self.full("c3-web"), for: token)
        let report = try await fleet.doctor(token, repositories: ["c3-web"])
        let web = try fleet.repository("c3-web")
        let dependabot = try #require(report.check(CheckID.secretPresent, web, target: "dependabot:\(Self.full("c3-web"))"))
        #expect(dependabot.status == .fail)
        #expect(dependabot.detail.contains("Dependabot secrets"), "\(dependabot.detail)")
        #expect(dependabot.fix?.contains("Dependabot secrets") == true)
        #expect(report.check(CheckID.secretPresent, web, target: "env:\(Self.full("c3-web"))/production")?.status == .fail, "not set yet, but writable")
        #expect(report.check(CheckID.secretPresent, web, target: "env:\(Self.full("c3-web"))/production")?.detail.contains("not set") == true)
        #expect(report.check(CheckID.tokenScopes)?.detail.contains("dependabot_secrets=write") == true)
    }

    @Test("org.owner: a user account is not an organization; an owner without admin:org may not administer its secrets")
    func organizationOwner() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        try Self.setTargets(fleet, #"{"organization": {"name": "\#(Self.owner)"}}"#)
        let user = try await fleet.doctor(fleet.mint())
        let notOrganization = try #require(user.check(CheckID.orgOwner, target: "org:\(Self.owner)"))
        #expect(notOrganization.status == .fail)
        #expect(notOrganization.detail.contains("not an organization"))
        #expect(user.check(CheckID.orgSelection, target: "org:\(Self.owner)")?.status == .skip)
        #expect(user.check(CheckID.repoAccess, try fleet.repository("c3-web"))?.status == .pass)
        #expect(user.check(CheckID.secretPresent, try fleet.repository("c3-web")) == nil, "no repository copy is a target")

        fleet.simulator.addOrganization(Self.owner, owners: [Self.owner])
        let withoutAdminOrg = try await fleet.doctor(fleet.mint())
        let refused = try #require(withoutAdminOrg.check(CheckID.orgOwner, target: "org:\(Self.owner)"))
        #expect(refused.status == .fail)
        #expect(refused.fix?.contains("admin:org") == true)
    }

    @Test("org.visibility and org.selection against the config and the fleet's repository ids")
    func organizationSelection() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        fleet.simulator.addOrganization(Self.owner, owners: [Self.owner])
        try Self.setTargets(fleet, #"{"organization": {"name": "\#(Self.owner)", "visibility": "selected"}}"#)
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization(Self.owner), value: "x")
        let reached = FleetHarness.fleet.filter { $0 != Self.full("c3-web") }
        fleet.simulator.addRepository("\(Self.owner)/elsewhere")
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: Self.owner, visibility: .selected, repositories: reached + ["\(Self.owner)/elsewhere"])
        let token = fleet.mint(scopes: ["repo", "workflow", "admin:org"])
        let report = try await fleet.doctor(token)
        let target = "org:\(Self.owner)"
        #expect(report.check(CheckID.orgOwner, target: target)?.status == .pass)
        #expect(report.check(CheckID.secretPresent, target: target)?.status == .pass)
        #expect(report.check(CheckID.orgVisibility, target: target)?.status == .pass)
        let selection = try #require(report.check(CheckID.orgSelection, target: target))
        #expect(selection.status == .fail)
        #expect(selection.detail.contains(Self.full("c3-web")))
        #expect(!selection.detail.contains(Self.full("c3-bff")))
        #expect(selection.detail.contains("1 repository outside the fleet"))
        // The simulator agrees: c3-web's workflows read nothing.
        #expect(fleet.simulator.secretSeenByWorkflow("PAT_TOKEN", in: Self.full("c3-web")) == nil)

        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: Self.owner, visibility: .all)
        let widened = try await fleet.doctor(token)
        #expect(widened.check(CheckID.orgVisibility, target: target)?.status == .warn)
        #expect(widened.check(CheckID.orgSelection, target: target)?.status == .pass)
    }

    @Test("secret.shadowed is exactly where the simulator's precedence rule lets another copy win, and names that copy")
    func shadowedAgainstThePrecedenceRule() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        fleet.simulator.addOrganization(Self.owner, owners: [Self.owner])
        try Self.setTargets(fleet, #"{"organization": {"name": "\#(Self.owner)", "visibility": "all"}}"#)
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization(Self.owner), value: "org")
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: Self.owner, visibility: .all)
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .repository(Self.full("c3-web")), value: "repo")
        fleet.simulator.addEnvironment("production", to: Self.full("c3-bff"))
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .environment(repository: Self.full("c3-bff"), name: "production"), value: "env")
        fleet.simulator.addEnvironment("staging", to: Self.full("c3-cli"))
        fleet.simulator.writeSecretOutsidePatrol("OTHER_SECRET", in: .environment(repository: Self.full("c3-cli"), name: "staging"), value: "other")
        let report = try await fleet.doctor(fleet.mint(scopes: ["repo", "workflow", "admin:org"]))

        // The simulator's rule: in which repositories does some job read another copy than the organization's?
        var overridden: Set<String> = []
        for repository in FleetHarness.fleet {
            for environment in [nil] + fleet.simulator.environments(in: repository) {
                let seen = fleet.simulator.secretSeenByWorkflow("PAT_TOKEN", in: repository, environment: environment)
                if seen?.source != .organization(Self.owner) { overridden.insert(repository) }
            }
        }
        #expect(overridden == [Self.full("c3-web"), Self.full("c3-bff")])
        let warned = Set(report.checks.filter { $0.id == CheckID.secretShadowed && $0.status == .warn }.compactMap { $0.repository?.fullName })
        #expect(warned == overridden)
        #expect(report.checks.filter { $0.id == CheckID.secretShadowed }.count == FleetHarness.fleet.count)
        let web = try #require(report.check(CheckID.secretShadowed, try fleet.repository("c3-web")))
        #expect(web.fix?.contains("repo:\(Self.full("c3-web"))") == true)
        let bff = try #require(report.check(CheckID.secretShadowed, try fleet.repository("c3-bff")))
        #expect(bff.fix?.contains("env:\(Self.full("c3-bff"))/production") == true)
        #expect(!(bff.fix?.contains("repo:") ?? true))
    }

    @Test("dependabot.needed: a workflow Dependabot starts reads the secret and no Dependabot copy exists — the run reads nothing")
    func dependabotNeeded() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        try Self.setTargets(fleet, #"{"repository": true, "dependabot": ["c3-bff"]}"#)
        let dependabotConfig = "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n"
        for name in ["c3-web", "c3-bff"] { fleet.simulator.setFile(".github/dependabot.yml", content: dependabotConfig, in: Self.full(name)) }
        let token = fleet.mint()
        fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .dependabot(Self.full("c3-bff")), value: token)
        let report = try await fleet.doctor(token)
        let web = try #require(report.check(CheckID.dependabotNeeded, try fleet.repository("c3-web")))
        #expect(web.status == .warn)
        #expect(web.detail.contains("ci.yml") && web.detail.contains("push"))
        #expect(web.fix?.contains("--targets dependabot --repos c3-web") == true)
        #expect(report.check(CheckID.dependabotNeeded, try fleet.repository("c3-bff"))?.status == .pass)
        #expect(report.check(CheckID.dependabotNeeded, try fleet.repository("c3-cli"))?.status == .pass, "Dependabot is not set up there")
        // The simulator's rule agrees: a Dependabot run in c3-web reads nothing, in c3-bff the Dependabot copy.
        #expect(fleet.simulator.secretSeenByWorkflow("PAT_TOKEN", in: Self.full("c3-web"), triggeredByDependabot: true) == nil)
        #expect(fleet.simulator.secretSeenByWorkflow("PAT_TOKEN", in: Self.full("c3-bff"), triggeredByDependabot: true)?.plaintext == token)
    }
}
