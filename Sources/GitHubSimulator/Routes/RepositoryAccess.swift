import Foundation

/// Whether a token may use a repository's Actions secrets, answered the way GitHub answers it.
enum RepositoryAccess {
    /// What an endpoint needs.
    enum Need {
        case read, write
    }

    /// The repository's key in `state.repositories`, or the response GitHub gives instead.
    ///
    /// Classic tokens need the `repo` scope and admin rights: no access or read access looks like a missing
    /// repository (404), write access gets 403. Fine-grained tokens need the Secrets permission: none is 404,
    /// read-only on a write is 403 "Resource not accessible by personal access token".
    static func check(
        _ state: SimulatorState, _ context: RouteContext, need: Need
    ) -> Result<String, GitHubError> {
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard let token = context.token, let repository = state.repositories[key] else {
            return .failure(GitHubError(.notFound))
        }
        let permission = token.permissions[key] ?? repository.permission
        switch token.kind {
        case .classic:
            guard token.hasScope("repo"), permission >= .write else { return .failure(GitHubError(.notFound)) }
            guard permission == .admin else {
                return .failure(GitHubError(.error(403, "Must have admin rights to Repository.")))
            }
        case .fineGrained:
            guard permission >= .read else { return .failure(GitHubError(.notFound)) }
            if need == .write, permission < .write {
                let response = GitHubResponse.error(403, "Resource not accessible by personal access token")
                    .adding("x-accepted-github-permissions", "secrets=write")
                return .failure(GitHubError(response))
            }
        }
        return .success(key)
    }
}

/// A response that ends a handler early, so handlers can use `Result`.
struct GitHubError: Error {
    let response: GitHubResponse

    init(_ response: GitHubResponse) {
        self.response = response
    }
}
