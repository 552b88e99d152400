import FoundationEssentials

/// One issue of a simulated repository, with its comments.
public struct SimulatedIssue: Sendable, Equatable {
    public let number: Int
    public var title: String
    public var body: String?
    public var labels: [String]
    /// `open` or `closed`.
    public var state: String
    /// `completed`, `not_planned` or `reopened` once set; nil otherwise.
    public var stateReason: String?
    public var comments: [SimulatedComment] = []
    public let createdAt: Date
    public var updatedAt: Date
    public var closedAt: Date?
    /// The login that opened it.
    public let author: String
}

/// One comment on a simulated issue.
public struct SimulatedComment: Sendable, Equatable {
    public let id: Int
    public let body: String
    public let author: String
    public let createdAt: Date
}

/// One `POST /hooks/…` the simulator's webhook sink received.
public struct WebhookPost: Sendable, Equatable {
    /// The path the hook was posted to, e.g. `/hooks/expiry`.
    public let path: String
    /// The body, as received.
    public let body: String
    /// The `Authorization` header, when the sender sent one (a webhook needs none).
    public let authorization: String?
    /// The `text` field of a JSON body, when there is one (Slack's shape).
    public var text: String? {
        SimulatorJSON.object(Array(body.utf8))?["text"] as? String
    }
}
