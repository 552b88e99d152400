import FoundationEssentials

/// `GET /repos/{owner}/{repo}`.
enum RepositoryRoutes {
    static func repository(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .metadata, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let record = state.repositories[key]!
            let token = context.token!
            // `permissions` is the account's role, whatever kind of token asks.
            let role = token.kind == .classic ? (token.permissions[key] ?? record.permission) : record.permission
            var fields = summary(record, state: state)
            fields["owner"] = AccountRoutes.account(record.owner, state: &state)
            fields["visibility"] = "private"
            fields["archived"] = false
            fields["default_branch"] = state.actions[key]?.defaultBranch ?? ActionsRecord().defaultBranch
            fields["permissions"] = [
                "admin": role >= .admin, "maintain": role >= .admin, "push": role >= .write,
                "triage": role >= .write, "pull": role >= .read,
            ]
            return .json(200, fields)
        }
    }

    /// A repository as GitHub lists it inside other answers: `id`, `name`, `full_name`, `owner.login`, `private`.
    static func summary(_ record: RepositoryRecord, state: SimulatorState) -> [String: Any] {
        [
            "id": record.id,
            "name": record.name,
            "full_name": record.fullName,
            "owner": ["login": record.owner],
            "private": true,
            "html_url": "https://github.com/\(record.fullName)",
        ]
    }
}

/// `GET /rate_limit`: the caller's primary quota; free of charge, as on GitHub.
enum RateLimitRoutes {
    static func rateLimit(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let key = state.bucketKey(context.token?.login)
        let window = state.rateLimits[key] ?? RateLimitWindow(used: 0, resetAt: context.now.addingTimeInterval(3600))
        let limit = state.limit(for: context.token?.login)
        let core: [String: Any] = [
            "limit": limit, "used": window.used, "remaining": max(0, limit - window.used),
            "reset": Int(window.resetAt.timeIntervalSince1970), "resource": "core",
        ]
        return .json(200, ["resources": ["core": core], "rate": core])
    }
}
