import FoundationEssentials

/// One simulated repository: its secret stores (Actions, Dependabot, Codespaces, one per environment), each
/// with its own key pair, and who may touch them.
struct RepositoryRecord: Sendable {
    /// `owner/name` as added, or as last renamed.
    var fullName: String
    let id: Int
    /// Repository Actions secrets (`/actions/secrets…`).
    var actionsSecrets: SecretStore
    /// Dependabot secrets (`/dependabot/secrets…`), the only ones a Dependabot-triggered run sees.
    var dependabotSecrets: SecretStore
    /// Codespaces secrets (`/codespaces/secrets…`).
    var codespacesSecrets: SecretStore
    /// Environments keyed by lower-cased name (GitHub's environment names are case-insensitive).
    var environments: [String: EnvironmentRecord] = [:]
    /// The permission every token has here unless the token overrides it.
    var permission: Permission

    /// The owner's login: the part before the slash.
    var owner: String { String(fullName.split(separator: "/").first ?? "") }
    /// The name without the owner.
    var name: String { String(fullName.split(separator: "/").last ?? "") }
}

/// One deployment environment of a repository and its secrets.
struct EnvironmentRecord: Sendable {
    /// The name as created (case kept).
    let name: String
    let id: Int
    let createdAt: Date
    var updatedAt: Date
    var secrets: SecretStore
}
