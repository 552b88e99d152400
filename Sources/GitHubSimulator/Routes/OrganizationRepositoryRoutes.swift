import FoundationEssentials

/// `GET /orgs/{org}/repos`: the organization's repositories the caller can see, newest first (GitHub's default
/// `sort=created`, `direction=desc`), paginated with `per_page` (at most 100) and a `link` header naming the next
/// and the last page.
enum OrganizationRepositoryRoutes {
    static let routes: [Route] = [
        Route("GET", "/orgs/{org}/repos", counted: "GET organization repositories", handle: list),
    ]

    /// Every simulated repository is private, so a caller sees those it could read through `GET /repos/{o}/{r}`: a
    /// classic token with `repo` and a role, a fine-grained token that was given the repository. An account that is
    /// not an organization is 404, as on GitHub.
    static func list(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let login = context.parameter("org").lowercased()
        guard state.organizations[login] != nil, let token = context.token else { return .notFound }
        let visible = state.repositories.filter { key, record in
            guard record.owner.lowercased() == login else { return false }
            switch token.kind {
            case .classic: return token.hasScope("repo") && (token.permissions[key] ?? record.permission) >= .read
            case .fineGrained: return ContentAccess.isSelected(token, key: key, repository: record)
            }
        }.values.sorted { $0.id > $1.id }
        let pages = Pagination(context)
        let response = GitHubResponse.json(200, pages.slice(visible).map { RepositoryRoutes.summary($0, state: state) })
        return pages.linking(response, total: visible.count, context: context)
    }
}
