import PatrolGitHub
/// What one command needs of an installation token: the repositories it is narrowed to (names under the
/// installation's account) and the permissions, in GitHub's names (`secrets`, `contents`, `actions_variables`…).
public struct AppScope: Sendable, Equatable {
    /// Full names (`owner/name`); only those under the installation's account can be in its token.
    public var repositories: [RepositoryName]
    /// Permission name → `read` or `write`. `metadata: read` is always granted and need not be listed.
    public var permissions: [String: String]

    public init(repositories: [RepositoryName], permissions: [String: String]) {
        self.repositories = repositories
        self.permissions = permissions
    }

    /// `rollout` and `rotate`: write the fleet's secrets in every kind of place `targets` has (spec §9: a repository's
    /// Actions secrets need `secrets`, an environment's `environments`, Dependabot's `dependabot_secrets`, …).
    package static func secretsWrite(_ repositories: [RepositoryName], targets: [SecretTarget]? = nil) -> AppScope {
        AppScope(repositories: repositories, permissions: secretPermissions("write", targets))
    }

    /// The permission of each kind in `targets` (nil: a repository's Actions secrets only) at `level`.
    private static func secretPermissions(_ level: String, _ targets: [SecretTarget]?) -> [String: String] {
        Dictionary(Set(targets?.map(\.kind) ?? [.repository]).map { ($0.permission, level) }, uniquingKeysWith: { first, _ in first })
    }

    /// `app rollout` and `rotate --app-key-file`: write the App's key as a secret and its id as a variable in every kind
    /// of target `kinds` names (spec §9): Dependabot and Codespaces hold the secret only; an organization its secret and
    /// variable.
    package static func appCredentialsWrite(_ repositories: [RepositoryName], kinds: Set<SecretTargetKind>) -> AppScope {
        var permissions: [String: String] = [:]
        for kind in kinds {
            permissions[kind.permission] = "write"
            switch kind {
            case .repository: permissions["actions_variables"] = "write"
            case .organization: permissions["organization_actions_variables"] = "write"
            // An environment's variables need the same Environments permission as its secrets.
            case .environment, .dependabot, .codespaces: break
            }
        }
        return AppScope(repositories: repositories, permissions: permissions)
    }

    /// `status`: read the fleet's secrets in every kind of place `targets` has.
    package static func secretsRead(_ repositories: [RepositoryName], targets: [SecretTarget]? = nil) -> AppScope {
        AppScope(repositories: repositories, permissions: secretPermissions("read", targets))
    }

    /// `doctor`: secrets (the write probe included), workflow files, workflow state and runs, and with
    /// `--send-test-event` a dispatch (Contents: write) to the platform repository.
    package static func doctor(_ repositories: [RepositoryName], platform: RepositoryName, dispatch: Bool) -> AppScope {
        AppScope(repositories: repositories + [platform],
                 permissions: ["secrets": "write", "contents": dispatch ? "write" : "read", "actions": "read"])
    }

    /// `expiry --open-issue`: the issue in the platform repository.
    package static func issues(_ platform: RepositoryName) -> AppScope {
        AppScope(repositories: [platform], permissions: ["issues": "write"])
    }

    /// GitHub's order of levels.
    package static func rank(_ level: String?) -> Int {
        switch level {
        case "admin": 3
        case "write": 2
        case "read": 1
        default: 0
        }
    }

    /// The permissions this scope needs that `granted` lacks, as `name: level` (sorted).
    package func missing(from granted: [String: String]) -> [String] {
        permissions.filter { Self.rank(granted[$0.key]) < Self.rank($0.value) }
            .map { "\($0.key): \($0.value)" }.sorted()
    }
}
