import FoundationEssentials

/// An organization secret's reach: `visibility` on every PUT, the selected repositories (list, replace, add one,
/// remove one), and the organization secrets a repository can see.
enum OrganizationSecretRoutes {
    static let notSelected = "Conflict when visibility type is not set to selected"

    static let routes: [Route] = [
        Route("GET", "/orgs/{org}/actions/secrets/{name}/repositories", counted: "GET organization secret repositories",
              acceptedScopes: "admin:org", handle: repositories),
        Route("PUT", "/orgs/{org}/actions/secrets/{name}/repositories", counted: "PUT organization secret repositories",
              acceptedScopes: "admin:org", handle: replaceRepositories),
        Route("PUT", "/orgs/{org}/actions/secrets/{name}/repositories/{repository_id}", counted: "PUT organization secret repository",
              acceptedScopes: "admin:org") { changeOne(&$0, $1, add: true) },
        Route("DELETE", "/orgs/{org}/actions/secrets/{name}/repositories/{repository_id}",
              counted: "DELETE organization secret repository", acceptedScopes: "admin:org") { changeOne(&$0, $1, add: false) },
        Route("GET", "/repos/{owner}/{repo}/actions/organization-secrets", counted: "GET repository organization-secrets",
              acceptedScopes: "repo", handle: visibleToRepository),
    ]

    /// The visibility and selection a PUT of an organization secret sets. `visibility` is required; a `selected`
    /// secret put without `selected_repository_ids` ends up selecting nothing — GitHub's behaviour that empties a
    /// selection on a value update (external-secrets#6514, terraform-provider-github#842).
    static func access(in fields: [String: Any], state: SimulatorState, organization: SimulatedTarget) -> Result<OrganizationSecretReach, GitHubError> {
        guard let text = fields["visibility"] as? String else {
            return .failure(GitHubError(.error(422, "Invalid request.\n\n\"visibility\" wasn't supplied.")))
        }
        guard let visibility = SimulatedVisibility(rawValue: text) else {
            return .failure(GitHubError(.error(422, "Invalid request.\n\n\(text) is not a member of [\"all\", \"private\", \"selected\"].")))
        }
        guard let given = fields["selected_repository_ids"] else { return .success(OrganizationSecretReach(visibility: visibility)) }
        guard visibility == .selected else {
            return .failure(GitHubError(.error(422, "You can only provide a list of repository ids when the visibility is set to selected.")))
        }
        guard case .organization(let login) = organization else { preconditionFailure("organization targets only") }
        return repositoryIDs(given, state: state, organization: login).map { OrganizationSecretReach(visibility: .selected, selectedRepositoryIDs: $0) }
    }

    /// `GET /orgs/{org}/actions/secrets/{name}/repositories`: `{"total_count", "repositories"}`, paginated.
    static func repositories(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch secretAccess(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let (login, _, access)):
            return selectionPage(access.selectedRepositoryIDs, organization: login, state, context)
        }
    }

    /// One page of an organization secret's or variable's selection: `{"total_count", "repositories"}`, with its links.
    static func selectionPage(_ ids: [Int], organization login: String, _ state: SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let selected = state.repositories.values.filter { ids.contains($0.id) && $0.owner.lowercased() == login }.sorted { $0.id < $1.id }
        let pages = Pagination(context)
        let response = GitHubResponse.json(200, [
            "total_count": selected.count,
            "repositories": pages.slice(selected).map { RepositoryRoutes.summary($0, state: state) },
        ])
        return pages.linking(response, total: selected.count, context: context)
    }

    /// `PUT /orgs/{org}/actions/secrets/{name}/repositories` `{"selected_repository_ids": […]}`: replaces the selection.
    static func replaceRepositories(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch secretAccess(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let (login, name, access)):
            guard let fields = SimulatorJSON.object(context.request.body) else {
                return .error(400, "Problems parsing JSON")
            }
            guard let given = fields["selected_repository_ids"] else {
                return .error(422, "Invalid request.\n\n\"selected_repository_ids\" wasn't supplied.")
            }
            guard access.visibility == .selected else { return .error(409, notSelected) }
            switch repositoryIDs(given, state: state, organization: login) {
            case .failure(let error): return error.response
            case .success(let ids): select(ids, secret: name, in: login, state: &state, now: context.now)
            }
            return .noContent()
        }
    }

    /// `PUT` / `DELETE /orgs/{org}/actions/secrets/{name}/repositories/{repository_id}`: adds or removes one.
    static func changeOne(_ state: inout SimulatorState, _ context: RouteContext, add: Bool) -> GitHubResponse {
        switch secretAccess(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let (login, name, access)):
            guard access.visibility == .selected else { return .error(409, notSelected) }
            guard let id = Int(context.parameter("repository_id")) else { return .notFound }
            var ids = Set(access.selectedRepositoryIDs)
            if add {
                if case .failure(let error) = repositoryIDs([id], state: state, organization: login) { return error.response }
                ids.insert(id)
            } else {
                ids.remove(id)
            }
            select(ids.sorted(), secret: name, in: login, state: &state, now: context.now)
            return .noContent()
        }
    }

    /// `GET /repos/{owner}/{repo}/actions/organization-secrets`: the organization secrets the repository can read.
    static func visibleToRepository(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch RepositoryAccess.check(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let repository = state.repositories[key]!
            let visible = (state.organization(owning: repository).map { Array($0.secrets.secrets.values) } ?? [])
                .filter { state.organizationSecret($0.name, reaches: repository) }
                .sorted { $0.name < $1.name }
            let pages = Pagination(context)
            let response = GitHubResponse.json(200, [
                "total_count": visible.count,
                "secrets": pages.slice(visible).map { SecretRoutes.summary($0, target: .repository(key), state: state, context: context) },
            ])
            return pages.linking(response, total: visible.count, context: context)
        }
    }

    /// The caller may (`OrganizationAccess`) and the secret exists: the organization key, upper-cased name and reach.
    private static func secretAccess(
        _ state: SimulatorState, _ context: RouteContext, need: RepositoryAccess.Need
    ) -> Result<(String, String, OrganizationSecretReach), GitHubError> {
        OrganizationAccess.check(state, context, need: need).flatMap { login in
            let name = context.parameter("name").uppercased()
            guard let organization = state.organizations[login], organization.secrets.secrets[name] != nil else {
                return .failure(GitHubError(.notFound))
            }
            return .success((login, name, organization.access[name] ?? OrganizationSecretReach(visibility: .private)))
        }
    }

    /// Sets the selection; a change moves the secret's `updated_at` (terraform-provider-github#1924).
    private static func select(_ ids: [Int], secret name: String, in login: String, state: inout SimulatorState, now: Date) {
        guard let before = state.organizations[login]?.access[name], before.selectedRepositoryIDs != ids else { return }
        state.organizations[login]!.access[name]!.selectedRepositoryIDs = ids
        state.organizations[login]!.secrets.secrets[name]?.updatedAt = now
    }

    /// `given` as a sorted list of ids of the organization's repositories; 422 for anything else.
    private static func repositoryIDs(_ given: Any, state: SimulatorState, organization login: String) -> Result<[Int], GitHubError> {
        guard let numbers = given as? [Int] else {
            return .failure(GitHubError(.error(422, "Invalid request.\n\nFor 'properties/selected_repository_ids', it is not an array of integers.")))
        }
        let ids = Set(numbers)
        let owned = Set(state.repositories.values.filter { $0.owner.lowercased() == login }.map(\.id))
        guard ids.isSubset(of: owned) else {
            let unknown = ids.subtracting(owned).sorted().map(String.init).joined(separator: ", ")
            return .failure(GitHubError(.error(422, "Repository ids \(unknown) are not repositories of the organization.")))
        }
        return .success(ids.sorted())
    }
}
