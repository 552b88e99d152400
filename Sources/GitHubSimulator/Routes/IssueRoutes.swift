import FoundationEssentials
import PatrolSupport

/// The repository issues endpoints and their comments.
enum IssueRoutes {
    /// `GET /repos/{owner}/{repo}/issues?state=open|closed|all&labels=a,b&per_page=N&page=P`, newest first.
    static func list(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        answering { () throws(GitHubError) in
            let key = try access(state, context, write: false)
            let query = context.request.query
            let wantedState = query["state"] ?? "open"
            guard ["open", "closed", "all"].contains(wantedState) else {
                return .error(422, "Validation Failed: state must be one of open, closed, all")
            }
            let labels = (query["labels"] ?? "").split(separator: ",").map { $0.trimmingSpaces().lowercased() }
            let matching = (state.issues[key] ?? []).reversed().filter { issue in
                (wantedState == "all" || issue.state == wantedState)
                    && labels.allSatisfy { label in issue.labels.contains { $0.lowercased() == label } }
            }
            let perPage = min(100, max(1, query["per_page"].flatMap { Int($0) } ?? 30))
            let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
            let start = min(matching.count, (page - 1) * perPage)
            let slice = matching[start..<min(matching.count, start + perPage)]
            return .json(200, slice.map { summary($0, repository: state.repositories[key]!.fullName) })
        }
    }

    /// `POST /repos/{owner}/{repo}/issues` with `{"title", "body", "labels"}` → 201.
    static func create(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        answering { () throws(GitHubError) in
            let key = try access(state, context, write: true)
            let fields = try jsonObject(context.request.body)
            guard let title = fields["title"] as? String, !title.isEmpty else {
                return .error(422, "Invalid request.\n\n\"title\" wasn't supplied.")
            }
            let labels = (fields["labels"] as? [String]) ?? []
            let number = (state.issues[key]?.count ?? 0) + 1
            let issue = SimulatedIssue(
                number: number, title: title, body: fields["body"] as? String, labels: labels, state: "open",
                stateReason: nil, createdAt: context.now, updatedAt: context.now, closedAt: nil,
                author: context.token?.login ?? "ghost"
            )
            state.issues[key, default: []].append(issue)
            return .json(201, summary(issue, repository: state.repositories[key]!.fullName))
        }
    }

    /// `PATCH /repos/{owner}/{repo}/issues/{number}` with any of `title`, `body`, `state`, `state_reason`, `labels`.
    static func update(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        answering { () throws(GitHubError) in
            let key = try access(state, context, write: true)
            let index = try issueIndex(state, key, context)
            let fields = try jsonObject(context.request.body)
            var issue = state.issues[key]![index]
            if let title = fields["title"] as? String {
                guard !title.isEmpty else { return .error(422, "Validation Failed: title cannot be blank") }
                issue.title = title
            }
            if let body = fields["body"] as? String { issue.body = body }
            if let labels = fields["labels"] as? [String] { issue.labels = labels }
            if let newState = fields["state"] as? String {
                guard newState == "open" || newState == "closed" else {
                    return .error(422, "Validation Failed: state must be open or closed")
                }
                if newState == "closed", issue.state == "open" {
                    issue.closedAt = context.now
                    issue.stateReason = (fields["state_reason"] as? String) ?? "completed"
                } else if newState == "open", issue.state == "closed" {
                    issue.closedAt = nil
                    issue.stateReason = "reopened"
                }
                issue.state = newState
            }
            issue.updatedAt = context.now
            state.issues[key]![index] = issue
            return .json(200, summary(issue, repository: state.repositories[key]!.fullName))
        }
    }

    /// `POST /repos/{owner}/{repo}/issues/{number}/comments` with `{"body"}` → 201.
    static func comment(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        answering { () throws(GitHubError) in
            let key = try access(state, context, write: true)
            let index = try issueIndex(state, key, context)
            let fields = try jsonObject(context.request.body)
            guard let body = fields["body"] as? String, !body.isEmpty else {
                return .error(422, "Invalid request.\n\n\"body\" wasn't supplied.")
            }
            let comment = SimulatedComment(id: state.nextCommentID, body: body, author: context.token?.login ?? "ghost",
                                           createdAt: context.now)
            state.nextCommentID += 1
            state.issues[key]![index].comments.append(comment)
            state.issues[key]![index].updatedAt = context.now
            let issue = state.issues[key]![index]
            return .json(201, commentSummary(comment, issue: issue, repository: state.repositories[key]!.fullName))
        }
    }

    /// `GET /repos/{owner}/{repo}/issues/{number}/comments`, oldest first.
    static func comments(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        answering { () throws(GitHubError) in
            let key = try access(state, context, write: false)
            let index = try issueIndex(state, key, context)
            let issue = state.issues[key]![index]
            let fullName = state.repositories[key]!.fullName
            return .json(200, issue.comments.map { commentSummary($0, issue: issue, repository: fullName) })
        }
    }

    // MARK: - Helpers

    /// The repository's key when the token may read (or write) its issues; else GitHub's answer.
    /// Classic tokens need `repo`; no access looks like a missing repository (404), read-only access
    /// cannot write (403).
    /// Classic tokens: `repo` and a role that sees the repository; writing needs write. Fine-grained tokens:
    /// the Issues permission, checked like every other area (`ContentAccess`).
    private static func access(_ state: SimulatorState, _ context: RouteContext, write: Bool) throws(GitHubError) -> String {
        if context.token?.kind == .fineGrained {
            return try ContentAccess.check(state, context, area: .issues, need: write ? .write : .read).get()
        }
        let key = "\(context.parameter("owner"))/\(context.parameter("repo"))".lowercased()
        guard let token = context.token, let repository = state.repositories[key] else {
            throw GitHubError(.notFound)
        }
        let permission = token.permissions[key] ?? repository.permission
        if !token.hasScope("repo") { throw GitHubError(.notFound) }
        guard permission >= .read else { throw GitHubError(.notFound) }
        if write, permission < .write {
            throw GitHubError(.error(403, "Resource not accessible by personal access token")
                .adding("x-accepted-github-permissions", "issues=write"))
        }
        return key
    }

    /// Runs a route whose checks throw GitHub's answer.
    private static func answering(_ route: () throws(GitHubError) -> GitHubResponse) -> GitHubResponse {
        do { return try route() } catch { return error.response }
    }

    /// The index of the issue the path names; a missing one is a 404.
    private static func issueIndex(_ state: SimulatorState, _ key: String, _ context: RouteContext) throws(GitHubError) -> Int {
        guard let number = Int(context.parameter("number")),
              let index = state.issues[key]?.firstIndex(where: { $0.number == number })
        else { throw GitHubError(.notFound) }
        return index
    }

    /// The request's JSON object; anything else is GitHub's 400.
    private static func jsonObject(_ body: [UInt8]) throws(GitHubError) -> [String: Any] {
        guard let fields = SimulatorJSON.object(body) else {
            throw GitHubError(.error(400, "Problems parsing JSON"))
        }
        return fields
    }

    private static func summary(_ issue: SimulatedIssue, repository: String) -> [String: Any] {
        [
            "id": 9_000_000 + issue.number,
            "number": issue.number,
            "title": issue.title,
            "body": issue.body ?? JSONNull(),
            "state": issue.state,
            "state_reason": issue.stateReason ?? JSONNull(),
            "labels": issue.labels.map { ["name": $0] },
            "comments": issue.comments.count,
            "user": ["login": issue.author],
            "html_url": "https://github.com/\(repository)/issues/\(issue.number)",
            "created_at": SimulatorTime.iso8601(issue.createdAt),
            "updated_at": SimulatorTime.iso8601(issue.updatedAt),
            "closed_at": issue.closedAt.map(SimulatorTime.iso8601) ?? JSONNull(),
        ]
    }

    private static func commentSummary(_ comment: SimulatedComment, issue: SimulatedIssue, repository: String) -> [String: Any] {
        [
            "id": comment.id,
            "body": comment.body,
            "user": ["login": comment.author],
            "html_url": "https://github.com/\(repository)/issues/\(issue.number)#issuecomment-\(comment.id)",
            "created_at": SimulatorTime.iso8601(comment.createdAt),
        ]
    }
}

/// A sink for outgoing webhooks (Slack-compatible alerts): `POST /hooks/{id}` records the body; no
/// authentication is needed, as with a real incoming-webhook URL.
enum WebhookRoutes {
    static func receive(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        state.webhookPosts.append(WebhookPost(
            path: context.request.path, body: String(decoding: context.request.body, as: UTF8.self),
            authorization: context.request.header("Authorization")
        ))
        return .json(200, ["ok": true])
    }
}
