import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("doctor against the simulator")
struct DoctorTests {
    @Test("a fleet wired as the guide describes: doctor --send-test-event is all green, exit 0, and the probe arrived")
    func allGreen() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        let run = await fleet.run(["doctor", "--send-test-event", "--wait", "5"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("doctor: 49 passed, 0 warnings, 0 failed, 0 skipped"), "\(run.stdout)")
        #expect(!run.output.contains(token))
        let dispatch = try #require(fleet.simulator.dispatches(to: FleetHarness.platform).last)
        #expect(dispatch.eventType == "dependency_updated")
        #expect(dispatch.payloadStrings["version"] == "0.0.0-patrol-probe")
        #expect(dispatch.payloadStrings["repo"] == FleetHarness.platform)
        #expect(dispatch.payloadStrings["patrol_probe"]?.isEmpty == false)
        #expect(dispatch.startedRuns.count == 1)
    }

    @Test("a streamed run lets go of each repository's checks once told: the report keeps only their tally, with the same counts")
    func streamedChecksLetGo() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        let whole = try await fleet.doctor(token)
        let told = Locked<[DoctorCheck]>([])
        let streamed = try await fleet.doctor(token, finished: { checks in told.withLock { $0 += checks } })
        let own = { (check: DoctorCheck) in CheckID.perRepository.contains(check.id) && check.repository != nil }
        // Every repository's own checks were told, as the whole report has them …
        #expect(told.withLock { $0 }.filter(own).count == whole.checks.filter(own).count)
        #expect(whole.checks.contains(where: own))
        // … and the streamed report no longer holds them, yet counts them in its summary and exit code.
        #expect(!streamed.checks.contains(where: own))
        for status in CheckStatus.allCases { #expect(streamed.count(status) == whole.count(status), "\(status)") }
        #expect(streamed.exitCode == whole.exitCode)
        // The rest is kept as before (details aside: ratelimit's counts the requests left).
        let kept = { (report: DoctorReport) in report.checks.filter { !own($0) }.map { "\($0.id) \($0.repository?.fullName ?? "") \($0.status)" } }
        #expect(kept(streamed) == kept(whole))
    }

    @Test("a larger fleet is checked as many repositories at once as a rollout keeps in progress, every check reported")
    func parallelLargeFleet() async throws {
        let fleet = try FleetHarness(latency: .milliseconds(100))
        let names = try fleet.useLargerFleet(of: 40)
        let run = await fleet.run(["doctor", "--json"], environment: ["PAT_TOKEN": fleet.mint()])
        // Twice the rollout's default --concurrency at once (each answer held 100 ms, so they overlap), never more
        // than that plus the platform's checks beside them.
        let peak = fleet.simulator.counters.peakConcurrency
        #expect(peak > 10, "peak \(peak)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let checks = try #require(document["checks"] as? [[String: Any]])
        let present = checks.filter { $0["id"] as? String == CheckID.secretPresent }
        #expect(present.map { $0["repository"] as? String } == names, "one secret.present per repository, in the fleet's order")
        #expect(present.allSatisfy { $0["status"] as? String == "fail" })
    }

    @Test("--json is the spec's document: command, checks with id/status/repository/detail/fix, summary")
    func json() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        let run = await fleet.run(["doctor", "--json", "--repos", "c3-web"], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["command"] as? String == "doctor")
        let checks = try #require(document["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { Set($0.keys) == ["id", "status", "repository", "detail", "fix"] })
        let missing = try #require(checks.first { $0["id"] as? String == "secret.present" })
        #expect(missing["status"] as? String == "fail")
        #expect(missing["repository"] as? String == "garrick0/c3-web")
        #expect((missing["fix"] as? String)?.contains("patrol rollout --repos c3-web") == true)
        let format = try #require(checks.first { $0["id"] as? String == "token.format" })
        #expect(format["fix"] is NSNull && format["repository"] is NSNull)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["pass": checks.count - 3, "warn": 1, "fail": 1, "skip": 1])
    }

    @Test("before the rollout every secret.present fails with its rollout command; secret.current is skipped")
    func beforeRollout() async throws {
        let fleet = try FleetHarness()
        fleet.wire()
        let report = try await fleet.doctor(fleet.mint())
        #expect(report.exitCode == .failure)
        #expect(report.ids(.fail) == Set(FleetHarness.fleet.map { "secret.present@\($0)" }))
        #expect(report.ids(.skip) == Set(FleetHarness.fleet.map { "secret.current@\($0)" }))
        let web = try #require(report.check("secret.present", try fleet.repository("c3-web")))
        #expect(web.fix == "run `patrol rollout --repos c3-web`")
    }

    @Test("a truncated token is caught offline: token.format fails, everything else is skipped, no request sent")
    func truncated() async throws {
        let fleet = try FleetHarness()
        let report = try await fleet.doctor(TestTokens.truncated(fleet.mint()))
        #expect(report.ids(.fail) == ["token.format"])
        #expect(report.count(.skip) == report.checks.count - 1)
        #expect(report.checks.filter { $0.status == .skip }.allSatisfy { $0.detail.contains("token.format failed") })
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("after a 401 nothing more is sent: token.valid fails, every remote check is skipped with the lockout reason")
    func lockout() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        fleet.simulator.revokeToken(token)
        fleet.simulator.resetLog()
        let report = try await fleet.doctor(token, options: { var o = DoctorOptions(); o.sendTestEvent = true; return o }())
        #expect(report.ids(.fail) == ["token.valid"])
        #expect(report.ids(.pass) == ["token.format"])
        let skipped = report.checks.filter { $0.status == .skip }
        #expect(skipped.count == report.checks.count - 2)
        #expect(skipped.allSatisfy { $0.detail.contains("401") && $0.detail.contains("locks an account out") })
        #expect(fleet.simulator.requests.map(\.path) == ["/user"])
        #expect(report.check("token.valid")?.fix?.contains("settings/tokens/new?scopes=repo,workflow") == true)
    }
}
