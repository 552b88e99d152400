import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// One result of `patrol doctor`: a stable id, a status, the repository it concerns (if any), the secret target
/// it concerns (if any, spec §9), a one-line detail, and a fix whenever it did not pass.
public struct DoctorCheck: Sendable, Equatable {
    public let id: String
    public let status: CheckStatus
    public let repository: RepositoryName?
    /// The target id (`env:OWNER/NAME/ENV`, `dependabot:OWNER/NAME`, `org:ORG`, …) of a per-target check; nil for
    /// the checks of a repository's Actions secret and for fleet-wide checks.
    public let target: String?
    public let detail: String
    /// The command to run, the setting to change or the page to open; nil when the check passed.
    public let fix: String?

    public init(id: String, status: CheckStatus, repository: RepositoryName? = nil, target: String? = nil, detail: String, fix: String? = nil) {
        self.id = id
        self.status = status
        self.repository = repository
        self.target = target
        self.detail = detail
        self.fix = fix
    }

    /// The group the check is printed under.
    public var group: CheckGroup { CheckGroup.of(id, target: target) }
}

/// `pass`, `warn`, `fail` or `skip` — the words of the `--json` document.
public enum CheckStatus: String, Sendable, Equatable, CaseIterable {
    case pass, warn, fail, skip
}

/// How the text report groups checks.
public enum CheckGroup: String, Sendable, CaseIterable {
    case app, token, repositories, organization, platform, dispatch

    package static func of(_ id: String, target: String? = nil) -> CheckGroup {
        if id.hasPrefix("app.") { return .app }
        if id.hasPrefix("token.") || id == "ratelimit" { return .token }
        if id.hasPrefix("org.") || target?.hasPrefix("org:") == true { return .organization }
        if id.hasPrefix("repo.") || id.hasPrefix("secret.") || id.hasPrefix("environment.") || id.hasPrefix("dependabot.") {
            return .repositories
        }
        if id.hasPrefix("platform.") { return .platform }
        return .dispatch
    }
}

/// The ids of every check, in report order (spec §3.6); scripts key on them.
public enum CheckID {
    public static let tokenFormat = "token.format", tokenValid = "token.valid", tokenScopes = "token.scopes"
    public static let tokenExpiry = "token.expiry", tokenOwner = "token.owner", tokenSSO = "token.sso", rateLimit = "ratelimit"
    public static let repoAccess = "repo.access", secretPresent = "secret.present", secretCurrent = "secret.current"
    public static let platformAccess = "platform.access", platformHandler = "platform.handler"
    public static let environmentExists = "environment.exists", secretShadowed = "secret.shadowed", dependabotNeeded = "dependabot.needed"
    public static let orgOwner = "org.owner", orgVisibility = "org.visibility", orgSelection = "org.selection"
    public static let platformHandlerState = "platform.handler.state", platformHandlerTypes = "platform.handler.types"
    public static let platformEvents = "platform.events", dispatchTarget = "dispatch.target", dispatchLive = "dispatch.live"

    /// Checks about the token as a whole.
    package static let token = [tokenFormat, tokenValid, tokenScopes, tokenExpiry, tokenOwner, tokenSSO, rateLimit]
    /// Checks run once per fleet repository.
    package static let perRepository = [repoAccess, secretPresent, secretCurrent]
    /// Checks of the platform repository.
    package static let platform = [platformAccess, platformHandler, platformHandlerState, platformHandlerTypes, platformEvents]
}

/// One check a run plans: its id, the repository and the target id it concerns.
package typealias PlannedCheck = (id: String, repository: RepositoryName?, target: String?)

/// The results as they come in, from concurrent tasks, keyed by check, repository and target. A check that never
/// recorded a result is reported as skipped with the reason the run stopped (see ``Doctor``).
package final class CheckBook: Sendable {
    private struct State {
        var results: [Key: DoctorCheck] = [:]
        var streamed = StreamedChecks()
        /// Repositories whose checks were let go (``letGo(_:of:)``), by ``RepositoryName/key``.
        var streamedRepositories = Set<String>()
    }
    private let state = Locked(State())

    /// A check's place in the book: its id, repository and target. It holds the check's own strings (the id a literal,
    /// the repository the config's), so remembering a key allocates nothing per check.
    package struct Key: Hashable, Sendable {
        let id: String
        let repository: RepositoryName?
        let target: String?
    }

    package static func key(_ id: String, _ repository: RepositoryName?, _ target: String? = nil) -> Key {
        Key(id: id, repository: repository, target: target)
    }

    package func record(_ check: DoctorCheck) {
        state.withLock { $0.results[Self.key(check.id, check.repository, check.target)] = check }
    }

    /// Lets go of `repository`'s checks of `planned` once a streamed report printed them: only their tally stays
    /// (``StreamedChecks``), so a run over a large fleet does not hold every detail to the end.
    package func letGo(_ planned: [PlannedCheck], of repository: RepositoryName) {
        state.withLock { state in
            // A check without a result is reported at the end (skipped, with the reason the run stopped): keep them all.
            guard planned.allSatisfy({ state.results[Self.key($0.id, $0.repository, $0.target)] != nil }) else { return }
            for (id, repository, target) in planned {
                if let check = state.results.removeValue(forKey: Self.key(id, repository, target)) { state.streamed.add(check) }
            }
            state.streamedRepositories.insert(repository.key)
        }
    }

    /// What is left of the checks let go.
    package var streamed: StreamedChecks { state.withLock { $0.streamed } }

    /// Whether `repository`'s checks were let go.
    package func wasLetGo(_ repository: RepositoryName) -> Bool { state.withLock { $0.streamedRepositories.contains(repository.key) } }

    package func pass(_ id: String, _ repository: RepositoryName?, _ detail: String, target: String? = nil) {
        record(DoctorCheck(id: id, status: .pass, repository: repository, target: target, detail: detail))
    }

    package func warn(_ id: String, _ repository: RepositoryName?, _ detail: String, fix: String, target: String? = nil) {
        record(DoctorCheck(id: id, status: .warn, repository: repository, target: target, detail: detail, fix: fix))
    }

    package func fail(_ id: String, _ repository: RepositoryName?, _ detail: String, fix: String, target: String? = nil) {
        record(DoctorCheck(id: id, status: .fail, repository: repository, target: target, detail: detail, fix: fix))
    }

    /// A fleet-wide check (no repository) passed.
    package func pass(_ id: String, _ detail: String) { pass(id, nil, detail) }
    package func warn(_ id: String, _ detail: String, fix: String) { warn(id, nil, detail, fix: fix) }
    package func fail(_ id: String, _ detail: String, fix: String) { fail(id, nil, detail, fix: fix) }

    /// Skips `ids` (for `repository`) because another check did not pass; `fix` says what to do first.
    package func skip(_ ids: [String], _ repository: RepositoryName? = nil, target: String? = nil, because reason: String, fix: String) {
        for id in ids where result(id, repository, target: target) == nil {
            record(DoctorCheck(id: id, status: .skip, repository: repository, target: target, detail: "skipped: \(reason)", fix: fix))
        }
    }

    package func result(_ id: String, _ repository: RepositoryName?, target: String? = nil) -> DoctorCheck? {
        state.withLock { $0.results[Self.key(id, repository, target)] }
    }

    /// Every planned check in order; those without a result are skipped for `reason`.
    package func ordered(_ planned: [PlannedCheck], unrecorded reason: String, fix: String) -> [DoctorCheck] {
        planned.map { id, repository, target in
            result(id, repository, target: target)
                ?? DoctorCheck(id: id, status: .skip, repository: repository, target: target, detail: "skipped: \(reason)", fix: fix)
        }
    }
}
