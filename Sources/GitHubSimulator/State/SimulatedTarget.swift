import FoundationEssentials

/// A place a secret lives, as tests and the demo name it: each has its own key pair and its own endpoints.
public enum SimulatedTarget: Sendable, Hashable {
    /// A repository Actions secret, `/repos/{owner}/{repo}/actions/secrets…`; the full name `owner/repo`.
    case repository(String)
    /// An environment secret, `/repos/{owner}/{repo}/environments/{environment}/secrets…`.
    case environment(repository: String, name: String)
    /// A Dependabot secret, `/repos/{owner}/{repo}/dependabot/secrets…`.
    case dependabot(String)
    /// A Codespaces secret, `/repos/{owner}/{repo}/codespaces/secrets…`.
    case codespaces(String)
    /// An organization Actions secret, `/orgs/{org}/actions/secrets…`.
    case organization(String)
}

extension SimulatorState {
    /// The store behind `target`, or nil when its repository, environment or organization does not exist.
    func store(_ target: SimulatedTarget) -> SecretStore? {
        switch target {
        case .repository(let name): repositories[name.lowercased()]?.actionsSecrets
        case .environment(let name, let environment): repositories[name.lowercased()]?.environments[environment.lowercased()]?.secrets
        case .dependabot(let name): repositories[name.lowercased()]?.dependabotSecrets
        case .codespaces(let name): repositories[name.lowercased()]?.codespacesSecrets
        case .organization(let login): organizations[login.lowercased()]?.secrets
        }
    }

    /// Runs `body` on the store behind `target`; nil (and `body` not run) when there is none.
    mutating func withStore<R>(_ target: SimulatedTarget, _ body: (inout SecretStore) -> R) -> R? {
        switch target {
        case .repository(let name):
            guard repositories[name.lowercased()] != nil else { return nil }
            return body(&repositories[name.lowercased()]!.actionsSecrets)
        case .environment(let name, let environment):
            guard repositories[name.lowercased()]?.environments[environment.lowercased()] != nil else { return nil }
            return body(&repositories[name.lowercased()]!.environments[environment.lowercased()]!.secrets)
        case .dependabot(let name):
            guard repositories[name.lowercased()] != nil else { return nil }
            return body(&repositories[name.lowercased()]!.dependabotSecrets)
        case .codespaces(let name):
            guard repositories[name.lowercased()] != nil else { return nil }
            return body(&repositories[name.lowercased()]!.codespacesSecrets)
        case .organization(let login):
            guard organizations[login.lowercased()] != nil else { return nil }
            return body(&organizations[login.lowercased()]!.secrets)
        }
    }

    /// A fresh, empty store with its own key pair.
    mutating func makeStore() -> SecretStore {
        SecretStore(keyID: makeKeyID())
    }

    /// The organization `owner` when the repository's owner is one.
    func organization(owning repository: RepositoryRecord) -> OrganizationRecord? {
        organizations[repository.owner.lowercased()]
    }

    /// Whether the organization secret `name` (upper-cased) reaches `repository` by its visibility and selection.
    func organizationSecret(_ name: String, reaches repository: RepositoryRecord) -> Bool {
        guard let organization = organization(owning: repository), organization.secrets.secrets[name] != nil,
              let access = organization.access[name] else { return false }
        switch access.visibility {
        case .all, .private: return true
        case .selected: return access.selectedRepositoryIDs.contains(repository.id)
        }
    }
}
