import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// The result of a rollout (or the rollout step of a rotation), as text or as the spec's JSON.
public struct RolloutReport: Sendable {
    public let command: String
    public let secret: String
    public let fingerprint: Fingerprint
    public let login: String
    public let expiresAt: Date?
    public let outcomes: [RepositoryOutcome]
    /// `--dry-run` was given: the report is a dry run's even when no repository got as far as a `dry-run` outcome.
    public var plannedDryRun = false
    /// What the preflight found worth saying about the token (e.g. it expires soon); `token.warnings` in JSON.
    public var warnings: [String] = []

    public init(command: String, secret: String, fingerprint: Fingerprint, login: String, expiresAt: Date?,
                outcomes: [RepositoryOutcome], plannedDryRun: Bool = false) {
        self.command = command
        self.secret = secret
        self.fingerprint = fingerprint
        self.login = login
        self.expiresAt = expiresAt
        self.outcomes = outcomes
        self.plannedDryRun = plannedDryRun
    }

    public var succeeded: Int { outcomes.filter(\.succeeded).count }
    public var failed: Int { outcomes.count - succeeded }
    /// Exit 0 only when every selected repository succeeded; 4 when GitHub rejected the credential or said it
    /// lacks a fine-grained permission (spec §3.2); 1 for failures of repositories (one the credential cannot
    /// reach or write included).
    public var exitCode: ExitCode {
        if failed == 0 { return .success }
        return outcomes.contains { $0.rejectedCredential || $0.lacksPermission } ? .critical : .failure
    }

    /// `{"command", "secret", "token", "repositories", "summary"}` (spec §3.3).
    public var json: JSONValue { jsonDocument.value }

    /// ``json`` as a document whose rows are made one at a time as it is written (``Console/result(_:)-(JSONDocument)``).
    public var jsonDocument: JSONDocument {
        let outcomes = self.outcomes
        return JSONDocument([
            ("command", .value(.string(command))),
            ("secret", .value(.string(secret))),
            ("token", .value(.object([
                ("fingerprint", .string(fingerprint.value)),
                ("login", .string(login)),
                ("expiresAt", .date(expiresAt)),
                ("warnings", .array(warnings.map { .string($0) })),
            ]))),
            ("repositories", .rows(count: outcomes.count) { Self.jsonRow(outcomes[$0]) }),
            ("summary", .value(.object([
                ("total", .number(Double(outcomes.count))),
                ("succeeded", .number(Double(succeeded))),
                ("failed", .number(Double(failed))),
            ]))),
        ])
    }

    /// One target's row of the JSON report.
    public static func jsonRow(_ outcome: RepositoryOutcome) -> JSONValue {
        var row: [(String, JSONValue)] = [
            ("repository", .optional(outcome.repository?.fullName)),
            ("target", .string(outcome.target.id)),
            ("kind", .string(outcome.target.kind.rawValue)),
            ("status", .string(outcome.status.rawValue)),
            ("httpStatus", .optional(outcome.httpStatus)),
            ("secretUpdatedAt", .date(outcome.secretUpdatedAt)),
            ("attempts", .number(Double(outcome.attempts))),
            ("error", .optional(outcome.reason)),
            ("warnings", .array(outcome.warnings.map { .string($0) })),
        ]
        if let plan = outcome.plan {
            row.append(("plan", .string(plan.action.rawValue)))
            if outcome.target.kind == .organization {
                row.append(("select", .array(plan.select.map { .string($0) })))
                row.append(("deselect", .array(plan.deselect.map { .string($0) })))
            }
        }
        if case .delivered(let delivery) = outcome, let selection = delivery.selection {
            row.append(("selected", .array(selection.added.map { .string($0) })))
            row.append(("deselected", .array(selection.removed.map { .string($0) })))
            row.append(("extra", .array(selection.extra.map { .string($0) })))
        }
        return .object(row)
    }

    /// True when the run was a dry run: nothing was uploaded.
    public var dryRun: Bool { outcomes.contains { $0.status == .dryRun } || plannedDryRun }
    /// How many repositories the run stopped before it started them (a signal, a closed stdout).
    public var interrupted: Int { outcomes.filter(\.wasInterrupted).count }
    /// How many repositories hold the token after this run (uploaded and verified, or already held it with --resume).
    public var holding: Int { dryRun ? 0 : succeeded }

    /// One line per repository in the fleet's order, then the summary line (the demo; the commands stream
    /// ``line(for:width:console:)`` as each repository finishes and end with ``summary(console:)``).
    public func lines(console: Console) -> [String] {
        let ids = Self.showsTargetIDs(outcomes.map(\.target))
        let width = outcomes.map { Self.label($0.target, ids: ids).count }.max() ?? 0
        return outcomes.map { Self.line(for: $0, width: width, ids: ids, console: console) } + [summary(console: console)]
    }

    /// True when the lines name targets by id: a run over any kind but repository Actions secrets. A fleet without
    /// `targets` reads as it always did, one repository per line.
    public static func showsTargetIDs(_ targets: [SecretTarget]) -> Bool {
        targets.contains { $0.kind != .repository }
    }

    /// The name of `target` in a line: its id, or (`ids` false) the repository's `owner/name`.
    public static func label(_ target: SecretTarget, ids: Bool) -> String {
        ids ? target.id : target.repository?.fullName ?? target.id
    }

    /// One target's line; `width` pads the names into a column, `ids` names targets by id.
    public static func line(for outcome: RepositoryOutcome, width: Int, ids: Bool = false, console: Console) -> String {
        let name = label(outcome.target, ids: ids).padded(toWidth: width)
        let (mark, colour): (String, Console.Colour) = switch outcome.status {
        case .created, .updated, .dryRun: ("✓", .green)
        case .failed: ("✗", .red)
        case .skipped: (outcome.succeeded ? "·" : "✗", outcome.succeeded ? .dim : .red)
        }
        var detail: String
        switch outcome.status {
        case .created, .updated:
            detail = "\(outcome.status.rawValue) (\(outcome.httpStatus ?? 0)), verified: updated_at \(outcome.secretUpdatedAt.map(ISO8601.format) ?? "?")"
        case .dryRun:
            detail = "dry run: \(outcome.plan?.summary ?? "ready"); public key fetched and token sealed, nothing uploaded"
        case .failed: detail = "failed: " + (outcome.reason ?? "unknown error")
        case .skipped: detail = "skipped: " + (outcome.reason ?? "")
        }
        if case .delivered(let delivery) = outcome, let selection = delivery.selection {
            if !selection.added.isEmpty { detail += "; selected " + selection.added.joined(separator: ", ") }
            if !selection.removed.isEmpty { detail += "; deselected " + selection.removed.joined(separator: ", ") }
            if !selection.extra.isEmpty { detail += "; also selected outside the fleet: " + selection.extra.joined(separator: ", ") + " (--prune-selection removes them)" }
        }
        if outcome.attempts > 1 { detail += " [\(outcome.attempts) attempts]" }
        return "\(console.paint(mark, colour)) \(name)  \(detail)"
    }

    /// The summary line: claims only what is true (spec §3.3 step 3). `0/9 verified` never says the secret holds
    /// the token, and a dry run says what it would do.
    public func summary(console: Console) -> String {
        let total = outcomes.count
        let repositories = Self.showsTargetIDs(outcomes.map(\.target)) ? "targets" : "repositories"
        let token = "token \(fingerprint.short) (\(login))"
        var text: String
        if dryRun {
            text = failed == 0
                ? "\(command) --dry-run: \(total)/\(total) \(repositories) ready; a real run would upload \(token) to each as \(secret); nothing was uploaded"
                : "\(command) --dry-run: \(succeeded)/\(total) \(repositories) ready, \(failed) failed; nothing was uploaded"
        } else {
            text = "\(command): \(succeeded)/\(total) \(repositories) verified"
            if failed > interrupted { text += ", \(failed - interrupted) failed" }
            if interrupted > 0 { text += ", \(interrupted) not started" }
            // About the others this run says nothing: they may hold any token, this one included.
            if holding == total {
                text += " — \(secret) holds \(token)"
            } else if holding > 0 {
                text += " — those \(holding) hold \(token) as \(secret)"
            }
        }
        return console.paint(text, failed == 0 ? .bold : .red)
    }

    /// What to do next, for stderr after the summary: the mistyped-owner line when every repository answered 404,
    /// and `--resume` only where it would help (a real run that left repositories to do, and not for a credential
    /// GitHub rejected, which must be fixed first).
    public func advice(config: FleetConfig) -> [String] {
        guard failed > 0 else { return [] }
        if let owner = ownerMismatch(config: config) { return [owner] }
        if dryRun {
            return ["fix what the failed lines say, then run `patrol \(command) --dry-run` again; nothing was uploaded"]
        }
        if outcomes.contains(where: { $0.rejectedCredential }) {
            return ["GitHub rejected the credential (401), so the run stopped: make a new token or copy it again, "
                    + "then run `patrol \(command)\(succeeded > 0 ? " --resume" : "")` again"]
        }
        if interrupted == failed { return [] }
        if succeeded == 0 {
            return ["fix what the failed lines say, then run `patrol \(command)` again"]
        }
        return ["fix what the failed lines say, then run `patrol \(command) --resume` to finish; the \(succeeded) "
                + "repositor\(succeeded == 1 ? "y" : "ies") that already hold the token are skipped"]
    }
}

extension RolloutReport {
    /// The mistyped-owner line when every repository answered 404 (``OwnerMismatch``); nil otherwise.
    public func ownerMismatch(config: FleetConfig) -> String? {
        OwnerMismatch.line(statuses: outcomes.map { $0.status == .failed ? $0.httpStatus : nil }, login: login, config: config)
    }
}

extension RepositoryOutcome {
    /// True when GitHub answered 403 naming the fine-grained permission it wanted (`X-Accepted-GitHub-Permissions`):
    /// the token lacks it, for every repository it selects, so the credential is the problem.
    package var lacksPermission: Bool {
        if let error = error as? GitHubError { return error.status == 403 && error.acceptedPermissions != nil }
        return false
    }

    /// True when GitHub answered this repository's requests with 401: the credential, not the repository, is wrong.
    package var rejectedCredential: Bool {
        // Only a 401 makes the run skip the rest (``RepositoryOutcome/notAttempted(_:rejection:)``), so the failed ones tell.
        if let error = error as? GitHubError { return error.isBadCredentials }
        return false
    }
}
