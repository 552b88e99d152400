import FoundationEssentials
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
    /// the one paging loop of every list call. With `atOnce` above 1, the pages after the first go out that many at a
    /// time when the first page's link names the last one by number (see ``remainingPages(after:maxPages:atOnce:_:)``).
    package func everyPage<Page: Decodable & SendableMetatype, Item: Sendable>(
        from path: String, maxPages: Int, atOnce: Int = 1,
        _ items: @escaping @Sendable (Page, HTTPResponse, String) throws -> [Item]
    ) async throws -> [Item] {
        let first = try await firstPage(from: path, items)
        return try await first.items + remainingPages(after: first, maxPages: maxPages, atOnce: atOnce, items)
    }

    /// GETs the first page of a list: its items, and where the rest is (its `link` header's `next` and `last`).
    package func firstPage<Page: Decodable, Item>(
        from path: String, _ items: (Page, HTTPResponse, String) throws -> [Item]
    ) async throws -> FirstPage<Item> {
        let (response, request) = try await send(.get, path, expecting: [200])
        let found = try items(try decode(response, request), response, request)
        let link = response.headers["link"]
        let next = link.flatMap { linkPath($0, rel: "next") }
        // Pages can be numbered only when `next` is page 2 and `last` names its page the same way.
        let last = link.flatMap { linkPath($0, rel: "last") }.flatMap { Self.pageNumber(in: $0) }
        return FirstPage(items: found, next: next, lastPage: next.flatMap { Self.pageNumber(in: $0) } == 2 ? last : nil)
    }

    /// The items of every page after `first` (at most `maxPages` pages in all). When `first` numbers its last page and
    /// `atOnce` is above 1, pages 2…last are asked for `atOnce` at a time, built from the `next` link GitHub gave (only
    /// its `page` changed); otherwise, and for any page a list that grew meanwhile still links to, one after another.
    package func remainingPages<Page: Decodable & SendableMetatype, Item: Sendable>(
        after first: FirstPage<Item>, maxPages: Int, atOnce: Int,
        _ items: @escaping @Sendable (Page, HTTPResponse, String) throws -> [Item]
    ) async throws -> [Item] {
        var next = first.next
        var pages = 1
        var found: [Item] = []
        if atOnce > 1, let template = first.next, let last = first.lastPage, last > 2 {
            let paths = (2...min(last, maxPages)).compactMap { Self.path(template, page: $0) }
            // Each page becomes its items as soon as it arrives, so its answer (half a megabyte for a page of an
            // organization's repositories) is let go at once instead of waiting for the last page.
            let read = try await concurrentMap(paths, atOnce: atOnce) { [self] path in
                let (response, request) = try await send(.get, path, expecting: [200])
                return (items: try items(try decode(response, request), response, request),
                        next: response.headers["link"].flatMap { linkPath($0, rel: "next") })
            }
            for page in read {
                found += page.items
                next = page.next
            }
            pages += paths.count
        }
        while let current = next, pages < maxPages {
            pages += 1
            let (response, request) = try await send(.get, current, expecting: [200])
            found += try items(try decode(response, request), response, request)
            next = response.headers["link"].flatMap { linkPath($0, rel: "next") }
        }
        return found
    }

    /// The path of the link with relation `rel` (`next`, `last`), when it points under this client's API base (never elsewhere).
    package func linkPath(_ link: String, rel: String) -> String? {
        for part in link.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingSpaces() }
            guard pieces.count >= 2, pieces.dropFirst().contains("rel=\"\(rel)\""),
                  pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">") else { continue }
            let url = String(pieces[0].dropFirst().dropLast())
            guard url.hasPrefix(base.url + "/") else { return nil }
            return String(url.dropFirst(base.url.count))
        }
        return nil
    }

    /// The `page` query parameter of a path, when it is a number.
    package static func pageNumber(in path: String) -> Int? {
        guard let query = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        return query.split(separator: "&").first { $0.hasPrefix("page=") }.flatMap { Int($0.dropFirst("page=".count)) }
    }

    /// `path` with its `page` query parameter set to `page` (nil when it has none).
    private static func path(_ path: String, page: Int) -> String? {
        let halves = path.split(separator: "?", maxSplits: 1)
        guard halves.count == 2 else { return nil }
        var found = false
        let query = halves[1].split(separator: "&").map { item -> String in
            guard item.hasPrefix("page=") else { return String(item) }
            found = true
            return "page=\(page)"
        }
        return found ? "\(halves[0])?\(query.joined(separator: "&"))" : nil
    }

    private struct SecretListBody: Decodable {
        package struct Secret: Decodable { let name: String; let created_at: String; let updated_at: String; let visibility: String? }
        package let secrets: [Secret]
    }
}

/// The first page of a list, and where the rest of it is.
package struct FirstPage<Item> {
    package let items: [Item]
    /// The second page's path (`link: rel="next"`, under the client's API base); nil when there is only one page.
    package let next: String?
    /// The last page's number (`rel="last"`), when the link header numbers the pages with `page` from `next` = 2.
    package let lastPage: Int?
}
