import FoundationEssentials

/// Whether a token may administer an organization's secrets, answered the way GitHub answers it.
enum OrganizationAccess {
    /// GitHub's answer to a member who is not an owner, or a classic token without `admin:org` (unconfirmed wording).
    static let notAdmin = "Must have admin rights to Organization."

    /// The organization's key in `state.organizations`, or the response GitHub gives instead.
    ///
    /// The account must be an organization owner (a member who is not gets 403; a non-member sees 404). Classic
    /// tokens need `admin:org`. Fine-grained tokens need the organization permission `organization_secrets`
    /// (403 with `x-accepted-github-permissions` otherwise); installation tokens need it from their installation.
    ///
    /// With `variables`, the same rules for the organization's Actions variables, whose permission is
    /// `organization_actions_variables`.
    static func check(_ state: SimulatorState, _ context: RouteContext, need: RepositoryAccess.Need,
                      variables: Bool = false) -> Result<String, GitHubError> {
        let key = context.parameter("org").lowercased()
        guard let token = context.token, let organization = state.organizations[key] else {
            return .failure(GitHubError(.notFound))
        }
        let name = variables ? "organization_actions_variables" : "organization_secrets"
        let given = variables ? token.organizationVariablesPermissions[key] : token.organizationSecretsPermissions[key]
        if token.installationID != nil {
            return permission(given ?? Permission.none, name: name, token: token, need: need).map { key }
        }
        guard let role = organization.roles[token.login.lowercased()] else { return .failure(GitHubError(.notFound)) }
        switch token.kind {
        case .classic:
            guard token.hasScope("admin:org") else { return .failure(GitHubError(.error(403, notAdmin))) }
        case .fineGrained:
            let granted = given ?? (role == .owner ? .write : .none)
            if case .failure(let error) = permission(granted, name: name, token: token, need: need) { return .failure(error) }
        }
        guard role == .owner else { return .failure(GitHubError(.error(403, notAdmin))) }
        return .success(key)
    }

    private static func permission(_ granted: Permission, name: String, token: TokenRecord,
                                   need: RepositoryAccess.Need) -> Result<Void, GitHubError> {
        guard granted < (need == .write ? .write : .read) else { return .success(()) }
        return .failure(GitHubError(GitHubResponse.error(403, token.notAccessibleMessage)
            .adding("x-accepted-github-permissions", "\(name)=\(need == .write ? "write" : "read")")))
    }
}
