import Foundation
import PatrolGitHub

/// Repository Actions variables: not secret, GitHub returns their values.
extension GitHubClient {
    /// `GET /repos/{o}/{r}/actions/variables/{name}`: the value, or nil when the variable is not set.
    public func variable(_ name: String, in repository: RepositoryName) async throws -> String? {
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)/actions/variables/\(name)", expecting: [200, 404])
        if response.status == 404 { return nil }
        struct Body: Decodable { let value: String }
        let body: Body = try decode(response, request)
        return body.value
    }

    /// `POST /repos/{o}/{r}/actions/variables` (201) to create it, or `PATCH …/variables/{name}` (204) to change it.
    public func setVariable(_ name: String, to value: String, in repository: RepositoryName, exists: Bool) async throws {
        if exists {
            let body = try JSONEncoder().encode(["name": name, "value": value])
            _ = try await send(.patch, "/repos/\(repository.fullName)/actions/variables/\(name)", body: Array(body), expecting: [204])
        } else {
            let body = try JSONEncoder().encode(["name": name, "value": value])
            _ = try await send(.post, "/repos/\(repository.fullName)/actions/variables", body: Array(body), expecting: [201])
        }
    }
}
