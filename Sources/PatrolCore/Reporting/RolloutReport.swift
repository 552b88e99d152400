import Foundation

/// The result of a rollout (or the rollout step of a rotation), as text or as the spec's JSON.
public struct RolloutReport: Sendable {
    public let command: String
    public let secret: String
    public let fingerprint: Fingerprint
    public let login: String
    public let expiresAt: Date?
    public let outcomes: [RepositoryOutcome]
    /// What the preflight found worth saying about the token (e.g. it expires soon); `token.warnings` in JSON.
    public var warnings: [String] = []

    public var succeeded: Int { outcomes.filter(\.succeeded).count }
    public var failed: Int { outcomes.count - succeeded }
    /// Exit 0 only when every selected repository succeeded.
    public var exitCode: ExitCode { failed == 0 ? .success : .failure }

    /// `{"command", "secret", "token", "repositories", "summary"}` (spec §3.3).
    public var json: JSONValue {
        .object([
            ("command", .string(command)),
            ("secret", .string(secret)),
            ("token", .object([
                ("fingerprint", .string(fingerprint.value)),
                ("login", .string(login)),
                ("expiresAt", .date(expiresAt)),
                ("warnings", .array(warnings.map { .string($0) })),
            ])),
            ("repositories", .array(outcomes.map { outcome in
                .object([
                    ("repository", .string(outcome.repository.fullName)),
                    ("status", .string(outcome.status.rawValue)),
                    ("httpStatus", .optional(outcome.httpStatus)),
                    ("secretUpdatedAt", .date(outcome.secretUpdatedAt)),
                    ("attempts", .number(Double(outcome.attempts))),
                    ("error", .optional(outcome.failure?.message)),
                    ("warnings", .array(outcome.warnings.map { .string($0) })),
                ])
            })),
            ("summary", .object([
                ("total", .number(Double(outcomes.count))),
                ("succeeded", .number(Double(succeeded))),
                ("failed", .number(Double(failed))),
            ])),
        ])
    }

    /// One line per repository, then a summary line.
    public func lines(console: Console) -> [String] {
        let width = outcomes.map(\.repository.fullName.count).max() ?? 0
        var lines = outcomes.map { outcome -> String in
            let name = outcome.repository.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
            let (mark, colour): (String, Console.Colour) = switch outcome.status {
            case .created, .updated, .dryRun: ("✓", .green)
            case .failed: ("✗", .red)
            case .skipped: (outcome.succeeded ? "·" : "✗", outcome.succeeded ? .dim : .red)
            }
            var detail: String
            switch outcome.status {
            case .created, .updated:
                detail = "\(outcome.status.rawValue) (\(outcome.httpStatus ?? 0)), verified: updated_at \(outcome.secretUpdatedAt.map(ISO8601.format) ?? "?")"
            case .dryRun: detail = "dry run: public key fetched and token sealed, nothing uploaded"
            case .failed: detail = "failed: " + (outcome.failure?.message ?? "unknown error")
            case .skipped: detail = "skipped: " + (outcome.failure?.message ?? "")
            }
            if outcome.attempts > 1 { detail += " [\(outcome.attempts) attempts]" }
            return "\(console.paint(mark, colour)) \(name)  \(detail)"
        }
        let verb = outcomes.contains { $0.status == .dryRun } ? "ready" : "verified"
        var summary = "\(command): \(succeeded)/\(outcomes.count) repositories \(verb)"
        if failed > 0 { summary += ", \(failed) failed" }
        summary += " — \(secret) holds token \(fingerprint.short) (\(login))"
        lines.append(failed == 0 ? console.paint(summary, .bold) : console.paint(summary, .red))
        return lines
    }
}
