import FoundationEssentials

/// The five kinds of place a secret lives, each served by the same handlers (`SecretRoutes`) under its own
/// path, key pair, permission and counter names.
enum SecretKind: CaseIterable, Sendable {
    case repository, environment, dependabot, codespaces, organization

    /// The path up to `/secrets`.
    var pathPrefix: String {
        switch self {
        case .repository: "/repos/{owner}/{repo}/actions/secrets"
        case .environment: "/repos/{owner}/{repo}/environments/{environment}/secrets"
        case .dependabot: "/repos/{owner}/{repo}/dependabot/secrets"
        case .codespaces: "/repos/{owner}/{repo}/codespaces/secrets"
        case .organization: "/orgs/{org}/actions/secrets"
        }
    }

    /// Put before `secret`/`public-key` in counter keys; empty for repository Actions secrets, whose
    /// counters (`PUT secret`, `GET public-key`) predate the other kinds.
    var counterPrefix: String {
        switch self {
        case .repository: ""
        case .environment: "environment "
        case .dependabot: "dependabot "
        case .codespaces: "codespaces "
        case .organization: "organization "
        }
    }

    /// The fine-grained repository permission the kind needs; nil for organization secrets.
    var area: FineGrainedArea? {
        switch self {
        case .repository: .secrets
        case .environment: .environments
        case .dependabot: .dependabotSecrets
        case .codespaces: .codespacesSecrets
        case .organization: nil
        }
    }

    /// What a classic token needs, sent back as `x-accepted-oauth-scopes`.
    var acceptedScopes: String { self == .organization ? "admin:org" : "repo" }

    /// GitHub's cap on secrets in one place.
    var maximumSecrets: Int { self == .organization ? 1000 : 100 }

    /// The place's name in GitHub's "maximum number of secrets" message.
    var placeName: String {
        switch self {
        case .repository, .dependabot, .codespaces: "repository"
        case .environment: "environment"
        case .organization: "organization"
        }
    }

    /// The routes of this kind: public key, list, get, put, delete.
    var routes: [Route] {
        let kind = self
        return [
            Route("GET", pathPrefix + "/public-key", counted: "GET \(counterPrefix)public-key", acceptedScopes: acceptedScopes) {
                SecretRoutes.publicKey(&$0, $1, kind)
            },
            Route("GET", pathPrefix, counted: "GET \(counterPrefix)secrets", acceptedScopes: acceptedScopes) {
                SecretRoutes.list(&$0, $1, kind)
            },
            Route("GET", pathPrefix + "/{name}", counted: "GET \(counterPrefix)secret", acceptedScopes: acceptedScopes) {
                SecretRoutes.get(&$0, $1, kind)
            },
            Route("PUT", pathPrefix + "/{name}", counted: "PUT \(counterPrefix)secret", acceptedScopes: acceptedScopes) {
                SecretRoutes.put(&$0, $1, kind)
            },
            Route("DELETE", pathPrefix + "/{name}", counted: "DELETE \(counterPrefix)secret", acceptedScopes: acceptedScopes) {
                SecretRoutes.delete(&$0, $1, kind)
            },
        ]
    }

    /// The store a request addresses, after GitHub's access rules for the kind; or the answer GitHub gives instead
    /// (an environment that does not exist is 404).
    func target(_ state: SimulatorState, _ context: RouteContext, need: RepositoryAccess.Need) -> Result<SimulatedTarget, GitHubError> {
        if self == .organization {
            return OrganizationAccess.check(state, context, need: need).map { SimulatedTarget.organization($0) }
        }
        let key: String
        switch RepositoryAccess.check(state, context, need: need, area: area ?? .secrets) {
        case .failure(let error): return .failure(error)
        case .success(let found): key = found
        }
        switch self {
        case .repository: return .success(.repository(key))
        case .dependabot: return .success(.dependabot(key))
        case .codespaces: return .success(.codespaces(key))
        case .environment:
            let environment = context.parameter("environment")
            guard state.repositories[key]?.environments[environment.lowercased()] != nil else {
                return .failure(GitHubError(.notFound))
            }
            return .success(.environment(repository: key, name: environment))
        case .organization: preconditionFailure("handled above")
        }
    }
}
