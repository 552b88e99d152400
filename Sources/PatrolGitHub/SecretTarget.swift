import FoundationEssentials
import PatrolSupport

/// The five kinds of place a copy of the secret can live (spec §9), each with its own public key.
public enum SecretTargetKind: String, Sendable, CaseIterable, Comparable, Codable {
    /// A repository's Actions secret: `/repos/{o}/{r}/actions/secrets…`.
    case repository
    /// An environment's secret: `/repos/{o}/{r}/environments/{env}/secrets…`.
    case environment
    /// A repository's Dependabot secret: `/repos/{o}/{r}/dependabot/secrets…`.
    case dependabot
    /// A repository's Codespaces secret: `/repos/{o}/{r}/codespaces/secrets…`.
    case codespaces
    /// An organization's Actions secret: `/orgs/{org}/actions/secrets…`, with a visibility and a selection.
    case organization

    /// The prefix of a target's id: `repo`, `env`, `dependabot`, `codespaces`, `org`.
    public var idPrefix: String {
        switch self {
        case .repository: "repo"
        case .environment: "env"
        case .dependabot: "dependabot"
        case .codespaces: "codespaces"
        case .organization: "org"
        }
    }

    /// The fine-grained permission a write needs, as GitHub names it in `X-Accepted-GitHub-Permissions`.
    public var permission: String {
        switch self {
        case .repository: "secrets"
        case .environment: "environments"
        case .dependabot: "dependabot_secrets"
        case .codespaces: "codespaces_secrets"
        case .organization: "organization_secrets"
        }
    }

    /// The same permission as GitHub's token settings page shows it, with the access a write needs.
    public var permissionDisplay: String {
        switch self {
        case .repository: "repository permission \"Secrets\": Read and write"
        case .environment: "repository permission \"Environments\": Read and write"
        case .dependabot: "repository permission \"Dependabot secrets\": Read and write"
        case .codespaces: "repository permission \"Codespaces secrets\": Read and write"
        case .organization: "organization permission \"Secrets\": Read and write (classic tokens: admin:org)"
        }
    }

    /// True for the kinds that live in one repository (every kind but `organization`); `--repos` narrows them.
    public var isRepositoryBound: Bool { self != .organization }

    /// The kind `--targets` or a target id names: the kind's own name or its id prefix (`env`, `org`, `repo`).
    public init?(naming text: String) {
        let lowered = text.lowercased()
        guard let kind = Self.allCases.first(where: { $0.rawValue == lowered || $0.idPrefix == lowered }) else { return nil }
        self = kind
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One place a copy of the secret lives: a repository, one of its environments, its Dependabot or Codespaces
/// secrets, or an organization (spec §9). Knows its id (`repo:OWNER/NAME`, `env:OWNER/NAME/ENV`,
/// `dependabot:OWNER/NAME`, `codespaces:OWNER/NAME`, `org:ORG`) and its endpoints.
public struct SecretTarget: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Where the copy lives.
    public enum Place: Hashable, Sendable {
        case repository(RepositoryName)
        case environment(RepositoryName, String)
        case dependabot(RepositoryName)
        case codespaces(RepositoryName)
        case organization(String)
    }

    public let place: Place

    public init(_ place: Place) { self.place = place }

    /// A repository's Actions secret: what patrol managed before targets existed.
    public static func repository(_ repository: RepositoryName) -> SecretTarget { SecretTarget(.repository(repository)) }

    public var kind: SecretTargetKind {
        switch place {
        case .repository: .repository
        case .environment: .environment
        case .dependabot: .dependabot
        case .codespaces: .codespaces
        case .organization: .organization
        }
    }

    /// The repository the copy lives in; nil for an organization secret.
    public var repository: RepositoryName? {
        switch place {
        case .repository(let repository), .environment(let repository, _), .dependabot(let repository), .codespaces(let repository):
            repository
        case .organization: nil
        }
    }

    /// The environment's name, for an environment secret.
    public var environment: String? {
        if case .environment(_, let name) = place { return name }
        return nil
    }

    /// The organization's login, for an organization secret.
    public var organization: String? {
        if case .organization(let name) = place { return name }
        return nil
    }

    /// `repo:OWNER/NAME`, `env:OWNER/NAME/ENV`, `dependabot:OWNER/NAME`, `codespaces:OWNER/NAME` or `org:ORG`: the
    /// target's name in reports, in `--json` and in the ledger.
    public var id: String {
        switch place {
        case .repository(let repository), .dependabot(let repository), .codespaces(let repository):
            "\(kind.idPrefix):\(repository.fullName)"
        case .environment(let repository, let environment): "env:\(repository.fullName)/\(environment)"
        case .organization(let name): "org:\(name)"
        }
    }

    public var description: String { id }

    /// The id in lower case but for an environment's name: the identity GitHub uses (account and repository
    /// names ignore case).
    public var key: String {
        switch place {
        case .environment(let repository, let environment): "env:\(repository.key)/\(environment)"
        default: id.lowercased()
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.key < rhs.key }

    /// Reads a target id (`repo:garrick0/c3-web`, `env:garrick0/c3-web/production`, `org:c3-org`, …).
    public init(id text: String) throws(SecretTargetError) {
        guard let colon = text.firstIndex(of: ":"), let kind = SecretTargetKind(naming: String(text[..<colon])) else {
            throw .malformed(text)
        }
        let rest = String(text[text.index(after: colon)...])
        func repository(_ part: String) throws(SecretTargetError) -> RepositoryName {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw .malformed(text) }
            do { return try RepositoryName(owner: String(pieces[0]), name: String(pieces[1])) } catch { throw .malformed(text) }
        }
        switch kind {
        case .repository: place = .repository(try repository(rest))
        case .dependabot: place = .dependabot(try repository(rest))
        case .codespaces: place = .codespaces(try repository(rest))
        case .environment:
            let pieces = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard pieces.count == 3, Self.environmentProblem(String(pieces[2])) == nil else { throw .malformed(text) }
            place = .environment(try repository("\(pieces[0])/\(pieces[1])"), String(pieces[2]))
        case .organization:
            guard RepositoryName.ownerProblem(rest) == nil else { throw .malformed(text) }
            place = .organization(rest)
        }
    }

    // MARK: - Endpoints

    /// The collection of this kind's secrets: `/repos/{o}/{r}/actions/secrets`, `/orgs/{org}/actions/secrets`, …
    public var secretsPath: String {
        switch place {
        case .repository(let repository): "/repos/\(repository.fullName)/actions/secrets"
        case .environment(let repository, let environment):
            "/repos/\(repository.fullName)/environments/\(Self.pathSegment(environment))/secrets"
        case .dependabot(let repository): "/repos/\(repository.fullName)/dependabot/secrets"
        case .codespaces(let repository): "/repos/\(repository.fullName)/codespaces/secrets"
        case .organization(let name): "/orgs/\(name)/actions/secrets"
        }
    }

    /// `GET …/public-key`: the key this kind's values are sealed with (each kind has its own).
    public var publicKeyPath: String { secretsPath + "/public-key" }

    /// `GET`/`PUT`/`DELETE …/{name}`.
    public func secretPath(_ name: String) -> String { secretsPath + "/" + name }

    /// `GET …?per_page=100`: the list, first page.
    public var listPath: String { secretsPath + "?per_page=100" }

    /// `GET`/`PUT /repos/{o}/{r}/environments/{env}`, for an environment secret.
    public var environmentPath: String? {
        guard case .environment(let repository, let environment) = place else { return nil }
        return "/repos/\(repository.fullName)/environments/\(Self.pathSegment(environment))"
    }

    /// `text` percent-encoded as one path segment (an environment's name may hold spaces and slashes).
    package static func pathSegment(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: "-._~")
    }

    /// Why `name` cannot be an environment's name, or nil. GitHub allows up to 255 characters; patrol refuses
    /// control characters and an empty name.
    public static func environmentProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.count > 255 { return "it is longer than 255 characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "it holds a control character" }
        return nil
    }
}

/// Why a text is not a target id.
public enum SecretTargetError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            "\"\(text)\" is not a secret target; write repo:OWNER/NAME, env:OWNER/NAME/ENVIRONMENT, dependabot:OWNER/NAME, "
                + "codespaces:OWNER/NAME or org:ORG"
        }
    }
}
