import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

extension GitHubClient {
    /// `GET /repos/{o}/{r}/environments/{env}`: true when the environment exists, false on a 404.
    public func environmentExists(_ environment: String, in repository: RepositoryName) async throws -> Bool {
        let path = SecretTarget(.environment(repository, environment)).environmentPath!
        let (response, _) = try await send(.get, path, expecting: [200, 404])
        return response.status == 200
    }

    /// `PUT /repos/{o}/{r}/environments/{env}`: creates the environment (or leaves an existing one as it is).
    /// GitHub lets only a repository admin do it.
    public func createEnvironment(_ environment: String, in repository: RepositoryName) async throws {
        let path = SecretTarget(.environment(repository, environment)).environmentPath!
        _ = try await send(.put, path, body: Array("{}".utf8), expecting: [200])
    }
}
