import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// The result of `patrol doctor`: every check in order, as grouped text or as the spec's JSON (§3.6).
public struct DoctorReport: Sendable {
    /// The checks the report holds; a streamed run leaves out those it already printed and let go (``streamed``).
    public let checks: [DoctorCheck]
    /// What is left of the checks a streamed run printed and let go: they count in the summary and the exit code.
    public let streamed: StreamedChecks

    public init(checks: [DoctorCheck], streamed: StreamedChecks = StreamedChecks()) {
        self.checks = checks
        self.streamed = streamed
    }

    /// How many checks ended with `status`, the streamed ones included.
    public func count(_ status: CheckStatus) -> Int { checks.filter { $0.status == status }.count + streamed.count(status) }

    /// The checks whose failure means the credential as a whole is the problem (spec §3.2: exit 4).
    package static let credentialChecks: Set<String> = [CheckID.tokenValid, CheckID.tokenScopes, CheckID.tokenExpiry, CheckID.tokenSSO]

    /// Exit 4 when a credential check failed (rejected, expired, a scope missing, SSO), else 1 when any check
    /// failed, else 0.
    public var exitCode: ExitCode {
        if streamed.credentialFailed || checks.contains(where: { $0.status == .fail && Self.credentialChecks.contains($0.id) }) {
            return .critical
        }
        return count(.fail) > 0 ? .failure : .success
    }

    /// One entry per repository whose `repo.access` failed: 404 when GitHub answered so, nil for another failure
    /// (for ``OwnerMismatch``). Empty when any repository's access passed.
    public var repositoryAccessStatuses: [Int?] {
        let access = checks.filter { $0.id == CheckID.repoAccess && $0.repository != nil }
        guard streamed.accessAllFailed, access.allSatisfy({ $0.status == .fail }) else { return [] }
        return streamed.accessFailures + access.map(Self.accessStatus)
    }

    /// 404 when a failed `repo.access` says GitHub answered so, nil for another failure.
    package static func accessStatus(_ check: DoctorCheck) -> Int? { check.detail.contains("answered 404") ? 404 : nil }

    /// The check `id` (for `repository`, and for the secret target `target`), if it ran.
    public func check(_ id: String, _ repository: RepositoryName? = nil, target: String? = nil) -> DoctorCheck? {
        checks.first { $0.id == id && $0.repository == repository && $0.target == target }
    }

    /// `{"command": "doctor", "checks": [{"id", "status", "repository", "detail", "fix"}], "summary": {…}}`; a
    /// per-target check adds `"target"` (its id).
    public var json: JSONValue {
        jsonDocument.value
    }

    /// ``json`` as a document whose checks are made one at a time as it is written (``Console/result(_:)-(JSONDocument)``).
    public var jsonDocument: JSONDocument {
        let checks = self.checks
        return JSONDocument([
            ("command", .value("doctor")),
            ("checks", .rows(count: checks.count) { index in
                let check = checks[index]
                // `target` only on per-target checks (spec §9), so a fleet without targets reads as before.
                return .object([
                    ("id", .string(check.id)),
                    ("status", .string(check.status.rawValue)),
                    ("repository", .optional(check.repository?.fullName)),
                ] + (check.target.map { [("target", JSONValue.string($0))] } ?? []) + [
                    ("detail", .string(check.detail)),
                    ("fix", .optional(check.fix)),
                ])
            }),
            ("summary", .value(.object(CheckStatus.allCases.map { ($0.rawValue, .number(Double(count($0)))) }))),
        ])
    }

    /// Grouped lines: token, repositories (per repository), platform, dispatch; each warning and failure
    /// followed by its fix; then a summary line. With `--quiet` passing checks are only counted in the summary.
    public func lines(console: Console) -> [String] {
        let shown = console.quiet ? checks.filter { $0.status != .pass } : checks
        let layout = DoctorLines(console: console, ids: shown.map(\.id), repositories: shown.compactMap(\.repository))
        return layout.lines(checks) + [summary(console: console)]
    }

    /// `doctor: 3 passed, 1 warning, 0 failed, 0 skipped`, coloured by the worst.
    public func summary(console: Console) -> String {
        let summary = "doctor: \(count(.pass)) passed, \(count(.warn)) warning\(count(.warn) == 1 ? "" : "s"), "
            + "\(count(.fail)) failed, \(count(.skip)) skipped"
        return console.paint(summary, count(.fail) > 0 ? .red : count(.warn) > 0 ? .yellow : .green)
    }
}

/// The text report a batch of checks at a time, for a run that prints its checks as they finish: each batch continues
/// the grouped layout of the ones before (a group's heading, and a repository's name, printed again only when they
/// change), and a check is shown once. One batch of every check is the whole report as ``DoctorReport/lines(console:)``.
public final class DoctorLines: Sendable {
    private let console: Console
    /// The column the details start at: the longest id.
    private let width: Int
    /// The width of a repository's name before a detail outside the repositories group (`dispatch.target`).
    private let nameWidth: Int
    private struct Shown {
        var keys = Set<CheckBook.Key>()
        var group: CheckGroup?
        var repository: RepositoryName?
    }
    private let shown = Locked(Shown())

    /// `ids` and `repositories`: every check id and repository the report may show, which set the columns.
    public init(console: Console, ids: [String], repositories: [RepositoryName]) {
        self.console = console
        width = ids.map(\.count).max() ?? 0
        nameWidth = repositories.map(\.fullName.count).max() ?? 0
    }

    /// The lines of the checks of `batch` not shown before, group by group; with `--quiet`, passing checks are left out.
    public func lines(_ batch: [DoctorCheck]) -> [String] {
        shown.withLock { shown in
            let fresh = batch.filter { shown.keys.insert(CheckBook.key($0.id, $0.repository, $0.target)).inserted }
            let checks = console.quiet ? fresh.filter { $0.status != .pass } : fresh
            var lines: [String] = []
            for group in CheckGroup.allCases {
                let members = checks.filter { $0.group == group }
                guard !members.isEmpty else { continue }
                if shown.group != group {
                    lines.append(console.paint(group.rawValue, .bold))
                    shown.group = group
                    shown.repository = nil
                }
                // A group skipped wholesale for one reason (a 401, a damaged token) is one line, not forty.
                if members.count > 1, members.allSatisfy({ $0.status == .skip && $0.detail == members[0].detail }) {
                    lines.append("  \(mark(.skip)) \(members.count) checks \(members[0].detail)")
                    shown.repository = nil
                    continue
                }
                for check in members {
                    var indent = "  "
                    // A check of one of the repository's other targets names it: `[env:…/production] PAT_TOKEN is set`.
                    var detail = (group == .repositories ? check.target.map { "[\($0)] " } : nil).map { $0 + check.detail } ?? check.detail
                    if group == .repositories, let repository = check.repository {
                        if repository != shown.repository {
                            lines.append("  " + repository.fullName)
                            shown.repository = repository
                        }
                        indent = "    "
                    } else if let repository = check.repository {
                        detail = repository.fullName.padded(toWidth: nameWidth) + "  " + detail
                    }
                    let id = check.id.padded(toWidth: width)
                    lines.append("\(indent)\(mark(check.status)) \(id)  \(detail)")
                    // A skip's fix is "fix the other check first", which its detail already says.
                    if let fix = check.fix, check.status == .warn || check.status == .fail {
                        lines.append(indent + "  " + String(repeating: " ", count: width) + "  " + console.paint("fix: " + fix, .dim))
                    }
                }
            }
            return lines
        }
    }

    private func mark(_ status: CheckStatus) -> String {
        switch status {
        case .pass: console.paint("✓", .green)
        case .warn: console.paint("!", .yellow)
        case .fail: console.paint("✗", .red)
        case .skip: console.paint("·", .dim)
        }
    }
}
