import FoundationEssentials

/// Every endpoint the simulator serves, first match wins, so literal paths come before parameters.
///
/// To add an endpoint, write its handler in a file of its concern and list it here.
enum RouteTable {
    static let routes: [Route] = [
        Route("GET", "/user", counted: "GET /user", handle: UserRoutes.authenticatedUser),
        Route("POST", "/credentials/revoke", counted: "POST revoke", requiresAuthentication: false, handle: CredentialRoutes.revoke),
        Route("GET", "/repos/{owner}/{repo}/issues", counted: "GET issues", acceptedScopes: "repo", handle: IssueRoutes.list),
        Route("POST", "/repos/{owner}/{repo}/issues", counted: "POST issue", acceptedScopes: "repo", handle: IssueRoutes.create),
        Route("PATCH", "/repos/{owner}/{repo}/issues/{number}", counted: "PATCH issue",
              acceptedScopes: "repo", handle: IssueRoutes.update),
        Route("GET", "/repos/{owner}/{repo}/issues/{number}/comments", counted: "GET issue comments",
              acceptedScopes: "repo", handle: IssueRoutes.comments),
        Route("POST", "/repos/{owner}/{repo}/issues/{number}/comments", counted: "POST issue comment",
              acceptedScopes: "repo", handle: IssueRoutes.comment),
        Route("POST", "/hooks/{id}", counted: "POST hook", requiresAuthentication: false, handle: WebhookRoutes.receive),
        Route("GET", "/rate_limit", counted: "GET rate_limit", handle: RateLimitRoutes.rateLimit),
        Route("GET", "/repos/{owner}/{repo}", counted: "GET repository", acceptedScopes: "repo", handle: RepositoryRoutes.repository),
        Route("GET", "/repos/{owner}/{repo}/contents/{path+}", counted: "GET contents",
              acceptedScopes: "repo", handle: ContentRoutes.contents),
        Route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow}", counted: "GET workflow",
              acceptedScopes: "repo", handle: WorkflowRoutes.workflow),
        Route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow}/runs", counted: "GET workflow runs",
              acceptedScopes: "repo", handle: WorkflowRoutes.runs),
        Route("POST", "/repos/{owner}/{repo}/dispatches", counted: "POST dispatches",
              acceptedScopes: "repo", handle: DispatchRoutes.dispatch),
    ] + SecretKind.allCases.flatMap(\.routes) + OrganizationSecretRoutes.routes + EnvironmentRoutes.routes
        + OrganizationRepositoryRoutes.routes + AccountRoutes.routes + AppRoutes.routes

    /// The route for a method and path, with its parameters. `HEAD` is served as `GET`.
    static func match(method: String, path: String) -> (route: Route, parameters: [String: String])? {
        let effective = method == "HEAD" ? "GET" : method
        for route in routes where route.method == effective {
            if let parameters = route.match(path: path) { return (route, parameters) }
        }
        return nil
    }
}
