import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Each check's other pass and fail paths, against the simulator.
@Suite("doctor: each check's paths")
struct DoctorCheckTests {
    static let live: DoctorOptions = { var options = DoctorOptions(); options.sendTestEvent = true; options.waitSeconds = 2; return options }()

    @Test("token.expiry: no expiration warns, inside warnDays warns, inside criticalDays fails")
    func expiry() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        for (expiresAt, status, says): (Date?, CheckStatus, String) in [
            (nil, .warn, "never expires"), (Date().addingTimeInterval(10.5 * 86_400), .warn, "10 days left"),
            (Date().addingTimeInterval(5.5 * 86_400), .fail, "5 days left"), (Date().addingTimeInterval(60.5 * 86_400), .pass, "60 days left"),
        ] {
            let report = try await fleet.doctor(fleet.mint(expiresAt: expiresAt))
            let check = try #require(report.check("token.expiry"))
            #expect(check.status == status && check.detail.contains(says), "\(check)")
            #expect((check.fix != nil) == (status != .pass))
        }
    }

    @Test("token.owner names the account and type; token.scopes passes a classic token with the policy's scopes")
    func ownerAndScopes() async throws {
        let fleet = try FleetHarness()
        let bot = fleet.simulator.mintToken(login: "c3-bot", accountType: "Bot")
        let report = try await fleet.doctor(bot, repositories: ["c3-shared"])
        #expect(report.check("token.owner")?.detail == "belongs to c3-bot (Bot account); an automation account, as the guide advises")
        #expect(report.check("token.scopes")?.status == .pass)
        #expect(report.check("token.sso")?.status == .pass)
    }

    @Test("without the repo scope the repository checks are skipped, not failed nine times")
    func noRepoScope() async throws {
        let fleet = try FleetHarness()
        let report = try await fleet.doctor(fleet.mint(scopes: ["workflow"]))
        #expect(report.ids(.fail) == ["token.scopes"])
        #expect(report.checks.filter { $0.group != .token }.allSatisfy { $0.status == .skip && $0.detail.contains("`repo` scope") })
    }

    @Test("fine-grained: probed permissions pass; Secrets read-only and Contents read-only are named with GitHub's header")
    func fineGrained() async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, kind: .fineGrained)
        try await fleet.rolledOut(token)
        let good = try await fleet.doctor(token, options: Self.live)
        #expect(good.exitCode == .success, "\(good.checks.filter { $0.status != .pass })")
        #expect(good.check("token.scopes")?.detail.hasPrefix("fine-grained token, probed") == true)
        #expect(fleet.simulator.secret(GitHubClient.probeSecretName, in: "garrick0/c3-web") == nil)

        fleet.simulator.setFineGrainedPermissions([.secrets: .read], on: "garrick0/c3-web", for: token)
        fleet.simulator.setFineGrainedPermissions([.contents: .read], on: FleetHarness.platform, for: token)
        let report = try await fleet.doctor(token, options: Self.live)
        #expect(report.ids(.fail) == ["token.scopes", "repo.access@garrick0/c3-web", "platform.access"])
        #expect(report.check("token.scopes")?.detail.contains("secrets=write on garrick0/c3-web") == true)
        #expect(report.check("token.scopes")?.detail.contains("contents=write on garrick0/c3-platform") == true)
        #expect(report.check("platform.access")?.detail.contains("contents=write") == true)
        #expect(report.check("dispatch.live")?.status == .skip)

        fleet.simulator.setFineGrainedPermissions([.contents: .none], on: "garrick0/c3-cli", for: token)
        let unreadable = try await fleet.doctor(token, repositories: ["c3-cli"])
        #expect(unreadable.check("dispatch.target", try fleet.repository("c3-cli"))?.detail.contains("contents=read") == true)
        #expect(unreadable.check("token.scopes")?.detail.contains("contents=read on garrick0/c3-cli") == true)
    }

    @Test("token.sso: an organization enforcing SAML SSO gives the authorization URL; its checks are skipped")
    func sso() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        fleet.simulator.requireSingleSignOn(for: FleetHarness.owner)
        let report = try await fleet.doctor(token)
        #expect(report.ids(.fail) == ["token.sso"])
        let check = try #require(report.check("token.sso"))
        #expect(check.fix?.contains("https://github.com/orgs/garrick0/sso?authorization_request=") == true)
        #expect(report.checks.filter { $0.group != .token }.allSatisfy { $0.status == .skip && $0.detail.contains("SAML SSO") })
        fleet.simulator.authorizeSingleSignOn(token)
        #expect(try await fleet.doctor(token).check("token.sso")?.status == .pass)
    }

    @Test("secret.current: stale, changed outside patrol, and unknown to patrol")
    func secretCurrent() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        let shared = try fleet.repository("c3-shared"), web = try fleet.repository("c3-web"), cli = try fleet.repository("c3-cli")
        var ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        ledger.targets["repo:\(shared.fullName)"]?.fingerprint = Fingerprint("sha256:0123456789abcdef")
        ledger.targets["repo:\(web.fullName)"]?.secretUpdatedAt = Date().addingTimeInterval(-3600)
        ledger.targets["repo:\(cli.fullName)"] = nil
        let report = try await fleet.doctor(token, ledger: ledger)
        #expect(report.check("secret.current", shared)?.status == .fail)
        #expect(report.check("secret.current", shared)?.detail.contains("stale") == true)
        #expect(report.check("secret.current", web)?.status == .warn)
        #expect(report.check("secret.current", web)?.detail.contains("changed outside patrol") == true)
        #expect(report.check("secret.current", cli)?.status == .warn)
        #expect(report.check("secret.current", cli)?.fix == "run `patrol rollout --repos c3-cli` so that it holds this token and patrol knows it")
    }

    @Test("repo.access: write (push) without admin passes, as GitHub lets writers manage secrets; read-only fails and skips the secret checks")
    func writeIsEnough() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        fleet.simulator.setPermission(.write, on: "garrick0/c3-wiring", for: token)
        fleet.simulator.setPermission(.read, on: "garrick0/c3-cli", for: token)
        let report = try await fleet.doctor(token)
        let wiring = try fleet.repository("c3-wiring"), cli = try fleet.repository("c3-cli")
        #expect(report.check("repo.access", wiring)?.status == .pass)
        #expect(report.check("repo.access", wiring)?.detail.contains("may push to it") == true)
        #expect(report.check("secret.present", wiring)?.status == .pass)
        #expect(report.check("secret.current", wiring)?.status == .pass)
        #expect(report.ids(.fail) == ["repo.access@garrick0/c3-cli"])
        #expect(report.check("repo.access", cli)?.detail.contains("may only read it") == true)
        #expect(report.check("repo.access", cli)?.fix?.hasPrefix("give the token's account write access") == true)
        #expect(report.check("secret.present", cli)?.status == .skip)
        #expect(report.check("dispatch.target", cli)?.status == .pass)
    }

    @Test("ratelimit: little quota left warns, none fails")
    func rateLimit() async throws {
        let fleet = try FleetHarness()
        fleet.simulator.setRateLimit(12)
        let low = try await fleet.doctor(fleet.mint(), repositories: ["c3-shared"])
        #expect(low.check("ratelimit")?.status == .warn)
        #expect(low.check("ratelimit")?.detail.hasPrefix("11 of 12 requests left") == true)
        let spent = try FleetHarness()
        spent.simulator.setRateLimit(1)
        let none = try await spent.doctor(spent.mint(), repositories: ["c3-shared"])
        #expect(none.check("ratelimit")?.status == .fail)
        #expect(none.check("ratelimit")?.fix?.hasPrefix("wait until ") == true)
        #expect(none.check("repo.access", try spent.repository("c3-shared"))?.detail.contains("ratelimit failed") == true)
    }

    @Test("platform.events: none warns as a new setup, a failed last run warns with its link, a success passes")
    func events() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        let none = try await fleet.doctor(token)
        #expect(none.check("platform.events")?.status == .warn)
        #expect(none.check("platform.events")?.detail.contains("a new setup?") == true)
        #expect(none.exitCode == .success)

        fleet.simulator.addRun(of: FleetHarness.handler, in: FleetHarness.platform, conclusion: "success", ago: 7200)
        let failed = fleet.simulator.addRun(of: FleetHarness.handler, in: FleetHarness.platform, conclusion: "failure", ago: 60)
        let report = try await fleet.doctor(token)
        let check = try #require(report.check("platform.events"))
        #expect(check.status == .warn && check.detail.contains("concluded failure") && check.detail.contains(failed.htmlURL))
        #expect(check.fix == "open \(failed.htmlURL) to see why the handler failed")

        fleet.simulator.addRun(of: FleetHarness.handler, in: FleetHarness.platform, conclusion: "success", ago: 1)
        #expect(try await fleet.doctor(token).check("platform.events")?.status == .pass)
    }

    @Test("dispatch.live: the nonce is matched in the run's title when the handler's run-name carries it; a failing handler warns")
    func liveProbe() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        let text = fleet.simulator.file(FleetHarness.handler, in: FleetHarness.platform)!
        fleet.simulator.setFile(FleetHarness.handler, content: text.replacingOccurrences(
            of: "run-name: ${{ github.event.action }}", with: "run-name: ${{ github.event.client_payload.patrol_probe }} ${{ github.event.action }}"),
            in: FleetHarness.platform)
        var options = Self.live
        options.eventType = "build_failed"
        let report = try await fleet.doctor(token, options: options, nonce: "n0nce42")
        #expect(report.check("dispatch.live")?.status == .pass)
        let run = try #require(fleet.simulator.runs(in: FleetHarness.platform).last)
        #expect(run.displayTitle.hasPrefix("n0nce42 build_failed"))
        #expect(report.check("dispatch.live")?.detail.contains("\(run.id)") == true)
        #expect(fleet.simulator.dispatches(to: FleetHarness.platform).last?.eventType == "build_failed")

        fleet.simulator.setRunConclusion("failure", in: FleetHarness.platform)
        let failing = try await fleet.doctor(token, options: Self.live)
        #expect(failing.check("dispatch.live")?.status == .warn)
        #expect(failing.check("platform.events")?.status == .warn)
    }

    @Test("dispatch.target: each wrong step is named with its line; an expression warns", arguments: [
        ("token: ${{ secrets.PAT_TOKEN }}", "token: ${{ secrets.GITHUB_TOKEN }}", CheckStatus.fail, "GITHUB_TOKEN cannot dispatch"),
        ("token: ${{ secrets.PAT_TOKEN }}", "token: ${{ secrets.GH_PAT }}", .fail, "uses secrets.GH_PAT, not secrets.PAT_TOKEN"),
        ("token: ${{ secrets.PAT_TOKEN }}", "", .fail, "sets no `token:`"),
        ("event-type: dependency_updated", "event-type: dependency_update", .fail, "(did you mean dependency_updated?)"),
        ("event-type: dependency_updated", "event_type: dependency_updated", .fail, "(did you mean `event-type`?)"),
        ("repository: garrick0/c3-platform", "repository: ${{ github.repository_owner }}/c3-platform", .warn, "an expression patrol cannot check"),
        ("uses: peter-evans/repository-dispatch@v2", "uses: actions/github-script@v7", .fail, "has no peter-evans/repository-dispatch step"),
        ("    steps:", "    steps:\n\t- run: x", .fail, "could not read line"),
    ])
    func dispatchTarget(find: String, replace: String, status: CheckStatus, says: String) async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        let path = ".github/workflows/publish.yml", repository = "garrick0/c3-discovery"
        let text = fleet.simulator.file(path, in: repository)!
        fleet.simulator.setFile(path, content: text.replacingOccurrences(of: find, with: replace), in: repository)
        let report = try await fleet.doctor(fleet.mint(), repositories: ["c3-discovery"])
        let check = try #require(report.check("dispatch.target", try fleet.repository("c3-discovery")))
        #expect(check.status == status && check.detail.contains(says), "\(check.detail)")
        #expect(check.fix?.isEmpty == false)
    }

    @Test("dispatch.target: a workflow file missing from the default branch fails with the step to add")
    func missingWorkflow() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        fleet.simulator.removeFile(".github/workflows/ci.yml", in: "garrick0/c3-bff")
        let report = try await fleet.doctor(fleet.mint(), repositories: ["c3-bff"])
        let check = try #require(report.check("dispatch.target", try fleet.repository("c3-bff")))
        #expect(check.status == .fail && check.detail.contains("is not on the default branch main"))
        #expect(check.fix?.contains("peter-evans/repository-dispatch@v2") == true)
    }
}
