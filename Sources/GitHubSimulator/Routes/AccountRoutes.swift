import FoundationEssentials

/// Accounts: `GET /orgs/{org}` (organizations only; a user account is 404) and `GET /users/{user}` (either, with
/// `type`). Both are public, as on GitHub.
enum AccountRoutes {
    static let routes: [Route] = [
        Route("GET", "/orgs/{org}", counted: "GET organization", requiresAuthentication: false, handle: organization),
        Route("GET", "/users/{user}", counted: "GET user", requiresAuthentication: false, handle: user),
    ]

    static func organization(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        guard let record = state.organizations[context.parameter("org").lowercased()] else { return .notFound }
        return .json(200, [
            "login": record.login,
            "id": record.id,
            "type": "Organization",
            "url": "\(context.baseURL)/orgs/\(record.login)",
            "html_url": "https://github.com/\(record.login)",
            "description": JSONNull(),
        ])
    }

    static func user(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        let login = context.parameter("user")
        let known = state.organizations[login.lowercased()] != nil
            || state.userIDs[login.lowercased()] != nil
            || state.repositories.values.contains { $0.owner.lowercased() == login.lowercased() }
        guard known else { return .notFound }
        var fields = account(login, state: &state)
        fields["html_url"] = "https://github.com/\(fields["login"] ?? login)"
        return .json(200, fields)
    }

    /// `{"login", "id", "type"}` for an owner: `Organization` when the simulator holds an organization by that
    /// name, `User` otherwise.
    static func account(_ login: String, state: inout SimulatorState) -> [String: Any] {
        if let organization = state.organizations[login.lowercased()] {
            return ["login": organization.login, "id": organization.id, "type": "Organization"]
        }
        return ["login": login, "id": state.userID(for: login), "type": "User"]
    }
}
