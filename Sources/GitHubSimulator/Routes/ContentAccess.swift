import FoundationEssentials

/// Whether a token may read a repository's metadata, contents and Actions, or dispatch to it, answered
/// the way GitHub answers it. (Secrets have their own rules, in `RepositoryAccess`.)
enum ContentAccess {
    /// The repository's key in `state.repositories`, or the response GitHub gives instead.
    ///
    /// Classic tokens need the `repo` scope (every simulated repository is private) and the account's role:
    /// reading needs read, writing (a dispatch) needs write; anything less is a 404, as GitHub hides
    /// repositories. Fine-grained tokens need the repository selected (404 otherwise) and the area's
    /// permission: too little is 403 "Resource not accessible by personal access token" with
    /// `x-accepted-github-permissions`.
    static func check(
        _ state: SimulatorState, _ context: RouteContext, area: FineGrainedArea, need: RepositoryAccess.Need
    ) -> Result<String, GitHubError> {
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard let token = context.token, let repository = state.repositories[key] else {
            return .failure(GitHubError(.notFound))
        }
        let wanted: Permission = need == .write ? .write : .read
        switch token.kind {
        case .classic:
            let role = token.permissions[key] ?? repository.permission
            guard token.hasScope("repo"), role >= wanted else { return .failure(GitHubError(.notFound)) }
        case .fineGrained:
            guard isSelected(token, key: key, repository: repository) else { return .failure(GitHubError(.notFound)) }
            if fineGrainedPermission(token, area: area, key: key, repository: repository) < wanted {
                let response = GitHubResponse.error(403, token.notAccessibleMessage)
                    .adding("x-accepted-github-permissions", "\(area.rawValue)=\(need == .write ? "write" : "read")")
                return .failure(GitHubError(response))
            }
        }
        return .success(key)
    }

    /// A fine-grained token's permission in one area of a repository.
    static func fineGrainedPermission(_ token: TokenRecord, area: FineGrainedArea, key: String, repository: RepositoryRecord) -> Permission {
        let secrets = token.permissions[key] ?? repository.permission
        if area == .secrets { return secrets }
        return token.areaPermissions[key]?[area.rawValue] ?? secrets
    }

    /// Whether the repository is among those a fine-grained token was given (any permission at all).
    static func isSelected(_ token: TokenRecord, key: String, repository: RepositoryRecord) -> Bool {
        FineGrainedArea.allCases.contains { fineGrainedPermission(token, area: $0, key: key, repository: repository) > .none }
    }
}
