import FoundationEssentials

/// Issues and the webhook sink, for tests and the demo.
extension GitHubSimulator {
    /// Every issue of a repository, open and closed, in number order.
    public func issues(in repository: String) -> [SimulatedIssue] {
        state.withLock { $0.issues[repository.lowercased()] ?? [] }
    }

    /// The open issues of a repository, in number order.
    public func openIssues(in repository: String) -> [SimulatedIssue] {
        issues(in: repository).filter { $0.state == "open" }
    }

    /// Opens an issue as `author` would, without a request (for a test's starting state).
    @discardableResult
    public func addIssue(in repository: String, title: String, body: String?, labels: [String] = [], author: String = "garrick0") -> Int {
        state.withLock { state in
            let key = repository.lowercased()
            let number = (state.issues[key]?.count ?? 0) + 1
            state.issues[key, default: []].append(SimulatedIssue(
                number: number, title: title, body: body, labels: labels, state: "open", stateReason: nil,
                createdAt: state.now, updatedAt: state.now, closedAt: nil, author: author
            ))
            return number
        }
    }

    /// What the webhook sink (`POST /hooks/…`) received, oldest first.
    public var webhookPosts: [WebhookPost] {
        state.withLock { $0.webhookPosts }
    }

    /// The webhook URL tests hand to a sender: `<apiURL>/hooks/<name>`.
    public func webhookURL(_ name: String = "alerts") -> String {
        "\(apiURL)/hooks/\(name)"
    }
}
