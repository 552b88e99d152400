import FoundationEssentials
import PatrolSupport
import PatrolGitHub

/// The config's `targets` section (spec §9): which places beside (or instead of) each repository's Actions secret
/// hold a copy of the secret. A config without the section has ``TargetsConfig/repositoryOnly``: a repository
/// Actions secret in every repository, as before targets existed.
public struct TargetsConfig: Sendable, Equatable {
    /// A repository Actions secret in every repository of the fleet (default true, false once `organization` is set).
    public var repository: Bool
    /// Environment secrets: per repository of the fleet, its environments' names, in config order.
    public var environments: [EnvironmentList]
    /// Repositories that hold a Dependabot copy, in fleet order.
    public var dependabot: [RepositoryName]
    /// Repositories that hold a Codespaces copy, in fleet order.
    public var codespaces: [RepositoryName]
    /// One organization secret shared with the fleet, when set.
    public var organization: OrganizationTarget?

    public init(repository: Bool = true, environments: [EnvironmentList] = [], dependabot: [RepositoryName] = [],
                codespaces: [RepositoryName] = [], organization: OrganizationTarget? = nil) {
        self.repository = repository
        self.environments = environments
        self.dependabot = dependabot
        self.codespaces = codespaces
        self.organization = organization
    }

    /// No `targets` section: a repository Actions secret in every repository.
    public static let repositoryOnly = TargetsConfig()

    /// A repository's environments that hold a copy.
    public struct EnvironmentList: Sendable, Equatable {
        public let repository: RepositoryName
        public let names: [String]

        public init(repository: RepositoryName, names: [String]) {
            self.repository = repository
            self.names = names
        }
    }

    /// The targets of the fleet's `repositories` (in fleet order), kind by kind, narrowed to `kinds` (nil: every
    /// kind). `--repos` narrows the repository-bound kinds only: the organization's secret is one target whatever
    /// the selection.
    public func targets(of repositories: [RepositoryName], kinds: Set<SecretTargetKind>? = nil) -> [SecretTarget] {
        var targets: [SecretTarget] = []
        func wanted(_ kind: SecretTargetKind) -> Bool { kinds?.contains(kind) ?? true }
        if repository, wanted(.repository) { targets += repositories.map { .repository($0) } }
        if wanted(.environment) {
            for repository in repositories {
                for list in environments where list.repository == repository {
                    targets += list.names.map { SecretTarget(.environment(repository, $0)) }
                }
            }
        }
        if wanted(.dependabot) { targets += repositories.filter(dependabot.contains).map { SecretTarget(.dependabot($0)) } }
        if wanted(.codespaces) { targets += repositories.filter(codespaces.contains).map { SecretTarget(.codespaces($0)) } }
        if let organization, wanted(.organization) { targets.append(SecretTarget(.organization(organization.name))) }
        return targets
    }

    /// The kinds this config uses, in their order.
    public var kinds: [SecretTargetKind] {
        SecretTargetKind.allCases.filter { kind in
            switch kind {
            case .repository: repository
            case .environment: !environments.isEmpty
            case .dependabot: !dependabot.isEmpty
            case .codespaces: !codespaces.isEmpty
            case .organization: organization != nil
            }
        }
    }
}

/// The organization secret of the `targets` section.
public struct OrganizationTarget: Sendable, Equatable {
    /// The organization's login; every repository of the fleet belongs to it.
    public let name: String
    /// `selected` (the default: exactly the fleet's repositories, by id), `private` or `all`.
    public let visibility: SecretVisibility

    public init(name: String, visibility: SecretVisibility = .selected) {
        self.name = name
        self.visibility = visibility
    }
}

extension FleetConfig {
    /// The kinds `--targets` names (nil: every kind), each one the config's targets have; one that it does not have
    /// is an error naming the kinds it has.
    public func selectingKinds(_ kinds: Set<SecretTargetKind>?) throws(ConfigError) -> Set<SecretTargetKind>? {
        guard let kinds else { return nil }
        let missing = SecretTargetKind.allCases.filter { kinds.contains($0) && !targets.kinds.contains($0) }
        guard missing.isEmpty else {
            throw ConfigError(file: path, field: "--targets", problem: missing.map(\.rawValue).joined(separator: ", ")
                + " \(missing.count == 1 ? "is not a kind" : "are not kinds") of target this config has; it has: "
                + targets.kinds.map(\.rawValue).joined(separator: ", ") + " (the config's \"targets\" section sets them)")
        }
        return kinds
    }

    /// The secret targets of `repositories` (default: the whole fleet), narrowed to `kinds`.
    public func secretTargets(of repositories: [RepositoryName]? = nil, kinds: Set<SecretTargetKind>? = nil) -> [SecretTarget] {
        targets.targets(of: repositories ?? self.repositories, kinds: kinds)
    }
}
