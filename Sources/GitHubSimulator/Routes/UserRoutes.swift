import FoundationEssentials

/// `GET /user`.
enum UserRoutes {
    static func authenticatedUser(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        guard let token = context.token else { return .error(401, "Requires authentication") }
        // GitHub: an installation token is not a user (use `GET /installation/repositories`).
        if token.installationID != nil { return .error(403, token.notAccessibleMessage) }
        return .json(200, [
            "login": token.login,
            "id": token.userID,
            "type": token.accountType,
            "html_url": "https://github.com/\(token.login)",
        ])
    }
}
