import FoundationEssentials

/// The endpoints an App calls with its JWT (`GET /app`, the installation lookups, `POST …/access_tokens`)
/// and the one an installation token lists its repositories with.
enum AppRoutes {
    static let routes: [Route] = [
        Route("GET", "/app", counted: "GET app", requiresAuthentication: false, handle: app),
        Route("GET", "/app/installations/{id}", counted: "GET installation", requiresAuthentication: false, handle: installationByID),
        Route("GET", "/orgs/{org}/installation", counted: "GET installation", requiresAuthentication: false, handle: organizationInstallation),
        Route("GET", "/users/{user}/installation", counted: "GET installation", requiresAuthentication: false, handle: userInstallation),
        Route("GET", "/repos/{owner}/{repo}/installation", counted: "GET installation", requiresAuthentication: false, handle: repositoryInstallation),
        Route("POST", "/app/installations/{id}/access_tokens", counted: "POST access_tokens", requiresAuthentication: false,
              handle: InstallationTokens.create),
        Route("GET", "/installation/repositories", counted: "GET installation repositories", handle: installationRepositories),
    ] + VariableKind.allCases.flatMap(\.routes)

    /// What GitHub answers an App endpoint called without a JWT (an installation token or a PAT included).
    static let needsJWT = GitHubResponse.error(401, JWTVerifier.Message.undecodable)

    /// `GET /app`: the authenticated App.
    static func app(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        guard let id = context.app, let app = state.apps.apps[id] else { return needsJWT }
        return .json(200, [
            "id": app.id, "slug": app.slug, "name": app.slug, "owner": ["login": "garrick0"],
            "permissions": app.permissions, "events": [String](),
            "html_url": "https://github.com/apps/\(app.slug)",
        ])
    }

    static func installationByID(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        installation(state, context) { String($0.id) == context.parameter("id") }
    }

    static func organizationInstallation(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        installation(state, context) { $0.account.lowercased() == context.parameter("org").lowercased() && $0.targetType == "Organization" }
    }

    static func userInstallation(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        installation(state, context) { $0.account.lowercased() == context.parameter("user").lowercased() }
    }

    static func repositoryInstallation(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard state.repositories[key] != nil else { return context.app == nil ? needsJWT : .notFound }
        return installation(state, context) { $0.covers(key) }
    }

    /// The calling App's installation that `matches`, as GitHub describes one; 404 when the App is not installed there.
    private static func installation(
        _ state: SimulatorState, _ context: RouteContext, matching matches: (InstallationRecord) -> Bool
    ) -> GitHubResponse {
        guard let id = context.app else { return needsJWT }
        guard let found = state.apps.installations.values.sorted(by: { $0.id < $1.id }).first(where: { $0.appID == id && matches($0) }) else {
            return .notFound
        }
        return .json(200, describe(found, appSlug: state.apps.apps[id]?.slug ?? ""))
    }

    static func describe(_ installation: InstallationRecord, appSlug: String) -> [String: Any] {
        [
            "id": installation.id, "app_id": installation.appID, "app_slug": appSlug,
            "account": ["login": installation.account, "type": installation.targetType],
            "target_type": installation.targetType, "permissions": installation.permissions,
            "repository_selection": installation.repositories == nil ? "all" : "selected",
            "access_tokens_url": "/app/installations/\(installation.id)/access_tokens",
        ]
    }

    /// `GET /installation/repositories` (installation token): the repositories the token reaches.
    static func installationRepositories(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        guard let token = context.token, token.installationID != nil else {
            return .error(403, "You must authenticate with an installation access token in order to list repositories for an installation.")
        }
        let reachable = state.repositories.values
            .filter { ContentAccess.isSelected(token, key: $0.fullName.lowercased(), repository: $0) }
            .sorted { $0.fullName < $1.fullName }
        return .json(200, [
            "total_count": reachable.count,
            "repository_selection": token.installationSelection ?? "selected",
            "repositories": reachable.map { ["id": $0.id, "name": String($0.fullName.split(separator: "/").last ?? ""), "full_name": $0.fullName] },
        ])
    }
}
