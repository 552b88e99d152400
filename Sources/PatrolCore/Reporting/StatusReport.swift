import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// `patrol status`'s result, as a table or as the spec's JSON.
public struct StatusReport: Sendable {
    /// One repository.
    public struct Line: Sendable {
        public let repository: RepositoryName
        /// What GitHub said of the secret; nil when it is absent or the repository cannot be seen.
        public let secret: SecretMetadata?
        /// What the ledger recorded of patrol's last write there.
        public let record: TargetRecord?
        public let state: FleetStatus.State
        /// Why the repository is `no-access` or `error`.
        public let problem: (any Error)?

        package init(repository: RepositoryName, secret: SecretMetadata?, record: TargetRecord?, state: FleetStatus.State, problem: (any Error)?) {
            self.repository = repository
            self.secret = secret
            self.record = record
            self.state = state
            self.problem = problem
        }
    }

    public let secret: String
    /// The token the fleet should hold (see ``FleetStatus/expectedToken(in:)``).
    public let expected: TokenRecord?
    /// Every token the ledger knows, to name the one a stale repository holds.
    public let ledgerTokens: [TokenRecord]
    public let lines: [Line]

    /// Exit 0 when every repository is `current`, 1 otherwise.
    public var exitCode: ExitCode { lines.allSatisfy { $0.state == .current } ? .success : .failure }

    /// How many repositories are in each state.
    public func count(_ state: FleetStatus.State) -> Int { lines.filter { $0.state == state }.count }

    /// `{"command": "status", "secret", "token", "repositories": [...], "summary"}` (spec §3.7).
    public var json: JSONValue {
        .object([
            ("command", "status"),
            ("secret", .string(secret)),
            ("token", .object([
                ("fingerprint", .optional(expected?.fingerprint.value)),
                ("login", .optional(expected?.login)),
                ("state", .optional(expected?.state.rawValue)),
            ])),
            ("repositories", .array(lines.map { line in
                .object([
                    ("repository", .string(line.repository.fullName)),
                    ("present", .bool(line.secret != nil)),
                    ("createdAt", .date(line.secret?.createdAt)),
                    ("updatedAt", .date(line.secret?.updatedAt)),
                    ("fingerprint", .optional(line.record?.fingerprint?.value)),
                    ("ledgerUpdatedAt", .date(line.record?.secretUpdatedAt)),
                    ("state", .string(line.state.rawValue)),
                    ("error", .optional(line.problem.map { "\($0)" })),
                ])
            })),
            ("summary", .object([("total", .number(Double(lines.count)))]
                + FleetStatus.State.allCases.map { ($0.rawValue, .number(Double(count($0)))) })),
        ])
    }

    /// One line per repository, then a summary line. With `--quiet`, current repositories are only counted
    /// in the summary.
    public func lines(console: Console) -> [String] {
        let width = lines.map(\.repository.fullName.count).max() ?? 0
        return lines.compactMap { row($0, width: width, console: console) } + [summary(console: console)]
    }

    /// One repository's row, its name padded to `width`; nil for a current repository with `--quiet`. `status`
    /// prints each row as its answer arrives, from a report with no lines yet that knows the ledger's tokens.
    public func row(_ line: Line, width: Int, console: Console) -> String? {
        if console.quiet, line.state == .current { return nil }
        let name = line.repository.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
        let state = line.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
        let colour: Console.Colour = switch line.state {
        case .current: .green
        case .stale, .drifted: .yellow
        case .missing, .noAccess, .error: .red
        case .writing: .dim
        }
        return "\(console.paint(state, colour)) \(name)  \(detail(line))"
    }

    /// The summary line: how many repositories are in each state, and which token the fleet should hold.
    public func summary(console: Console) -> String {
        var summary = "status: \(count(.current))/\(lines.count) current"
        for state in FleetStatus.State.allCases.dropFirst() where count(state) > 0 { summary += ", \(count(state)) \(state.rawValue)" }
        summary += expected.map { " — \(secret) should hold \($0.fingerprint.short) (\($0.login), \($0.state.rawValue))" }
            ?? " — the ledger records no token yet; run patrol rollout"
        return console.paint(summary, exitCode == .success ? .bold : .red)
    }

    private func detail(_ line: Line) -> String {
        let dates = line.secret.map { "created \(ISO8601.format($0.createdAt)), updated \(ISO8601.format($0.updatedAt))" } ?? ""
        let held = line.record?.fingerprint.map { "holds \($0.short)" } ?? "never written by patrol"
        switch line.state {
        case .current:
            return "\(held), \(dates)"
        case .stale:
            let retired = line.record?.fingerprint.flatMap { fingerprint in ledgerTokens.first { $0.fingerprint == fingerprint } }
            return "\(held)\(retired.map { " (\($0.state.rawValue))" } ?? ""), not \(expected?.fingerprint.short ?? "?"); \(dates); "
                + "run patrol rollout --resume (or patrol rotate --resume) to finish"
        case .drifted:
            let last = line.record?.secretUpdatedAt.map { "patrol's last write left \(ISO8601.format($0))" } ?? "patrol never wrote it"
            return "\(dates), but \(last): someone else wrote it, so which token it holds is unknown; "
                + "run patrol rollout --repos \(line.repository.fullName) to set it again"
        case .missing:
            return "no \(secret) secret\(line.record != nil ? " (the ledger says patrol wrote one: it was deleted)" : ""); "
                + "run patrol rollout --repos \(line.repository.fullName)"
        case .noAccess:
            return "cannot see the repository's secrets: \(line.problem.map { "\($0)" } ?? "no access")"
        case .writing:
            return "\(dates): a rollout holding the ledger's lock is writing it now; run patrol status again when it ends"
        case .error:
            return "GitHub's answer stayed an error after retries: \(line.problem.map { "\($0)" } ?? "unknown"); "
                + "run patrol status again later"
        }
    }

    package init(secret: String, expected: TokenRecord?, ledgerTokens: [TokenRecord], lines: [Line]) {
        self.secret = secret
        self.expected = expected
        self.ledgerTokens = ledgerTokens
        self.lines = lines
    }
}
