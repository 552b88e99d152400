import Foundation
import PatrolSupport
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
        try await everyPage(from: target.listPath, maxPages: 100) { (body: SecretListBody, response, request) in
            try body.secrets.map { secret in
                guard let created = ISO8601.parse(secret.created_at), let updated = ISO8601.parse(secret.updated_at) else {
                    throw UnexpectedResponseError(request: request, problem: "created_at/updated_at are not ISO 8601 dates",
                                                  requestID: response.headers["x-github-request-id"])
                }
                return SecretMetadata(name: secret.name, createdAt: created, updatedAt: updated,
                                      visibility: secret.visibility.flatMap(SecretVisibility.init(rawValue:)))
            }
        }
    }

    /// GETs `path` and every page its `link: rel="next"` leads to (under this client's API base, at most `maxPages`),
    /// decoding each as `Page` and collecting what `items` takes from it (given the answer and the request as errors name it):
    /// the one paging loop of every list call.
    package func everyPage<Page: Decodable, Item>(
        from path: String, maxPages: Int,
        _ items: (Page, HTTPResponse, String) throws -> [Item]
    ) async throws -> [Item] {
        var next: String? = path
        var found: [Item] = []
        var pages = 0
        while let current = next, pages < maxPages {
            pages += 1
            let (response, request) = try await send(.get, current, expecting: [200])
            found += try items(try decode(response, request), response, request)
            next = response.headers["link"].flatMap(nextPath)
        }
        return found
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
