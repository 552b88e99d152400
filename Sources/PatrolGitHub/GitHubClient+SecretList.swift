import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

extension GitHubClient {
    /// A repository's Actions secrets (``secrets(in:)-(SecretTarget)`` of its `repo:` target).
    public func secrets(in repository: RepositoryName) async throws -> [SecretMetadata] {
        try await secrets(in: .repository(repository))
    }

    /// `GET …/secrets?per_page=100` of `target`, following `link: rel="next"`: every secret's name and dates
    /// (and, in an organization, visibility). One request for any place with at most 100 secrets.
    /// A 404 or 403 (no access, or an environment that does not exist) throws ``GitHubError``.
    public func secrets(in target: SecretTarget) async throws -> [SecretMetadata] {
        var path: String? = target.listPath
        var secrets: [SecretMetadata] = []
        var pages = 0
        while let current = path, pages < 100 {
            pages += 1
            let (response, request) = try await send(.get, current, expecting: [200])
            let body: SecretListBody = try decode(response, request)
            for secret in body.secrets {
                guard let created = ISO8601.parse(secret.created_at), let updated = ISO8601.parse(secret.updated_at) else {
                    throw UnexpectedResponseError(request: request, problem: "created_at/updated_at are not ISO 8601 dates",
                                                  requestID: response.headers["x-github-request-id"])
                }
                secrets.append(SecretMetadata(name: secret.name, createdAt: created, updatedAt: updated,
                                              visibility: secret.visibility.flatMap(SecretVisibility.init(rawValue:))))
            }
            path = response.headers["link"].flatMap(nextPath)
        }
        return secrets
    }

    /// The path of the `rel="next"` link, when it points under this client's API base (never elsewhere).
    package func nextPath(_ link: String) -> String? {
        for part in link.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(#"rel="next""#),
                  pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">") else { continue }
            let url = String(pieces[0].dropFirst().dropLast())
            guard url.hasPrefix(base.url + "/") else { return nil }
            return String(url.dropFirst(base.url.count))
        }
        return nil
    }

    private struct SecretListBody: Decodable {
        package struct Secret: Decodable { let name: String; let created_at: String; let updated_at: String; let visibility: String? }
        package let secrets: [Secret]
    }
}
