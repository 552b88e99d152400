import FoundationEssentials

/// GitHub's page-number pagination: `per_page` (default 30, at most 100), `page`, and a `link` header.
struct Pagination {
    let perPage: Int
    let page: Int

    init(_ context: RouteContext) {
        let query = context.request.query
        perPage = min(100, max(1, query["per_page"].flatMap { Int($0) } ?? 30))
        page = max(1, query["page"].flatMap { Int($0) } ?? 1)
    }

    /// The items of this page.
    func slice<T>(_ all: [T]) -> [T] {
        let start = min(all.count, (page - 1) * perPage)
        return Array(all[start..<min(all.count, start + perPage)])
    }

    /// `response` with GitHub's `link` header (next, last, prev, first) when there is more than one page.
    func linking(_ response: GitHubResponse, total: Int, context: RouteContext) -> GitHubResponse {
        let lastPage = max(1, (total + perPage - 1) / perPage)
        guard lastPage > 1 else { return response }
        let base = "\(context.baseURL)\(context.request.path)?per_page=\(perPage)&page="
        var links: [String] = []
        if page < lastPage {
            links.append("<\(base)\(page + 1)>; rel=\"next\"")
            links.append("<\(base)\(lastPage)>; rel=\"last\"")
        }
        if page > 1 {
            links.append("<\(base)\(page - 1)>; rel=\"prev\"")
            links.append("<\(base)1>; rel=\"first\"")
        }
        return response.adding("link", links.joined(separator: ", "))
    }
}
