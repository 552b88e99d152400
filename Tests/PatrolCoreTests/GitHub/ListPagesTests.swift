import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub

/// Lists read with the pages after the first at once, built from the `next` link GitHub gave (only `page` changed).
@Suite("list pages at once")
struct ListPagesTests {
    static func client(_ answers: [HTTPResponse]) -> (GitHubClient, CannedTransport) {
        let transport = CannedTransport(answers)
        return (GitHubClient(transport: transport, base: .gitHubDotCom, credential: Token(bytes: Array(TestTokens.classic().utf8))), transport)
    }

    static func selectionPage(ids: ClosedRange<Int>, total: Int, link: String? = nil) -> HTTPResponse {
        let repositories = ids.map { #"{"id": \#($0), "full_name": "octo-org/r\#($0)"}"# }.joined(separator: ", ")
        return .json(200, #"{"total_count": \#(total), "repositories": [\#(repositories)]}"#, link.map { [("Link", $0)] } ?? [])
    }

    @Test("a selection whose link names no last page: total_count tells the pages, asked for at once from GitHub's own next link")
    func selectionByTotalCount() async throws {
        // GitHub's links point at /organizations/{id}/…, not at the path patrol asked for.
        let next = "<https://api.github.com/organizations/9/actions/secrets/PAT_TOKEN/repositories?per_page=100&page=2>; rel=\"next\""
        let (client, transport) = Self.client([
            Self.selectionPage(ids: 1...100, total: 250, link: next),
            Self.selectionPage(ids: 101...200, total: 250), Self.selectionPage(ids: 201...250, total: 250),
        ])
        let selected = try await client.selectedRepositories(of: "PAT_TOKEN", in: "octo-org", atOnce: 20)
        #expect(Set(selected.map(\.id)) == Set(1...250))
        #expect(transport.sent.map(\.url).sorted() == [
            "https://api.github.com/organizations/9/actions/secrets/PAT_TOKEN/repositories?per_page=100&page=2",
            "https://api.github.com/organizations/9/actions/secrets/PAT_TOKEN/repositories?per_page=100&page=3",
            "https://api.github.com/orgs/octo-org/actions/secrets/PAT_TOKEN/repositories?per_page=100",
        ])
    }

    @Test("the organization's repository list: the first page numbers the last, and a list that grew meanwhile is followed to its end")
    func organizationRepositories() async throws {
        let base = "https://api.github.com/organizations/9/repos?per_page=100&page="
        let page = { (ids: ClosedRange<Int>, link: String?) -> HTTPResponse in
            .json(200, "[" + ids.map { #"{"id": \#($0), "name": "r\#($0)", "full_name": "octo-org/R\#($0)"}"# }.joined(separator: ", ") + "]",
                  link.map { [("Link", $0)] } ?? [])
        }
        let four = "<\(base)4>; rel=\"next\""
        let (client, transport) = Self.client([
            page(1...100, "<\(base)2>; rel=\"next\", <\(base)3>; rel=\"last\""),
            // Pages 2 and 3 come back in either order; the list grew meanwhile, so the last of them links to a page 4.
            page(101...200, four), page(201...250, four), page(251...260, nil),
        ])
        let first = try await client.organizationRepositories(firstPageOf: "octo-org")
        #expect(first.items.count == 100 && first.items.first?.key == "octo-org/r1")
        #expect(first.lastPage == 3 && first.next == "/organizations/9/repos?per_page=100&page=2")
        let rest = try await client.organizationRepositories(after: first, atOnce: 20)
        #expect(Set((first.items + rest).map(\.id)) == Set(1...260))
        #expect(transport.sent.map(\.url).sorted() == (2...4).map { "\(base)\($0)" } + ["https://api.github.com/orgs/octo-org/repos?per_page=100"])
    }
}
