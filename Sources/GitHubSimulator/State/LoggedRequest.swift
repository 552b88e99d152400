import FoundationEssentials

/// One request as the simulator received and answered it.
public struct LoggedRequest: Sendable, Equatable {
    public let method: String
    /// The path including its query.
    public let path: String
    /// The status answered; 0 when the connection was dropped instead.
    public let status: Int
    /// The counter key of the route that matched (`"PUT secret"`), or `nil` when none did.
    public let route: String?
    /// The `Authorization` header exactly as received.
    public let authorization: String?
    public let userAgent: String?
    public let accept: String?
    public let apiVersion: String?
    /// The `If-None-Match` header, for conditional requests.
    public let ifNoneMatch: String?
    public let time: Date
    /// Whether a `dropNext` fault closed the connection instead of answering.
    public let dropped: Bool
}
