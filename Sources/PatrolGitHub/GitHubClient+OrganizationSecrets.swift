import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP

/// Which repositories of its organization an organization secret reaches (`visibility` on GitHub).
public enum SecretVisibility: String, Sendable, Codable, CaseIterable {
    /// Every repository of the organization.
    case all
    /// Every private and internal repository.
    case `private`
    /// Exactly the repositories in the secret's selection (by id).
    case selected
}

/// What an organization secret's PUT must say besides its value: GitHub requires `visibility` on every PUT and
/// empties a `selected` secret's selection when `selected_repository_ids` is left out.
public struct OrganizationSecretAccess: Sendable, Equatable {
    public var visibility: SecretVisibility
    /// The selection to send with a `selected` secret (ignored for the others).
    public var selectedRepositoryIDs: [Int]?

    public init(visibility: SecretVisibility, selectedRepositoryIDs: [Int]? = nil) {
        self.visibility = visibility
        self.selectedRepositoryIDs = selectedRepositoryIDs
    }

    /// A PUT of an organization secret without its access: patrol refuses to send it (GitHub would reset it).
    public struct Missing: Error, CustomStringConvertible {
        public let target: SecretTarget
        public var description: String {
            "\(target.id): an organization secret is written with its visibility and selection, and none was given; nothing was sent"
        }
    }
}

/// What an organization shares with a visibility and a selection of repositories: an Actions secret, or an Actions
/// variable (the App's id, spec §10). Both have the same `…/{name}/repositories` endpoints.
public enum OrganizationShared: String, Sendable {
    case secret = "secrets"
    case variable = "variables"

    /// `/orgs/{org}/actions/secrets/{name}` or `/orgs/{org}/actions/variables/{name}`.
    public func path(_ name: String, in organization: String) -> String { "/orgs/\(organization)/actions/\(rawValue)/\(name)" }
}

extension GitHubClient {
    /// `GET /orgs/{org}/actions/{secrets|variables}/{name}/repositories?per_page=100` and the pages after it (`atOnce` at
    /// a time once the first page's link names the last): the ids of the repositories a `selected` secret (or variable)
    /// is shared with.
    public func selectedRepositories(of name: String, in organization: String, _ shared: OrganizationShared = .secret,
                                     atOnce: Int = 1) async throws -> [SelectedRepository] {
        let items = { @Sendable (body: SelectionBody, _: HTTPResponse, _: String) in
            body.repositories.map { SelectedRepository(id: $0.id, fullName: $0.full_name) }
        }
        var total: Int?
        var first = try await firstPage(from: "\(shared.path(name, in: organization))/repositories?per_page=100") { (body: SelectionBody, response, request) in
            total = body.total_count
            return items(body, response, request)
        }
        // Without a numbered `last` link, the answer's `total_count` still tells how many pages of 100 there are.
        if first.lastPage == nil, first.next.flatMap(Self.pageNumber(in:)) == 2, let total, total > 100 {
            first = FirstPage(items: first.items, next: first.next, lastPage: (total + 99) / 100)
        }
        return try await first.items + remainingPages(after: first, maxPages: 1000, atOnce: atOnce, items)
    }

    /// `GET /orgs/{org}/repos?per_page=100`: the first page of the organization's repositories the caller can see
    /// (ids and current names), and where the others are. GitHub numbers the pages (`page`) and names the last one in
    /// the `link` header, so the first page tells how many requests the whole list costs.
    package func organizationRepositories(firstPageOf organization: String) async throws -> FirstPage<ListedRepository> {
        try await firstPage(from: "/orgs/\(organization)/repos?per_page=100", Self.listedRepositories)
    }

    /// The organization's repositories on the pages after `first` (`atOnce` at a time).
    package func organizationRepositories(after first: FirstPage<ListedRepository>, atOnce: Int) async throws -> [ListedRepository] {
        try await remainingPages(after: first, maxPages: 1000, atOnce: atOnce, Self.listedRepositories)
    }

    private static func listedRepositories(_ page: [RepositoryBody], _: HTTPResponse, _: String) -> [ListedRepository] {
        page.compactMap { body in body.full_name.map { ListedRepository(id: body.id, fullName: $0) } }
    }

    /// `PUT /orgs/{org}/actions/{secrets|variables}/{name}/repositories/{id}`: adds one repository to a `selected`
    /// secret or variable (204).
    public func selectRepository(_ id: Int, for name: String, in organization: String, _ shared: OrganizationShared = .secret) async throws {
        _ = try await send(.put, "\(shared.path(name, in: organization))/repositories/\(id)", expecting: [204])
    }

    /// `DELETE /orgs/{org}/actions/{secrets|variables}/{name}/repositories/{id}`: removes one repository from a
    /// `selected` secret or variable (204).
    public func deselectRepository(_ id: Int, for name: String, in organization: String, _ shared: OrganizationShared = .secret) async throws {
        _ = try await send(.delete, "\(shared.path(name, in: organization))/repositories/\(id)", expecting: [204])
    }

    /// `GET /repos/{owner}/{repo}`: the repository's numeric id, which an organization secret's selection uses.
    public func repositoryID(of repository: RepositoryName) async throws -> Int {
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)", expecting: [200])
        let body: RepositoryBody = try decode(response, request)
        return body.id
    }

    /// `GET /orgs/{org}`: true when `name` is an organization, false when GitHub knows no organization by that
    /// name (404: a user account, or no account at all).
    public func isOrganization(_ name: String) async throws -> Bool {
        let (response, _) = try await send(.get, "/orgs/\(name)", expecting: [200, 404])
        return response.status == 200
    }

    private struct SelectionBody: Decodable {
        struct Repository: Decodable { let id: Int; let full_name: String? }
        let repositories: [Repository]
        var total_count: Int? = nil
    }
    private struct RepositoryBody: Decodable { let id: Int; var full_name: String? = nil }
}

/// A repository an organization secret is shared with.
public struct SelectedRepository: Sendable, Equatable {
    public let id: Int
    /// `owner/name`, when GitHub sent it.
    public let fullName: String?

    package init(id: Int, fullName: String?) {
        self.id = id
        self.fullName = fullName
    }
}

/// A repository as its organization's list names it: its id and its current `owner/name`.
public struct ListedRepository: Sendable, Equatable {
    public let id: Int
    /// `owner/name` as GitHub spells it now.
    public let fullName: String
    /// `owner/name` in lower case, as ``RepositoryName/key``.
    public var key: String { fullName.lowercased() }
}
