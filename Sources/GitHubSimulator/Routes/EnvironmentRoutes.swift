import FoundationEssentials
import PatrolSupport

/// Deployment environments: list, get (404 when missing) and create-or-update, which needs admin on the
/// repository (a collaborator with write may fill an environment's secrets but not create it).
enum EnvironmentRoutes {
    static let routes: [Route] = [
        Route("GET", "/repos/{owner}/{repo}/environments", counted: "GET environments", acceptedScopes: "repo", handle: list),
        Route("GET", "/repos/{owner}/{repo}/environments/{environment}", counted: "GET environment", acceptedScopes: "repo", handle: get),
        Route("PUT", "/repos/{owner}/{repo}/environments/{environment}", counted: "PUT environment", acceptedScopes: "repo", handle: put),
    ]

    /// GitHub's cap on an environment name's length.
    static let maximumNameLength = 255

    /// `GET /repos/{owner}/{repo}/environments`: `{"total_count", "environments"}`, paginated.
    static func list(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actions, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let record = state.repositories[key]!
            let all = record.environments.values.sorted { $0.name.lowercased() < $1.name.lowercased() }
            let pages = Pagination(context)
            let response = GitHubResponse.json(200, [
                "total_count": all.count,
                "environments": pages.slice(all).map { body($0, repository: record, context: context) },
            ])
            return pages.linking(response, total: all.count, context: context)
        }
    }

    /// `GET /repos/{owner}/{repo}/environments/{environment}` (fine-grained: Actions read).
    static func get(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .actions, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let record = state.repositories[key]!
            guard let environment = record.environments[context.parameter("environment").lowercased()] else { return .notFound }
            return .json(200, body(environment, repository: record, context: context))
        }
    }

    /// `PUT /repos/{owner}/{repo}/environments/{environment}`: creates the environment (or touches it) and answers
    /// 200 with it. Classic tokens need the admin role (write-only gets 403); fine-grained, Administration: write.
    static func put(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard let token = context.token, let repository = state.repositories[key] else { return .notFound }
        switch token.kind {
        case .classic:
            let role = token.permissions[key] ?? repository.permission
            guard token.hasScope("repo"), role >= .read else { return .notFound }
            guard role >= .admin else { return .error(403, "Must have admin rights to Repository.") }
        case .fineGrained:
            guard ContentAccess.isSelected(token, key: key, repository: repository) else { return .notFound }
            if ContentAccess.fineGrainedPermission(token, area: .administration, key: key, repository: repository) < .write {
                return GitHubResponse.error(403, token.notAccessibleMessage)
                    .adding("x-accepted-github-permissions", "administration=write")
            }
        }
        let name = context.parameter("environment")
        guard !name.isEmpty, name.count <= maximumNameLength else {
            return .error(422, "Name must be at most \(maximumNameLength) characters.")
        }
        let environment = state.addEnvironment(name, to: key, now: context.now)!
        return .json(200, body(environment, repository: state.repositories[key]!, context: context))
    }

    /// An environment as GitHub answers it.
    static func body(_ environment: EnvironmentRecord, repository: RepositoryRecord, context: RouteContext) -> [String: Any] {
        let escaped = PercentEncoding.encode(environment.name, keeping: "!$&'()*+,-.:=@_~")
        return [
            "id": environment.id,
            "name": environment.name,
            "url": "\(context.baseURL)/repos/\(repository.fullName)/environments/\(escaped)",
            "html_url": "https://github.com/\(repository.fullName)/deployments/activity_log?environments_filter=\(escaped)",
            "created_at": SimulatorTime.iso8601(environment.createdAt),
            "updated_at": SimulatorTime.iso8601(environment.updatedAt),
            "protection_rules": [Any](),
            "deployment_branch_policy": JSONNull(),
        ]
    }
}

extension SimulatorState {
    /// Creates the environment `name` in the repository `key` (lower-cased) with its own key pair, or moves an
    /// existing one's `updated_at`; nil when there is no such repository.
    mutating func addEnvironment(_ name: String, to key: String, now: Date) -> EnvironmentRecord? {
        guard repositories[key] != nil else { return nil }
        if repositories[key]!.environments[name.lowercased()] != nil {
            repositories[key]!.environments[name.lowercased()]!.updatedAt = now
        } else {
            repositories[key]!.environments[name.lowercased()] = EnvironmentRecord(
                name: name, id: makeEnvironmentID(), createdAt: now, updatedAt: now, secrets: makeStore())
        }
        return repositories[key]!.environments[name.lowercased()]
    }
}
