import FoundationEssentials
import PatrolSupport

/// Issues and comments (the expiry alert issue).
extension GitHubClient {
    /// `GET /repos/{owner}/{repo}/issues?state=open[&labels=L]&per_page=100`: the newest 100 open issues,
    /// pull requests left out (GitHub lists them as issues too).
    public func openIssues(in repository: RepositoryName, label: String? = nil) async throws -> [Issue] {
        var query = "state=open&per_page=100"
        if let label { query += "&labels=" + Self.queryValue(label) }
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)/issues?\(query)", expecting: [200])
        let bodies: [IssueBody] = try decode(response, request)
        return bodies.filter { $0.pull_request == nil }.map(Issue.init)
    }

    /// `POST /repos/{owner}/{repo}/issues`.
    public func createIssue(in repository: RepositoryName, title: String, body: String, labels: [String]) async throws -> Issue {
        let payload = try JSONEncoder().encode(IssueWrite(title: title, body: body, labels: labels))
        let (response, request) = try await send(.post, "/repos/\(repository.fullName)/issues", body: Array(payload), expecting: [201])
        let created: IssueBody = try decode(response, request)
        return Issue(created)
    }

    /// `PATCH /repos/{owner}/{repo}/issues/{number}`: changes only the fields given.
    @discardableResult
    public func updateIssue(_ number: Int, in repository: RepositoryName, title: String? = nil, body: String? = nil,
                            labels: [String]? = nil, close: Bool = false) async throws -> Issue {
        let write = IssueWrite(title: title, body: body, labels: labels, state: close ? "closed" : nil,
                               state_reason: close ? "completed" : nil)
        let payload = try JSONEncoder().encode(write)
        let (response, request) = try await send(.patch, "/repos/\(repository.fullName)/issues/\(number)", body: Array(payload), expecting: [200])
        let updated: IssueBody = try decode(response, request)
        return Issue(updated)
    }

    /// `POST /repos/{owner}/{repo}/issues/{number}/comments`.
    public func addComment(to number: Int, in repository: RepositoryName, body: String) async throws {
        let payload = try JSONEncoder().encode(["body": body])
        _ = try await send(.post, "/repos/\(repository.fullName)/issues/\(number)/comments", body: Array(payload), expecting: [201])
    }

    /// Percent-encodes a query value (a label may hold spaces, commas or `&`).
    package static func queryValue(_ value: String) -> String {
        PercentEncoding.encode(value, keeping: "-._~")
    }

    private struct IssueWrite: Encodable {
        package var title: String?
        package var body: String?
        package var labels: [String]?
        package var state: String?
        package var state_reason: String?
    }

    package struct IssueBody: Decodable {
        package struct Label: Decodable { let name: String }
        package struct PullRequest: Decodable {}
        package let number: Int
        package let title: String
        package let body: String?
        package let state: String
        package let labels: [Label]?
        package let html_url: String?
        package let pull_request: PullRequest?

        package init(number: Int, title: String, body: String?, state: String, labels: [Label]?, html_url: String?, pull_request: PullRequest?) {
            self.number = number
            self.title = title
            self.body = body
            self.state = state
            self.labels = labels
            self.html_url = html_url
            self.pull_request = pull_request
        }
    }
}

/// An issue as patrol reads it.
public struct Issue: Sendable, Equatable {
    public let number: Int
    public let title: String
    public let body: String
    /// `open` or `closed`.
    public let state: String
    public let labels: [String]
    public let htmlURL: String?

    public init(number: Int, title: String, body: String, state: String, labels: [String], htmlURL: String?) {
        self.number = number
        self.title = title
        self.body = body
        self.state = state
        self.labels = labels
        self.htmlURL = htmlURL
    }

    package init(_ body: GitHubClient.IssueBody) {
        self.init(number: body.number, title: body.title, body: body.body ?? "", state: body.state,
                  labels: body.labels?.map(\.name) ?? [], htmlURL: body.html_url)
    }
}
