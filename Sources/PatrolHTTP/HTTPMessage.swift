import FoundationEssentials
import PatrolSecrets

/// The HTTP methods patrol sends.
public enum HTTPMethod: String, Sendable {
    case get = "GET", put = "PUT", post = "POST", patch = "PATCH", delete = "DELETE"

    /// GET, PUT and DELETE may be sent again after a connection error or a 5xx; a POST that reached the server may not.
    public var isIdempotent: Bool { self == .get || self == .put || self == .delete }
}

/// Header fields, looked up case-insensitively, kept in the order they were added.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    private var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { add(name, value) }
    }

    /// The value of the first field with this name, ignoring case.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field of this name with one field.
    public mutating func set(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lowered }
        fields.append((name, value))
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// One request. The token is carried as a ``Token``, never as a string, so that only the transport
/// ever turns it into header bytes (see `CurlTransport`).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute URL.
    public var url: String
    public var headers: HTTPHeaders
    /// Sent as `Authorization: Bearer …` when set.
    public var bearer: Token?
    public var body: [UInt8]?

    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), bearer: Token? = nil, body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.bearer = bearer
        self.body = body
    }
}

/// One response, whole.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// How many times the request was sent to get this response (1 unless it was retried).
    public var attempts: Int
    /// The URL that gave this response when redirects were followed to reach it (``RedirectingTransport``); nil otherwise.
    public var redirectedTo: String?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }
}

/// Sends requests. ``CurlTransport`` is the real one; commands take any transport so tests can count.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the whole response, whatever its status.
    /// Throws ``TransportError`` when no response arrived (connection refused, timeout, TLS failure).
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
