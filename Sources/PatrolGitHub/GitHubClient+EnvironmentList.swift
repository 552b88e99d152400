import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/environments?per_page=100`, following `link: rel="next"`: the names of the
    /// repository's environments (doctor's `secret.shadowed` looks in each for a copy of the secret).
    public func environmentNames(in repository: RepositoryName) async throws -> [String] {
        try await everyPage(from: "/repos/\(repository.fullName)/environments?per_page=100", maxPages: 100) {
            (body: EnvironmentListBody, _, _) in body.environments.map(\.name)
        }
    }

    private struct EnvironmentListBody: Decodable {
        struct Environment: Decodable { let name: String }
        let environments: [Environment]
    }
}
