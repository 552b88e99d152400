import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("patrol expiry alerts: the issue and the webhook")
struct ExpiryAlertTests {
    static let marker = "<!-- patrol:token-expiry secret=PAT_TOKEN -->"

    @Test("--open-issue three times at warning: exactly one open issue, its title following the days; closed with a comment after a rotation")
    func oneIssue() async throws {
        let fleet = try FleetHarness()
        let platform = FleetHarness.platform
        let old = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(10), expirationFormat: .offset("+0200"))
        try await fleet.seedLedger(token: old, expiresAt: inDays(10))
        let environment = ["PAT_TOKEN": old]

        let first = await fleet.run(["expiry", "--live", "--format", "github", "--open-issue"], environment: environment)
        #expect(first.code == 3, "\(first.output)")
        #expect(first.stderr.contains("opened issue #1"))
        let second = await fleet.run(["expiry", "--live", "--format", "github", "--open-issue"], environment: environment)
        #expect(second.code == 3)
        #expect(second.stderr.contains("issue #1 is up to date"))
        let nine = inDays(9)
        fleet.simulator.setExpiry(nine, for: old)
        let third = await fleet.run(["expiry", "--live", "--format", "github", "--open-issue"], environment: environment)
        #expect(third.code == 3)
        #expect(third.stderr.contains("updated issue #1"))

        let issues = fleet.simulator.issues(in: platform)
        #expect(issues.count == 1)
        let issue = try #require(issues.first)
        #expect(issue.state == "open")
        #expect(issue.title == "PAT_TOKEN expires in 9 days (\(ISO8601.format(nine).prefix(10)))")
        #expect(issue.labels == [ExpiryIssue.label])
        let body = try #require(issue.body)
        #expect(body.hasPrefix(Self.marker))
        #expect(body.contains(ISO8601.format(nine)) && body.contains("days left: **9**"))
        for repository in FleetHarness.fleet { #expect(body.contains("`\(repository)`")) }
        #expect(body.contains("patrol rotate") && body.contains("docs/rotation.md"))
        #expect(body.contains("/settings/tokens/new?scopes=repo,workflow&description=C3_PLATFORM_ORCHESTRATION"))
        #expect(!body.contains(old))

        // The rotation: a new token with a far expiry rolled out, which makes it current in the ledger.
        let new = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(90))
        let rollout = await fleet.run(["rotate"], environment: ["PAT_TOKEN": new])
        #expect(rollout.code == 0, "\(rollout.output)")
        let fixed = await fleet.run(["expiry", "--live", "--open-issue"], environment: ["PAT_TOKEN": new])
        #expect(fixed.code == 0, "\(fixed.output)")
        #expect(fixed.stderr.contains("closed issue #1"))
        let closed = try #require(fleet.simulator.issues(in: platform).first)
        #expect(closed.state == "closed" && closed.stateReason == "completed")
        #expect(closed.comments.count == 1)
        #expect(closed.comments.first?.body.contains("Resolved") == true)
        #expect(closed.comments.first?.body.contains(Token(bytes: Array(new.utf8)).fingerprint.short) == true)

        let quiet = await fleet.run(["expiry", "--live", "--open-issue"], environment: ["PAT_TOKEN": new])
        #expect(quiet.code == 0)
        #expect(fleet.simulator.issues(in: platform).count == 1)
        #expect(fleet.simulator.issues(in: platform).first?.comments.count == 1)
    }

    @Test("an issue whose label was dropped is found by its marker; a duplicate is closed; someone else's issue is left alone")
    func findsAndDeduplicates() async throws {
        let fleet = try FleetHarness()
        let platform = FleetHarness.platform
        let token = fleet.mint()
        try await fleet.seedLedger(token: token, expiresAt: inDays(5))
        let theirs = fleet.simulator.addIssue(in: platform, title: "rotate soon?", body: "a human's note", labels: [ExpiryIssue.label])
        let unlabeled = fleet.simulator.addIssue(in: platform, title: "old title", body: Self.marker + "\nold body")
        let run = await fleet.run(["expiry", "--open-issue"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4, "\(run.output)")
        #expect(run.stderr.contains("updated issue #\(unlabeled)"))
        #expect(fleet.simulator.issues(in: platform).count == 2, "nothing new was opened")
        #expect(fleet.simulator.issues(in: platform)[theirs - 1].title == "rotate soon?")
        #expect(fleet.simulator.issues(in: platform)[unlabeled - 1].title.hasPrefix("PAT_TOKEN expires in 5 days"))
        #expect(fleet.simulator.issues(in: platform)[unlabeled - 1].labels == [ExpiryIssue.label])

        let duplicate = fleet.simulator.addIssue(in: platform, title: "copy", body: Self.marker, labels: [ExpiryIssue.label])
        let again = await fleet.run(["expiry", "--open-issue"], environment: ["PAT_TOKEN": token])
        #expect(again.stderr.contains("closed issue #\(duplicate) as a duplicate of #\(unlabeled)"))
        let open = fleet.simulator.openIssues(in: platform).filter { $0.body?.contains(Self.marker) == true }
        #expect(open.map(\.number) == [unlabeled])
    }

    @Test("--open-issue with a rejected token: exit 4 still, and the hint to give another credential")
    func rejectedTokenCannotWriteIssues() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.revokeToken(token)
        let run = await fleet.run(["expiry", "--live", "--open-issue"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4)
        #expect(run.stderr.contains("--auth-env"))
        #expect(fleet.simulator.issues(in: FleetHarness.platform).isEmpty)

        let helper = fleet.mint()
        let withAuth = await fleet.run(["expiry", "--live", "--open-issue", "--auth-env", "ISSUES_TOKEN"],
                                       environment: ["PAT_TOKEN": token, "ISSUES_TOKEN": helper])
        #expect(withAuth.code == 4)
        let issue = try #require(fleet.simulator.issues(in: FleetHarness.platform).first)
        #expect(issue.title == "PAT_TOKEN was rejected by GitHub: expired or revoked")
    }

    @Test("--webhook-env: {\"text\": …} at warning or worse, without Authorization; nothing at ok")
    func webhook() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let url = fleet.simulator.webhookURL("expiry")
        try await fleet.seedLedger(token: token, expiresAt: inDays(60))
        let ok = await fleet.run(["expiry", "--webhook-env", "ALERT_HOOK"], environment: ["ALERT_HOOK": url])
        #expect(ok.code == 0)
        #expect(ok.stderr.contains("nothing sent"))
        #expect(fleet.simulator.webhookPosts.isEmpty)

        try await fleet.seedLedger(token: token, expiresAt: inDays(6))
        let critical = await fleet.run(["expiry", "--webhook-env", "ALERT_HOOK"], environment: ["ALERT_HOOK": url])
        #expect(critical.code == 4)
        let post = try #require(fleet.simulator.webhookPosts.first)
        #expect(fleet.simulator.webhookPosts.count == 1)
        #expect(post.path == "/hooks/expiry")
        #expect(post.authorization == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(post.body.utf8)) as? [String: Any])
        #expect(Array(object.keys) == ["text"])
        let text = try #require(post.text)
        #expect(text.contains("PAT_TOKEN expires in 6 days") && text.contains("[critical]"))
        for repository in FleetHarness.fleet { #expect(text.contains(repository)) }
        #expect(!critical.output.contains(url), "the webhook URL is a credential and is never printed")
    }

    @Test("--webhook-env naming an unset, empty or plain-http variable: exit 2 before anything is sent")
    func webhookInputErrors() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let unset = await fleet.run(["expiry", "--live", "--webhook-env", "ALERT_HOOK"], environment: ["PAT_TOKEN": token])
        #expect(unset.code == 2)
        #expect(unset.stderr.contains("ALERT_HOOK is not set or empty"))
        let empty = await fleet.run(["expiry", "--live", "--webhook-env", "ALERT_HOOK"], environment: ["PAT_TOKEN": token, "ALERT_HOOK": ""])
        #expect(empty.code == 2)
        let plain = await fleet.run(["expiry", "--live", "--webhook-env", "ALERT_HOOK"],
                                    environment: ["PAT_TOKEN": token, "ALERT_HOOK": "http://hooks.example.com/x"])
        #expect(plain.code == 2)
        #expect(plain.stderr.contains("plain http://"))
        #expect(!plain.output.contains("hooks.example.com"))
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("a failing channel is reported without its URL; the status's exit code stays, and an ok run becomes 1")
    func failingChannels() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let url = fleet.simulator.webhookURL("expiry")
        try await fleet.seedLedger(token: token, expiresAt: inDays(3))
        fleet.simulator.failNext(1, status: 500, matching: "/hooks/")
        let run = await fleet.run(["expiry", "--webhook-env", "ALERT_HOOK"], environment: ["ALERT_HOOK": url])
        #expect(run.code == 4)
        #expect(run.stderr.contains("error: the webhook in ALERT_HOOK answered 500"))
        #expect(!run.output.contains(url))
        let hook = try WebhookURL(variable: "ALERT_HOOK", environment: ["ALERT_HOOK": url])
        #expect(hook.masked("→ POST \(url)") == "→ POST $ALERT_HOOK", "request traces name the variable, not the URL")
        #expect(fleet.simulator.webhookPosts.isEmpty)

        try await fleet.seedLedger(token: token, expiresAt: inDays(60))
        fleet.simulator.removeRepository(FleetHarness.platform)
        let ok = await fleet.run(["expiry", "--open-issue"], environment: ["PAT_TOKEN": token])
        #expect(ok.code == 1, "\(ok.output)")
        #expect(ok.stdout.hasPrefix("ok: "))
        #expect(ok.stderr.contains("could not keep the expiry issue in garrick0/c3-platform") && ok.stderr.contains("404"))
    }

    @Test("the shipped workflow runs the daily check through the patrol Action, the token from secrets through env only")
    func shippedWorkflow() throws {
        let path = PatrolBinary.packageRoot + "/config/workflows/pat-expiry-check.yml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("schedule:") && text.contains("cron:") && text.contains("workflow_dispatch"))
        #expect(text.contains("uses: ./patrol/config/actions/patrol"))
        #expect(text.contains("command: expiry"))
        #expect(text.contains("args: --live --format github --open-issue"))
        #expect(text.contains("PAT_TOKEN: ${{ secrets.PAT_TOKEN }}"))
        #expect(text.contains("issues: write"))
        // The token reaches patrol through the environment only: the arguments never name a secret.
        let argumentLines = text.split(separator: "\n").filter { $0.contains("args:") || $0.contains("command:") }
        #expect(argumentLines.count == 2 && argumentLines.allSatisfy { !$0.contains("secrets.") && !$0.contains("$PAT_TOKEN") && !$0.contains("${{") })
        let action = try String(contentsOfFile: PatrolBinary.packageRoot + "/config/actions/patrol/action.yml", encoding: .utf8)
        #expect(action.contains("libcurl4-openssl-dev") && action.contains("libsodium-dev"))
        #expect(action.contains(#/uses: actions/cache@[0-9a-f]{40} /#), "actions/cache pinned by a full commit SHA")
    }
}
