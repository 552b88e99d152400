import FoundationEssentials

/// The three places an Actions variable lives, each with its own paths and permission: a repository
/// (`/repos/{o}/{r}/actions/variables…`, fine-grained `actions_variables`), an environment
/// (`/repos/{o}/{r}/environments/{env}/variables…`, fine-grained `environments`; 404 when the environment does not exist)
/// and an organization (`/orgs/{org}/actions/variables…`, `organization_actions_variables`, classic `admin:org`, with a
/// visibility and a selection like an organization secret's). Dependabot and Codespaces have no variables.
enum VariableKind: CaseIterable, Sendable {
    case repository, environment, organization

    /// The path up to `/variables`.
    var pathPrefix: String {
        switch self {
        case .repository: "/repos/{owner}/{repo}/actions/variables"
        case .environment: "/repos/{owner}/{repo}/environments/{environment}/variables"
        case .organization: "/orgs/{org}/actions/variables"
        }
    }

    /// Put before `variable` in counter keys; empty for repository variables, whose counters predate the others.
    var counterPrefix: String {
        switch self {
        case .repository: ""
        case .environment: "environment "
        case .organization: "organization "
        }
    }

    /// The key of the place a request addresses in `AppsState.variables`, after GitHub's access rules.
    func place(_ state: SimulatorState, _ context: RouteContext, need: RepositoryAccess.Need) -> Result<String, GitHubError> {
        switch self {
        case .repository:
            return ContentAccess.check(state, context, area: .actionsVariables, need: need)
        case .environment:
            return ContentAccess.check(state, context, area: .environments, need: need).flatMap { key in
                let environment = context.parameter("environment").lowercased()
                guard state.repositories[key]?.environments[environment] != nil else { return .failure(GitHubError(.notFound)) }
                return .success(Self.environmentPlace(key, environment))
            }
        case .organization:
            return OrganizationAccess.check(state, context, need: need, variables: true).map(Self.organizationPlace)
        }
    }

    static func environmentPlace(_ repository: String, _ environment: String) -> String {
        "\(repository.lowercased())/environments/\(environment.lowercased())"
    }

    static func organizationPlace(_ login: String) -> String { "orgs/\(login.lowercased())" }

    /// The routes of this kind: create, get, update; for an organization also its selection (list, replace, add one,
    /// remove one).
    var routes: [Route] {
        let kind = self
        let scopes = kind == .organization ? "admin:org" : "repo"
        var routes = [
            Route("POST", pathPrefix, counted: "POST \(counterPrefix)variable", acceptedScopes: scopes) { VariableRoutes.create(&$0, $1, kind) },
            Route("GET", pathPrefix + "/{name}", counted: "GET \(counterPrefix)variable", acceptedScopes: scopes) { VariableRoutes.get(&$0, $1, kind) },
            Route("PATCH", pathPrefix + "/{name}", counted: "PATCH \(counterPrefix)variable", acceptedScopes: scopes) {
                VariableRoutes.update(&$0, $1, kind)
            },
        ]
        if kind == .organization {
            routes += [
                Route("GET", pathPrefix + "/{name}/repositories", counted: "GET organization variable repositories",
                      acceptedScopes: scopes, handle: VariableRoutes.repositories),
                Route("PUT", pathPrefix + "/{name}/repositories", counted: "PUT organization variable repositories",
                      acceptedScopes: scopes, handle: VariableRoutes.replaceRepositories),
                Route("PUT", pathPrefix + "/{name}/repositories/{repository_id}", counted: "PUT organization variable repository",
                      acceptedScopes: scopes) { VariableRoutes.changeOne(&$0, $1, add: true) },
                Route("DELETE", pathPrefix + "/{name}/repositories/{repository_id}", counted: "DELETE organization variable repository",
                      acceptedScopes: scopes) { VariableRoutes.changeOne(&$0, $1, add: false) },
            ]
        }
        return routes
    }
}

/// Actions variables: `POST …/variables` (201; an organization's with `visibility`, required, and for `selected`
/// `selected_repository_ids`), `PATCH …/variables/{name}` (204; every field optional: what is left out is kept),
/// `GET …/variables/{name}` (200 with the value: variables are not secret; an organization's with its visibility and
/// `selected_repositories_url`), and an organization variable's selection.
enum VariableRoutes {
    static func create(_ state: inout SimulatorState, _ context: RouteContext, _ kind: VariableKind) -> GitHubResponse {
        switch kind.place(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let place):
            guard let body = SimulatorJSON.object(context.request.body),
                  let name = body["name"] as? String, let value = body["value"] as? String
            else { return .error(422, "Invalid request.\n\n\"name\" and \"value\" are required.") }
            guard isValidName(name) else { return .error(422, "Variable name \(name) is invalid") }
            guard state.apps.variables[place]?[name.uppercased()] == nil else { return .error(409, "Already exists - Variable already exists") }
            var reach: OrganizationSecretReach?
            if kind == .organization {
                guard body["visibility"] != nil else { return .error(422, "Invalid request.\n\n\"visibility\" wasn't supplied.") }
                switch OrganizationSecretRoutes.access(in: body, state: state, organization: .organization(context.parameter("org").lowercased())) {
                case .failure(let error): return error.response
                case .success(let given): reach = given
                }
            }
            state.apps.variables[place, default: [:]][name.uppercased()] = VariableRecord(
                name: name.uppercased(), value: value, createdAt: context.now, updatedAt: context.now, reach: reach)
            return .json(201, [String: Any]())
        }
    }

    static func update(_ state: inout SimulatorState, _ context: RouteContext, _ kind: VariableKind) -> GitHubResponse {
        switch kind.place(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let place):
            let name = context.parameter("name").uppercased()
            guard var variable = state.apps.variables[place]?[name] else { return .notFound }
            guard let body = SimulatorJSON.object(context.request.body) else {
                return .error(400, "Problems parsing JSON")
            }
            if let value = body["value"] {
                guard let text = value as? String else { return .error(422, "Invalid request.\n\nFor 'properties/value', it is not a string.") }
                variable.value = text
            }
            if kind == .organization, body["visibility"] != nil || body["selected_repository_ids"] != nil {
                // What the PATCH leaves out is kept: the visibility, and a `selected` variable's selection.
                var fields = body
                if fields["visibility"] == nil { fields["visibility"] = (variable.reach?.visibility ?? .private).rawValue }
                if fields["selected_repository_ids"] == nil, fields["visibility"] as? String == SimulatedVisibility.selected.rawValue {
                    fields["selected_repository_ids"] = variable.reach?.selectedRepositoryIDs ?? []
                }
                switch OrganizationSecretRoutes.access(in: fields, state: state, organization: .organization(context.parameter("org").lowercased())) {
                case .failure(let error): return error.response
                case .success(let given): variable.reach = given
                }
            }
            variable.updatedAt = context.now
            state.apps.variables[place]?[name] = variable
            return .noContent()
        }
    }

    static func get(_ state: inout SimulatorState, _ context: RouteContext, _ kind: VariableKind) -> GitHubResponse {
        switch kind.place(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let place):
            guard let variable = state.apps.variables[place]?[context.parameter("name").uppercased()] else { return .notFound }
            var body: [String: Any] = [
                "name": variable.name, "value": variable.value,
                "created_at": SimulatorTime.iso8601(variable.createdAt), "updated_at": SimulatorTime.iso8601(variable.updatedAt),
            ]
            if let reach = variable.reach {
                body["visibility"] = reach.visibility.rawValue
                if reach.visibility == .selected {
                    body["selected_repositories_url"] = "\(context.baseURL)/orgs/\(context.parameter("org"))/actions/variables/\(variable.name)/repositories"
                }
            }
            return .json(200, body)
        }
    }

    /// `GET /orgs/{org}/actions/variables/{name}/repositories`: `{"total_count", "repositories"}`, paginated.
    static func repositories(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch organizationVariable(state, context, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let (login, _, reach)):
            return OrganizationSecretRoutes.selectionPage(reach.selectedRepositoryIDs, organization: login, state, context)
        }
    }

    /// `PUT /orgs/{org}/actions/variables/{name}/repositories` `{"selected_repository_ids": […]}`: replaces the selection.
    static func replaceRepositories(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch organizationVariable(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let (login, name, reach)):
            guard let fields = SimulatorJSON.object(context.request.body) else {
                return .error(400, "Problems parsing JSON")
            }
            guard fields["selected_repository_ids"] != nil else {
                return .error(422, "Invalid request.\n\n\"selected_repository_ids\" wasn't supplied.")
            }
            guard reach.visibility == .selected else { return .error(409, OrganizationSecretRoutes.notSelected) }
            var given = fields
            given["visibility"] = SimulatedVisibility.selected.rawValue
            switch OrganizationSecretRoutes.access(in: given, state: state, organization: .organization(login)) {
            case .failure(let error): return error.response
            case .success(let reach): state.apps.variables[VariableKind.organizationPlace(login)]?[name]?.reach = reach
            }
            return .noContent()
        }
    }

    /// `PUT` / `DELETE /orgs/{org}/actions/variables/{name}/repositories/{repository_id}`: adds or removes one (204;
    /// 409 unless the variable is `selected`).
    static func changeOne(_ state: inout SimulatorState, _ context: RouteContext, add: Bool) -> GitHubResponse {
        switch organizationVariable(state, context, need: .write) {
        case .failure(let error):
            return error.response
        case .success(let (login, name, reach)):
            guard reach.visibility == .selected else { return .error(409, OrganizationSecretRoutes.notSelected) }
            guard let id = Int(context.parameter("repository_id")) else { return .notFound }
            var ids = Set(reach.selectedRepositoryIDs)
            if add {
                let given = ["visibility": SimulatedVisibility.selected.rawValue, "selected_repository_ids": [id]] as [String: Any]
                if case .failure(let error) = OrganizationSecretRoutes.access(in: given, state: state, organization: .organization(login)) {
                    return error.response
                }
                ids.insert(id)
            } else {
                ids.remove(id)
            }
            state.apps.variables[VariableKind.organizationPlace(login)]?[name]?.reach = OrganizationSecretReach(
                visibility: .selected, selectedRepositoryIDs: ids.sorted())
            return .noContent()
        }
    }

    /// The caller may, and the organization variable exists: the organization's key, the upper-cased name, its reach.
    private static func organizationVariable(
        _ state: SimulatorState, _ context: RouteContext, need: RepositoryAccess.Need
    ) -> Result<(String, String, OrganizationSecretReach), GitHubError> {
        OrganizationAccess.check(state, context, need: need, variables: true).flatMap { login in
            let name = context.parameter("name").uppercased()
            guard let variable = state.apps.variables[VariableKind.organizationPlace(login)]?[name] else {
                return .failure(GitHubError(.notFound))
            }
            return .success((login, name, variable.reach ?? OrganizationSecretReach(visibility: .private)))
        }
    }

    /// GitHub's rule for variable names, the same as for secrets.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), !name.uppercased().hasPrefix("GITHUB_") else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
