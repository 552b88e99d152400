import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("a rollout's repository outcomes: each case carries exactly its data")
struct RepositoryOutcomeTests {
    @Test("each case's status, success, HTTP status, attempts, reason and line, as the report and its JSON show them")
    func eachCase() throws {
        let name = { (text: String) in SecretTarget.repository(try RepositoryName(owner: "acme", name: text)) }
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let rejection = GitHubError(request: "GET /repos/acme/x/actions/secrets/public-key", status: 401, message: "Bad credentials")
        let outcomes: [RepositoryOutcome] = [
            .delivered(.init(target: try name("new"), created: true, httpStatus: 201, secretUpdatedAt: at, attempts: 1)),
            .delivered(.init(target: try name("old"), created: false, httpStatus: 204, secretUpdatedAt: at, attempts: 3, warnings: ["moved"])),
            .dryRun(try name("dry"), plan: TargetPlan(action: .create)),
            .alreadyHeld(try name("held")),
            .failed(try name("gone"), error: GitHubError(request: "GET /repos/acme/gone/actions/secrets/public-key", status: 404, message: "Not Found"), attempts: 0),
            .notAttempted(try name("later"), rejection: rejection),
            .interrupted(try name("cut")),
        ]
        #expect(outcomes.map(\.status) == [.created, .updated, .dryRun, .skipped, .failed, .skipped, .skipped])
        #expect(outcomes.map(\.succeeded) == [true, true, true, true, false, false, false])
        #expect(outcomes.map(\.httpStatus) == [201, 204, nil, nil, 404, nil, nil])
        #expect(outcomes.map(\.attempts) == [1, 3, 0, 0, 0, 0, 0])
        #expect(outcomes.map(\.wasInterrupted) == [false, false, false, false, false, false, true])
        #expect(outcomes[0].reason == nil && outcomes[2].reason == nil)
        #expect(outcomes[3].reason == "already holds this token (--resume)")
        #expect(outcomes[5].reason?.contains("401 \"Bad credentials\"") == true)
        #expect(outcomes[1].warnings == ["moved"] && outcomes[4].warnings.isEmpty)

        let console = Console(stdout: { _ in }, stderr: { _ in })
        let lines = outcomes.map { RolloutReport.line(for: $0, width: 10, console: console) }
        #expect(lines[1] == "✓ acme/old    updated (204), verified: updated_at \(ISO8601.format(at)) [3 attempts]")
        #expect(lines[3] == "· acme/held   skipped: already holds this token (--resume)")
        #expect(lines[5].hasPrefix("✗ acme/later  skipped: not attempted"))
        #expect(lines[6] == "✗ acme/cut    skipped: not started: the run was interrupted first; nothing was uploaded here")

        let report = RolloutReport(command: "rollout", secret: "PAT_TOKEN", fingerprint: Token(bytes: Array("x".utf8)).fingerprint,
                                   login: "acme", expiresAt: nil, outcomes: outcomes)
        #expect(report.succeeded == 4 && report.failed == 3 && report.interrupted == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json.text.utf8)) as? [String: Any])
        let rows = try #require(document["repositories"] as? [[String: Any]])
        #expect(rows.map { $0["status"] as? String } == ["created", "updated", "dry-run", "skipped", "failed", "skipped", "skipped"])
        #expect(rows.map { $0["error"] is NSNull } == [true, true, true, false, false, false, false])
    }
}
