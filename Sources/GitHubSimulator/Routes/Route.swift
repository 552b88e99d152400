import FoundationEssentials
import PatrolSupport

/// One endpoint: a method, a path pattern, how it is counted, and its handler.
struct Route: Sendable {
    typealias Handler = @Sendable (inout SimulatorState, RouteContext) -> GitHubResponse

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        /// `{name+}`: the rest of the path, slashes included (a file path in `contents/{path+}`); last only.
        case rest(String)
    }

    let method: String
    let segments: [Segment]
    /// The key in `Counters.byRoute` and `LoggedRequest.route`, like `"PUT secret"`.
    let counterKey: String
    let requiresAuthentication: Bool
    /// What a classic token needs here, sent back as `x-accepted-oauth-scopes`.
    let acceptedScopes: String
    let handle: Handler

    /// A route for `pattern` such as `/repos/{owner}/{repo}/actions/secrets/{name}`.
    init(
        _ method: String, _ pattern: String, counted counterKey: String, requiresAuthentication: Bool = true,
        acceptedScopes: String = "", handle: @escaping Handler
    ) {
        self.method = method
        segments = pattern.split(separator: "/").map { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return .literal(String(part)) }
            let name = part.dropFirst().dropLast()
            return name.hasSuffix("+") ? .rest(String(name.dropLast())) : .parameter(String(name))
        }
        self.counterKey = counterKey
        self.requiresAuthentication = requiresAuthentication
        self.acceptedScopes = acceptedScopes
        self.handle = handle
    }

    /// The path parameters when `path` (no query) fits this route's pattern.
    func match(path: String) -> [String: String]? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if case .rest = segments.last, parts.count >= segments.count {
            parts = Array(parts.prefix(segments.count - 1)) + [parts.dropFirst(segments.count - 1).joined(separator: "/")]
        }
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            let decoded = PercentEncoding.decode(String(part)) ?? String(part)
            switch segment {
            case .literal(let literal):
                guard literal == decoded else { return nil }
            case .parameter(let name), .rest(let name):
                guard !decoded.isEmpty else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }
}

/// What a handler gets besides the state: the request, its path parameters and the caller.
struct RouteContext: Sendable {
    let request: ServerRequest
    let parameters: [String: String]
    /// The authenticated token, when the request carried a valid one.
    let token: TokenRecord?
    let now: Date
    /// `http://host:port` the client addressed, for links.
    let baseURL: String
    /// The App a valid JWT authenticated, when the request carried one (`Apps/`).
    var app: Int? = nil

    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
