import FoundationEssentials
import PatrolSupport

/// One parsed HTTP/1.1 request as the server hands it to its handler.
struct ServerRequest: Sendable {
    let method: String
    /// The request target as sent: path and query.
    let target: String
    let version: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    /// The first value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The same request for another path, its query kept (routing `/repositories/{id}/…`).
    func routed(to path: String) -> ServerRequest {
        guard path != self.path else { return self }
        let query = target.dropFirst(self.path.count)
        return ServerRequest(method: method, target: path + query, version: version, headers: headers, body: body)
    }

    /// The target without its query.
    var path: String {
        target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
    }

    /// The query parameters, percent-decoded; later duplicates win.
    var query: [String: String] {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = PercentEncoding.decode(String(parts[0])) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentEncoding.decode(String(parts[1])) ?? String(parts[1])) : ""
            result[key] = value
        }
        return result
    }

    /// Whether the client wants the connection kept open after this exchange.
    var keepAlive: Bool {
        let connection = header("Connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}

/// One response the handler wants written.
struct ServerResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What the handler decides for a request: answer it, or close the connection without a word.
enum ServerReply: Sendable {
    case respond(ServerResponse)
    case drop
    /// Writes these bytes as they are (status line, headers, body) and closes the connection.
    case raw([UInt8])
}

/// Reason phrases for the status lines the simulator writes.
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}
