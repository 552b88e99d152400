import FoundationEssentials
import PatrolSupport
import PatrolGitHub

extension SecretTarget {
    /// Where this target's Actions variables live (`…/actions/variables` of a repository or an organization,
    /// `/repos/{o}/{r}/environments/{env}/variables`); nil for Dependabot and Codespaces, which have no variables.
    package var variablesPath: String? {
        switch place {
        case .repository(let repository): "/repos/\(repository.fullName)/actions/variables"
        case .environment(let repository, let environment):
            "/repos/\(repository.fullName)/environments/\(Self.pathSegment(environment))/variables"
        case .organization(let name): "/orgs/\(name)/actions/variables"
        case .dependabot, .codespaces: nil
        }
    }

    /// True when the target's kind has Actions variables (repository, environment, organization).
    package var hasVariables: Bool { variablesPath != nil }
}

/// An Actions variable as GitHub returns it: variables are not secret, so the value comes back.
package struct VariableValue: Sendable, Equatable {
    package let value: String
    package let updatedAt: Date?
    /// An organization variable's visibility; nil for a repository's or an environment's.
    package let visibility: SecretVisibility?
}

/// Actions variables in a repository, an environment or an organization: not secret, GitHub returns their values.
extension GitHubClient {
    /// `GET /repos/{o}/{r}/actions/variables/{name}`: the value, or nil when the variable is not set.
    public func variable(_ name: String, in repository: RepositoryName) async throws -> String? {
        try await variable(name, in: .repository(repository))?.value
    }

    /// `GET …/variables/{name}` of `target` (200, or 404 when not set: nil). Dependabot and Codespaces have no variables.
    package func variable(_ name: String, in target: SecretTarget) async throws -> VariableValue? {
        guard let path = target.variablesPath else { return nil }
        let (response, request) = try await send(.get, "\(path)/\(name)", expecting: [200, 404])
        if response.status == 404 { return nil }
        struct Body: Decodable { let value: String; let updated_at: String?; let visibility: String? }
        let body: Body = try decode(response, request)
        return VariableValue(value: body.value, updatedAt: body.updated_at.flatMap { ISO8601.parse($0) },
                             visibility: body.visibility.flatMap(SecretVisibility.init(rawValue:)))
    }

    /// `POST /repos/{o}/{r}/actions/variables` (201) to create it, or `PATCH …/variables/{name}` (204) to change it.
    public func setVariable(_ name: String, to value: String, in repository: RepositoryName, exists: Bool) async throws {
        try await setVariable(name, to: value, in: .repository(repository), exists: exists, access: nil)
    }

    /// `POST …/variables` (201) to create the variable in `target`, or `PATCH …/variables/{name}` (204) to change it. An
    /// organization's carries `access` (its visibility, and a `selected` one's repository ids) both times, so a value
    /// update sends the visibility and selection it read back unchanged, as a secret's does.
    package func setVariable(_ name: String, to value: String, in target: SecretTarget, exists: Bool,
                             access: OrganizationSecretAccess?) async throws {
        guard let path = target.variablesPath else { return }
        struct Body: Encodable {
            let name: String
            let value: String
            let visibility: String?
            let selected_repository_ids: [Int]?
        }
        let selected = access?.visibility == .selected ? access?.selectedRepositoryIDs ?? [] : nil
        let body = Array(try JSONEncoder().encode(Body(name: name, value: value, visibility: access?.visibility.rawValue,
                                                       selected_repository_ids: selected)))
        if exists {
            _ = try await send(.patch, "\(path)/\(name)", body: body, expecting: [204])
        } else {
            _ = try await send(.post, path, body: body, expecting: [201])
        }
    }
}
