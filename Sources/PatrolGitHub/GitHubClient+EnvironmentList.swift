import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/environments?per_page=100`, following `link: rel="next"`: the names of the
    /// repository's environments (doctor's `secret.shadowed` looks in each for a copy of the secret).
    public func environmentNames(in repository: RepositoryName) async throws -> [String] {
        var path: String? = "/repos/\(repository.fullName)/environments?per_page=100"
        var names: [String] = []
        var pages = 0
        while let current = path, pages < 100 {
            pages += 1
            let (response, request) = try await send(.get, current, expecting: [200])
            let body: EnvironmentListBody = try decode(response, request)
            names += body.environments.map(\.name)
            path = response.headers["link"].flatMap(nextPath)
        }
        return names
    }

    private struct EnvironmentListBody: Decodable {
        struct Environment: Decodable { let name: String }
        let environments: [Environment]
    }
}
