import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// Keeps exactly one open issue about the token's expiry in the platform repository (`--open-issue`).
///
/// patrol's issue carries the label ``label`` and, in its body, a marker naming the secret. Finding it
/// by both, patrol opens it at warning or worse, rewrites its title and body when they change (the days
/// left change daily), never opens a second one (a stray duplicate is closed), and closes it with a
/// comment once the status is `ok` again. An `unknown` status leaves it as it is.
public struct ExpiryIssue: Sendable {
    /// The label patrol's issue carries.
    public static let label = "patrol-token-expiry"

    /// What a run did to the issue.
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case opened(Int)
        case updated(Int)
        case unchanged(Int)
        /// Closed because the status is ok again.
        case closed(Int)
        /// Closed as a duplicate of the issue kept open.
        case closedDuplicate(Int, of: Int)
        /// Nothing to do: no issue and none needed, or the status is unknown.
        case nothing

        public var description: String {
            switch self {
            case .opened(let number): "opened issue #\(number)"
            case .updated(let number): "updated issue #\(number)"
            case .unchanged(let number): "issue #\(number) is up to date"
            case .closed(let number): "closed issue #\(number): the token is fine again"
            case .closedDuplicate(let number, let kept): "closed issue #\(number) as a duplicate of #\(kept)"
            case .nothing: "no expiry issue needed"
            }
        }
    }

    package let client: GitHubClient
    package let repository: RepositoryName
    package let config: FleetConfig

    /// `client` must be allowed to read and write issues in `config.platform.repository`.
    public init(client: GitHubClient, config: FleetConfig) {
        self.client = client
        self.config = config
        repository = config.platform.repository
    }

    /// The line in the body that identifies patrol's issue for this secret.
    public var marker: String { "<!-- patrol:token-expiry secret=\(config.secret) -->" }

    /// Brings the issue in line with `report`.
    public func sync(_ report: ExpiryReport) async throws -> [Action] {
        guard report.status != .unknown else { return [.nothing] }
        var found = try await client.openIssues(in: repository, label: Self.label).filter(isOurs)
        if report.status.needsAttention, found.isEmpty {
            // GitHub drops the labels of a caller who may not set them; look for the marker alone before opening one.
            found = try await client.openIssues(in: repository).filter(isOurs)
        }
        found.sort { $0.number < $1.number }
        guard report.status.needsAttention else {
            var actions: [Action] = []
            for issue in found {
                try await client.addComment(to: issue.number, in: repository, body: resolvedComment(report))
                try await client.updateIssue(issue.number, in: repository, close: true)
                actions.append(.closed(issue.number))
            }
            return actions.isEmpty ? [.nothing] : actions
        }

        let title = report.headline
        let body = body(for: report)
        guard let kept = found.first else {
            let created = try await client.createIssue(in: repository, title: title, body: body, labels: [Self.label])
            return [.opened(created.number)]
        }
        var actions: [Action] = []
        // An issue found by its marker alone gets the label back, so the next run finds it by label.
        let labels = kept.labels.contains(Self.label) ? nil : kept.labels + [Self.label]
        if kept.title != title || kept.body != body || labels != nil {
            try await client.updateIssue(kept.number, in: repository, title: title, body: body, labels: labels)
            actions.append(.updated(kept.number))
        } else {
            actions.append(.unchanged(kept.number))
        }
        for duplicate in found.dropFirst() {
            try await client.addComment(to: duplicate.number, in: repository,
                                        body: "Duplicate of #\(kept.number), which patrol keeps up to date.")
            try await client.updateIssue(duplicate.number, in: repository, close: true)
            actions.append(.closedDuplicate(duplicate.number, of: kept.number))
        }
        return actions
    }

    private func isOurs(_ issue: Issue) -> Bool {
        issue.body.contains(marker)
    }

    /// The issue's body: what, when, which repositories, and the runbook. Holds nothing that changes
    /// between two runs with the same days left, so an unchanged issue is not rewritten.
    package func body(for report: ExpiryReport) -> String {
        var lines = [marker, ""]
        lines.append("**\(report.headline)** — status `\(report.status.rawValue)`.")
        lines.append("")
        if let fingerprint = report.fingerprint {
            lines.append("- token: `\(fingerprint.value)`" + (report.login.map { " (account `\($0)`)" } ?? ""))
        }
        lines.append("- expires: " + (report.expiresAt.map { "**\(ISO8601.format($0))**" } ?? "no date known"))
        if let days = report.daysLeft { lines.append("- days left: **\(days)**") }
        lines += report.verdict.reasons.map { "- \($0)" }
        lines.append("")
        if report.holders.isEmpty {
            lines.append("patrol's ledger knows no repository that holds this token.")
        } else if !report.showsTargetIDs {
            lines.append("Every repository below holds this token in `\(config.secret)`, and all of them stop dispatching to "
                         + "`\(repository.fullName)` together when it expires:")
            lines.append("")
            lines += report.repositories.map { "- `\($0)`" }
        } else {
            // Other kinds than repository secrets: every place the token lives, then every repository whose runs read it.
            lines.append("Every place below holds this token as `\(config.secret)`, and all of them stop working together when it expires:")
            lines.append("")
            lines += report.holders.map { holder in
                let reach = holder.label(ids: true).dropFirst(holder.target.id.count)
                return "- `\(holder.target.id)`\(reach)"
            }
            if !report.repositories.isEmpty {
                lines.append("")
                lines.append("Runs in these \(ExpiryCheck.count(report.repositories.count, "repository", plural: "repositories")) read it "
                             + "(they stop dispatching to `\(repository.fullName)` together):")
                lines.append("")
                lines += report.repositories.map { "- `\($0)`" }
            }
        }
        lines.append("")
        lines.append("### Rotate it")
        lines.append("")
        lines.append("1. Make a new token with a \(config.policy.rotationDays)-day expiry: \(newTokenURL)")
        lines.append("2. `patrol rotate` — checks the new token, rolls it out to every repository, verifies each, and retires the old one.")
        lines.append("3. `patrol expiry --live` — confirms the new expiry. The next scheduled check closes this issue.")
        lines.append("")
        lines.append("The runbook, command by command: `docs/rotation.md` in patrol's repository.")
        lines.append("")
        lines.append("_Kept up to date by `patrol expiry --open-issue`._")
        return lines.joined(separator: "\n")
    }

    package func resolvedComment(_ report: ExpiryReport) -> String {
        "Resolved: \(report.subject) — status `\(report.status.rawValue)`"
            + (report.daysLeft.map { ", \(ExpiryCheck.count($0, "day")) left" } ?? "") + ". Closed by `patrol expiry --open-issue`."
    }

    /// GitHub's pre-filled new-token page for this fleet (host from the API URL, scopes and description from the config).
    package var newTokenURL: String {
        TokenPages.newToken(webRoot: client.base.webRoot, scopes: config.policy.requiredScopes, description: config.tokenDescription)
    }
}
