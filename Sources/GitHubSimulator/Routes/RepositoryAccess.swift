import FoundationEssentials

/// Whether a token may use a repository's secrets (Actions, environment, Dependabot, Codespaces), answered the
/// way GitHub answers it.
enum RepositoryAccess {
    /// What an endpoint needs.
    enum Need {
        case read, write
    }

    /// The repository's key in `state.repositories`, or the response GitHub gives instead.
    ///
    /// Classic tokens need the `repo` scope and a collaborator role of write (push) or admin: GitHub lets
    /// any collaborator with write access manage repository secrets (cli/cli#7100). No role at all looks
    /// like a missing repository (404); read-only sees the repository and gets 403. Fine-grained tokens need
    /// the repository selected (404 otherwise) and the Secrets permission, checked before the body is read:
    /// too little is 403 "Resource not accessible by personal access token" with `x-accepted-github-permissions`.
    /// `area` is the permission the kind of secret needs: Secrets, Environments, Dependabot or Codespaces secrets.
    static func check(
        _ state: SimulatorState, _ context: RouteContext, need: Need, area: FineGrainedArea = .secrets
    ) -> Result<String, GitHubError> {
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard let token = context.token, let repository = state.repositories[key] else {
            return .failure(GitHubError(.notFound))
        }
        let permission = token.permissions[key] ?? repository.permission
        switch token.kind {
        case .classic:
            guard token.hasScope("repo"), permission >= .read else { return .failure(GitHubError(.notFound)) }
            guard permission >= .write else {
                return .failure(GitHubError(.error(403, "Must have admin rights to Repository.")))
            }
        case .fineGrained:
            guard ContentAccess.isSelected(token, key: key, repository: repository) else { return .failure(GitHubError(.notFound)) }
            let granted = ContentAccess.fineGrainedPermission(token, area: area, key: key, repository: repository)
            if granted < (need == .write ? .write : .read) {
                let response = GitHubResponse.error(403, token.notAccessibleMessage)
                    .adding("x-accepted-github-permissions", "\(area.rawValue)=\(need == .write ? "write" : "read")")
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
