import FoundationEssentials

/// A response as an endpoint handler builds it, before the common headers are added.
struct GitHubResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    /// `nil` for no body at all (204); otherwise JSON.
    var body: [UInt8]?

    /// A JSON response; `object` is made of what ``SimulatorJSON`` writes.
    static func json(_ status: Int, _ object: Any) -> GitHubResponse {
        GitHubResponse(status: status, body: Array(SimulatorJSON.text(object, escapingSlashes: false).utf8))
    }

    /// GitHub's error shape: `{"message", "documentation_url", "status"}`.
    static func error(_ status: Int, _ message: String, documentation: String = "https://docs.github.com/rest") -> GitHubResponse {
        json(status, ["message": message, "documentation_url": documentation, "status": String(status)])
    }

    static func noContent() -> GitHubResponse {
        GitHubResponse(status: 204, body: nil)
    }

    static let notFound = error(404, "Not Found")

    /// Adds a header, keeping any already there.
    func adding(_ name: String, _ value: String) -> GitHubResponse {
        var copy = self
        copy.headers.append((name: name, value: value))
        return copy
    }
}
