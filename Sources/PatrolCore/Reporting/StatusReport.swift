import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// `patrol status`'s result, as a table or as the spec's JSON.
public struct StatusReport: Sendable {
    /// One target (a repository's Actions secret, an environment's, …, an organization's).
    public struct Line: Sendable {
        public let target: SecretTarget
        /// The repository the target lives in; nil for an organization secret.
        public var repository: RepositoryName? { target.repository }
        /// An organization secret's reach: its visibility, the fleet repositories it reaches and the selected ones
        /// outside the fleet.
        public var reach: OrganizationReach?
        /// What GitHub said of the secret; nil when it is absent or the repository cannot be seen.
        public let secret: SecretMetadata?
        /// What the ledger recorded of patrol's last write there.
        public let record: TargetRecord?
        public let state: FleetStatus.State
        /// Why the repository is `no-access` or `error`.
        public let problem: (any Error)?

        package init(target: SecretTarget, secret: SecretMetadata?, record: TargetRecord?, state: FleetStatus.State, problem: (any Error)?,
                     reach: OrganizationReach? = nil) {
            self.target = target
            self.reach = reach
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
    public var json: JSONValue { jsonDocument.value }

    /// ``json`` as a document whose rows are made one at a time as it is written (``Console/result(_:)-(JSONDocument)``).
    public var jsonDocument: JSONDocument {
        let lines = self.lines
        return JSONDocument([
            ("command", .value("status")),
            ("secret", .value(.string(secret))),
            ("token", .value(.object([
                ("fingerprint", .optional(expected?.fingerprint.value)),
                ("login", .optional(expected?.login)),
                ("state", .optional(expected?.state.rawValue)),
            ]))),
            ("repositories", .rows(count: lines.count) { Self.jsonRow(lines[$0]) }),
            ("summary", .value(.object([("total", .number(Double(lines.count)))]
                + FleetStatus.State.allCases.map { ($0.rawValue, .number(Double(count($0)))) }))),
        ])
    }

    /// One target's row of the JSON report.
    public static func jsonRow(_ line: Line) -> JSONValue {
        var row: [(String, JSONValue)] = [
            ("repository", .optional(line.repository?.fullName)),
            ("target", .string(line.target.id)),
            ("kind", .string(line.target.kind.rawValue)),
            ("present", .bool(line.secret != nil)),
            ("createdAt", .date(line.secret?.createdAt)),
            ("updatedAt", .date(line.secret?.updatedAt)),
            ("fingerprint", .optional(line.record?.fingerprint?.value)),
            ("ledgerUpdatedAt", .date(line.record?.secretUpdatedAt)),
            ("state", .string(line.state.rawValue)),
            ("error", .optional(line.problem.map { "\($0)" })),
        ]
        if let reach = line.reach {
            row.append(("visibility", .string(reach.visibility.rawValue)))
            row.append(("reaches", .array(reach.reaches.map { .string($0) })))
            row.append(("extra", .array(reach.extra.map { .string($0) })))
        }
        return .object(row)
    }

    /// One line per repository, then a summary line. With `--quiet`, current repositories are only counted
    /// in the summary.
    public func lines(console: Console) -> [String] {
        let ids = RolloutReport.showsTargetIDs(lines.map(\.target))
        let width = lines.map { RolloutReport.label($0.target, ids: ids).count }.max() ?? 0
        return lines.compactMap { row($0, width: width, ids: ids, console: console) } + [summary(console: console)]
    }

    /// One repository's row, its name padded to `width`; nil for a current repository with `--quiet`. `status`
    /// prints each row as its answer arrives, from a report with no lines yet that knows the ledger's tokens.
    public func row(_ line: Line, width: Int, ids: Bool = false, console: Console) -> String? {
        if console.quiet, line.state == .current { return nil }
        let name = RolloutReport.label(line.target, ids: ids).padded(toWidth: width)
        let state = line.state.rawValue.padded(toWidth: 9)
        let colour: Console.Colour = switch line.state {
        case .current: .green
        case .stale, .drifted: .yellow
        case .missing, .noAccess, .error: .red
        case .writing: .dim
        }
        var text = "\(console.paint(state, colour)) \(name)  \(detail(line))"
        if let reach = line.reach {
            text += "; \(reach.visibility.rawValue), reaches \(reach.reaches.count) of the fleet's repositories"
            if !reach.missing.isEmpty { text += "; not " + reach.missing.joined(separator: ", ") + " (run patrol rollout to select them)" }
            if !reach.extra.isEmpty { text += "; extra: " + reach.extra.joined(separator: ", ") + " (patrol rollout --prune-selection removes them)" }
        }
        return text
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
                + "run patrol rollout \(rerun(line.target)) to set it again"
        case .missing:
            return "no \(secret) secret\(line.record != nil ? " (the ledger says patrol wrote one: it was deleted)" : ""); "
                + "run patrol rollout \(rerun(line.target))"
        case .noAccess:
            return "cannot see the repository's secrets: \(line.problem.map { "\($0)" } ?? "no access")"
        case .writing:
            return "\(dates): a rollout holding the ledger's lock is writing it now; run patrol status again when it ends"
        case .error:
            return "GitHub's answer stayed an error after retries: \(line.problem.map { "\($0)" } ?? "unknown"); "
                + "run patrol status again later"
        }
    }

    /// The options of a rollout of `target` alone, or near it: `--repos NAME` (and `--targets KIND` for other kinds).
    private func rerun(_ target: SecretTarget) -> String {
        let kind = target.kind == .repository ? "" : "--targets \(target.kind.rawValue)"
        guard let repository = target.repository else { return kind }
        return kind.isEmpty ? "--repos \(repository.fullName)" : "\(kind) --repos \(repository.fullName)"
    }

    package init(secret: String, expected: TokenRecord?, ledgerTokens: [TokenRecord], lines: [Line]) {
        self.secret = secret
        self.expected = expected
        self.ledgerTokens = ledgerTokens
        self.lines = lines
    }
}

/// Which repositories an organization secret reaches, as `status` shows it.
public struct OrganizationReach: Sendable, Equatable {
    public let visibility: SecretVisibility
    /// Fleet repositories it reaches (`owner/name`; every one unless `selected`).
    public let reaches: [String]
    /// Fleet repositories a `selected` secret does not reach.
    public let missing: [String]
    /// Selected repositories outside the fleet.
    public let extra: [String]

    package init(visibility: SecretVisibility, reaches: [String], missing: [String], extra: [String]) {
        self.visibility = visibility
        self.reaches = reaches
        self.missing = missing
        self.extra = extra
    }

    /// The reach of a secret with `visibility` whose selection, when `selected`, is `selected`: a fleet repository
    /// is reached when its id (`ids`, keyed by ``RepositoryName/key``) or its name is in the selection; a selected
    /// repository that is neither is `extra`, by name when known. Every fleet repository unless `selected`.
    package static func of(visibility: SecretVisibility, selected: [SelectedRepository], ids: [String: Int],
                           fleet: [RepositoryName]) -> OrganizationReach {
        guard visibility == .selected else {
            return OrganizationReach(visibility: visibility, reaches: fleet.map(\.fullName), missing: [], extra: [])
        }
        let chosenIDs = Set(selected.map(\.id)), chosenNames = Set(selected.compactMap { $0.fullName?.lowercased() })
        let isChosen = { (repository: RepositoryName) in
            ids[repository.key].map(chosenIDs.contains) ?? false || chosenNames.contains(repository.key)
        }
        let fleetIDs = Set(fleet.compactMap { ids[$0.key] }), fleetKeys = Set(fleet.map(\.key))
        return OrganizationReach(visibility: visibility,
                                 reaches: fleet.filter(isChosen).map(\.fullName),
                                 missing: fleet.filter { !isChosen($0) }.map(\.fullName),
                                 extra: selected.filter { !fleetIDs.contains($0.id) && !fleetKeys.contains($0.fullName?.lowercased() ?? "") }
                                     .map { $0.fullName ?? "repository id \($0.id)" })
    }
}
