import FoundationEssentials
import PatrolSupport
import PatrolSecrets

/// The calls `patrol doctor` makes besides the rollout's: repository metadata, files on a ref,
/// workflows and their runs, dispatches, the rate limit, and the two permission probes of spec §5.3.
extension GitHubClient {
    /// `GET /repos/{owner}/{repo}`: default branch and the caller's permissions.
    public func repository(_ repository: RepositoryName) async throws -> RepositoryInfo {
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)", expecting: [200])
        let body: RepositoryBody = try decode(response, request)
        return RepositoryInfo(fullName: body.full_name, defaultBranch: body.default_branch, archived: body.archived ?? false,
                              admin: body.permissions?.admin ?? false, push: body.permissions?.push ?? false,
                              pull: body.permissions?.pull ?? false, id: body.id, ownerType: body.owner?.type)
    }

    /// `GET /repos/{owner}/{repo}/contents/{path}?ref=…`: the file's text, or nil when it is not on that ref.
    public func fileText(_ path: String, in repository: RepositoryName, ref: String) async throws -> String? {
        let query = PercentEncoding.encode(ref, keeping: "!$'()*,-./:;?@_~")
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)/contents/\(path)?ref=\(query)", expecting: [200, 404])
        if response.status == 404 { return nil }
        let body: ContentBody = try decode(response, request)
        guard body.encoding == "base64", let content = body.content,
              let bytes = try? StandardBase64.decode(content.filter { !$0.isWhitespace }) else {
            throw UnexpectedResponseError(request: request, problem: "the file's content is not base64",
                                          requestID: response.headers["x-github-request-id"])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `GET /repos/{owner}/{repo}/actions/workflows/{file}`: the workflow's state, or nil when GitHub knows
    /// no workflow by that file name.
    public func workflow(_ fileName: String, in repository: RepositoryName) async throws -> WorkflowInfo? {
        let (response, request) = try await send(.get, "/repos/\(repository.fullName)/actions/workflows/\(fileName)", expecting: [200, 404])
        if response.status == 404 { return nil }
        let body: WorkflowBody = try decode(response, request)
        return WorkflowInfo(id: body.id, name: body.name, path: body.path, state: body.state)
    }

    /// `GET …/actions/workflows/{file}/runs?event=…&per_page=…`: the newest runs first.
    public func workflowRuns(_ fileName: String, in repository: RepositoryName, event: String, perPage: Int = 10) async throws -> [WorkflowRun] {
        let path = "/repos/\(repository.fullName)/actions/workflows/\(fileName)/runs?event=\(event)&per_page=\(perPage)"
        let (response, request) = try await send(.get, path, expecting: [200])
        let body: RunsBody = try decode(response, request)
        return body.workflow_runs.map { run in
            WorkflowRun(id: run.id, status: run.status, conclusion: run.conclusion, displayTitle: run.display_title,
                        createdAt: run.created_at.flatMap(ISO8601.parse), htmlURL: run.html_url)
        }
    }

    /// `POST /repos/{owner}/{repo}/dispatches`; returns GitHub's clock (`Date`) at the moment it accepted it.
    public func dispatch(eventType: String, payload: JSONValue, to repository: RepositoryName) async throws -> Date? {
        let body = JSONValue.object([("event_type", .string(eventType)), ("client_payload", payload)]).text
        let (response, _) = try await send(.post, "/repos/\(repository.fullName)/dispatches", body: Array(body.utf8), expecting: [204])
        return response.headers["date"].flatMap(HTTPDate.parse)
    }

    /// `GET /rate_limit`: the primary (core) quota, which this call does not spend.
    public func rateLimit() async throws -> RateLimitStatus {
        let (response, request) = try await send(.get, "/rate_limit", expecting: [200])
        let body: RateLimitBody = try decode(response, request)
        let core = body.resources.core
        return RateLimitStatus(limit: core.limit, remaining: core.remaining, resetAt: Date(timeIntervalSince1970: TimeInterval(core.reset)))
    }

    /// Whether the token may write Actions secrets, found without writing one: a `PUT` of an empty body
    /// to a name no one uses answers 422 (the body is wrong, the permission is there) or 403 (read only).
    public func probeSecretsWrite(in repository: RepositoryName) async throws -> Bool {
        do {
            _ = try await send(.put, "/repos/\(repository.fullName)/actions/secrets/\(Self.probeSecretName)", body: Array("{}".utf8), expecting: [422])
            return true
        } catch let error as GitHubError where error.status == 403 && !error.isRateLimited && error.ssoURL == nil {
            return false
        }
    }

    /// Whether the token may dispatch (Contents: write), found without dispatching: an empty `event_type`
    /// answers 422 when the permission is there, 403 (or 404) when it is not.
    public func probeDispatch(to repository: RepositoryName) async throws -> Bool {
        do {
            _ = try await send(.post, "/repos/\(repository.fullName)/dispatches", body: Array(#"{"event_type": ""}"#.utf8), expecting: [422])
            return true
        } catch let error as GitHubError where error.status == 403 && !error.isRateLimited && error.ssoURL == nil {
            return false
        }
    }

    /// The secret name the write probe addresses; the probe never creates it.
    package static let probeSecretName = "PATROL_PERMISSION_PROBE"

    private struct RepositoryBody: Decodable {
        package let id: Int?
        package let owner: Owner?
        package struct Owner: Decodable { let type: String? }
        package let full_name: String
        package let default_branch: String
        package let archived: Bool?
        package let permissions: Permissions?
        package struct Permissions: Decodable { let admin: Bool?; let push: Bool?; let pull: Bool? }
    }
    private struct ContentBody: Decodable { let encoding: String?; let content: String? }
    private struct WorkflowBody: Decodable { let id: Int; let name: String; let path: String; let state: String }
    private struct RunsBody: Decodable { let workflow_runs: [Run] }
    private struct Run: Decodable {
        package let id: Int
        package let status: String?
        package let conclusion: String?
        package let display_title: String?
        package let created_at: String?
        package let html_url: String?
    }
    private struct RateLimitBody: Decodable {
        package let resources: Resources
        package struct Resources: Decodable { let core: Core }
        package struct Core: Decodable { let limit: Int; let remaining: Int; let reset: Int }
    }
}

/// A repository as `GET /repos/{owner}/{repo}` describes it to the caller.
public struct RepositoryInfo: Sendable, Equatable {
    public let fullName: String
    public let defaultBranch: String
    public let archived: Bool
    /// The caller administers it.
    public let admin: Bool
    /// The caller may push: enough to manage its Actions secrets and to dispatch to it.
    public let push: Bool
    public let pull: Bool
    /// The numeric id an organization secret's selection uses.
    public let id: Int?
    /// The owner's account type: `Organization` or `User`.
    public let ownerType: String?

    package init(fullName: String, defaultBranch: String, archived: Bool, admin: Bool, push: Bool, pull: Bool,
                 id: Int? = nil, ownerType: String? = nil) {
        self.id = id
        self.ownerType = ownerType
        self.fullName = fullName
        self.defaultBranch = defaultBranch
        self.archived = archived
        self.admin = admin
        self.push = push
        self.pull = pull
    }
}

/// A workflow and its state (`active`, `disabled_manually`, `disabled_inactivity`, …).
public struct WorkflowInfo: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let path: String
    public let state: String

    package init(id: Int, name: String, path: String, state: String) {
        self.id = id
        self.name = name
        self.path = path
        self.state = state
    }
}

/// One run of a workflow.
public struct WorkflowRun: Sendable, Equatable {
    public let id: Int
    /// `queued`, `in_progress`, `completed`, …
    public let status: String?
    /// `success`, `failure`, `cancelled`, …; nil until completed.
    public let conclusion: String?
    public let displayTitle: String?
    public let createdAt: Date?
    public let htmlURL: String?

    package init(id: Int, status: String?, conclusion: String?, displayTitle: String?, createdAt: Date?, htmlURL: String?) {
        self.id = id
        self.status = status
        self.conclusion = conclusion
        self.displayTitle = displayTitle
        self.createdAt = createdAt
        self.htmlURL = htmlURL
    }
}

/// The primary rate limit as `GET /rate_limit` reports it.
public struct RateLimitStatus: Sendable, Equatable {
    public let limit: Int
    public let remaining: Int
    public let resetAt: Date

    package init(limit: Int, remaining: Int, resetAt: Date) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
    }
}
