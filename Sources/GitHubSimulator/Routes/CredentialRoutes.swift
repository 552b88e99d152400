import FoundationEssentials

/// `POST /credentials/revoke`: anyone holding a leaked token may revoke it, so GitHub wants the call
/// unauthenticated and refuses an authenticated one.
enum CredentialRoutes {
    /// GitHub's cap on credentials in one call.
    static let maximumCredentials = 1000

    /// `{"credentials": ["ghp_…", …]}` → 202, revoking every token the simulator knows among them.
    static func revoke(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        if context.request.header("Authorization") != nil {
            return .error(403, "This endpoint must be called without authentication; remove the Authorization header.",
                          documentation: "https://docs.github.com/rest/credentials/revoke")
        }
        guard let object = SimulatorJSON.value(context.request.body),
              let fields = object as? [String: Any]
        else { return .error(400, "Problems parsing JSON") }
        guard let credentials = fields["credentials"] as? [String], !credentials.isEmpty,
              credentials.count <= maximumCredentials
        else {
            return .error(422, "Invalid request.\n\n\"credentials\" must be an array of 1 to \(maximumCredentials) strings.")
        }
        for credential in credentials where state.tokens[credential] != nil {
            state.tokens[credential]!.revoked = true
            state.revocations += 1
        }
        return .json(202, [String: String]())
    }
}
