import FoundationEssentials
import PatrolSupport
import PatrolHTTP

/// Repositories GitHub answered through a redirect to `/repositories/{id}/…` (renamed or transferred,
/// spec §4), noted by ``GitHubClient`` as requests follow them, so a rollout can name the new name.
public final class RepositoryMoves: Sendable {
    /// Lower-cased `owner/name` as configured → GitHub's repository id.
    private let ids = Locked<[String: Int]>([:])

    public init() {}

    /// Notes a request for `path` (`/repos/{owner}/{repo}/…`) that was answered at `finalURL` (`…/repositories/{id}/…`).
    package func record(path: String, finalURL: String) {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "repos" else { return }
        let finalParts = URLParts(finalURL).path.split(separator: "/")
        guard let index = finalParts.firstIndex(of: "repositories"), index + 1 < finalParts.count,
              let id = Int(finalParts[index + 1]) else { return }
        let name = "\(parts[1])/\(parts[2])".lowercased()
        ids.withLock { $0[name] = id }
    }

    /// The id GitHub redirected `fullName` to, if it did.
    package func id(of fullName: String) -> Int? {
        ids.withLock { $0[fullName.lowercased()] }
    }
}

extension GitHubClient {
    /// The repository's current `full_name` when GitHub redirected a request for it (`GET /repositories/{id}`);
    /// nil when it did not, or when the name is unchanged.
    public func currentName(of repository: RepositoryName) async throws -> String? {
        guard let id = moves.id(of: repository.fullName) else { return nil }
        let (response, request) = try await send(.get, "/repositories/\(id)", expecting: [200])
        let body: RepositoryIdentity = try decode(response, request)
        return body.full_name.lowercased() == repository.fullName.lowercased() ? nil : body.full_name
    }

    private struct RepositoryIdentity: Decodable { let full_name: String }
}
