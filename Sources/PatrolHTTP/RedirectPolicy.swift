import FoundationEssentials

/// Which redirects patrol follows (spec §4), in one place: libcurl follows none (`CURLOPT_FOLLOWLOCATION` 0).
///
/// GitHub answers a renamed or transferred repository's old name with 301 (GET) or 307 (other methods) and
/// `Location: …/repositories/{id}/…`. patrol follows 301, 302, 307 and 308 to the same scheme, host and port
/// only, at most ``maxHops`` times, keeping the Authorization header. 307 and 308 keep the method and body;
/// 301 and 302 are followed for GET only (a client may turn any other method into a GET there, so patrol
/// refuses rather than guess). A redirect anywhere else is never followed with the token: it is an error.
public enum RedirectPolicy {
    /// Redirects followed for one request before giving up.
    public static let maxHops = 5
    /// The statuses followed.
    public static let followed: Set<Int> = [301, 302, 307, 308]

    /// The request to send after `response` answered `request` (which `original` started), nil when the
    /// response is final; throws ``RedirectError`` for a redirect patrol must not follow.
    public static func next(after response: HTTPResponse, to request: HTTPRequest, original: HTTPRequest,
                            hops: Int) throws(RedirectError) -> HTTPRequest? {
        guard followed.contains(response.status), let location = response.headers["location"], !location.isEmpty else { return nil }
        let target = resolve(location, against: request.url)
        func refuse(_ reason: RedirectError.Reason) -> RedirectError {
            RedirectError(method: original.method.rawValue, url: original.url, status: response.status, location: target ?? location, reason: reason)
        }
        guard let target else { throw refuse(.unreadableLocation) }
        guard hops < maxHops else { throw refuse(.tooMany) }
        guard sameOrigin(target, original.url) else { throw refuse(.otherHost) }
        if response.status == 301 || response.status == 302, request.method != .get { throw refuse(.methodWouldChange) }
        var next = request
        next.url = target
        return next
    }

    /// `Location` as an absolute URL: absolute as sent, `//host/…` with the request's scheme, `/path` on the
    /// request's origin, anything else relative to the request's path. nil when it cannot be made absolute.
    package static func resolve(_ location: String, against url: String) -> String? {
        let lowered = location.lowercased()
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") { return location }
        let base = URLParts(url)
        guard base.failure == nil else { return nil }
        let scheme = base.isHTTPS ? "https:" : "http:"
        if location.hasPrefix("//") { return scheme + location }
        let origin = origin(of: base)
        if location.hasPrefix("/") { return origin + location }
        guard !location.contains("://") else { return nil }
        let directory = base.path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return origin + directory + "/" + location
    }

    /// True when both URLs have the same scheme, host and port (the port defaulted from the scheme).
    package static func sameOrigin(_ first: String, _ second: String) -> Bool {
        let a = URLParts(first), b = URLParts(second)
        guard a.failure == nil, b.failure == nil else { return false }
        return a.isHTTPS == b.isHTTPS && a.host == b.host && effectivePort(a) == effectivePort(b)
    }

    private static func effectivePort(_ parts: URLParts) -> String { parts.port ?? (parts.isHTTPS ? "443" : "80") }

    private static func origin(of parts: URLParts) -> String {
        var origin = parts
        origin.path = ""
        return origin.normalized
    }
}

/// A redirect patrol did not follow: to another host or scheme (the token would go with it), too many, or
/// one that would change the method. No further request was sent for it.
public struct RedirectError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case otherHost, tooMany, methodWouldChange, unreadableLocation
    }

    /// The request as patrol first sent it.
    public let method: String
    public let url: String
    /// The redirect's status and where it pointed.
    public let status: Int
    public let location: String
    public let reason: Reason

    public var description: String {
        let asked = "\(method) \(url) answered \(status) with Location \(location)"
        switch reason {
        case .otherHost:
            return "\(asked): patrol follows redirects only to the same scheme and host, so the token never reaches another server;"
                + " if GitHub's API really moved, point --api-url (or GITHUB_API_URL, or apiURL in the config) at the new host"
        case .tooMany:
            return "\(asked): more than \(RedirectPolicy.maxHops) redirects in a row — the server is redirecting in a loop; check the API URL"
        case .methodWouldChange:
            return "\(asked): a \(status) to a \(method) may only be followed as a GET, which would not do what was asked; patrol stops here"
        case .unreadableLocation:
            return "\(asked): the Location is not a URL patrol can follow"
        }
    }

    package init(method: String, url: String, status: Int, location: String, reason: Reason) {
        self.method = method
        self.url = url
        self.status = status
        self.location = location
        self.reason = reason
    }
}

/// Sends through another transport and follows redirects by ``RedirectPolicy``; a response reached
/// through one carries the URL that answered in ``HTTPResponse/redirectedTo``.
public struct RedirectingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let onRedirect: (@Sendable (String) -> Void)?

    /// - Parameter onRedirect: receives one line per redirect followed (for `--verbose`).
    public init(_ base: any HTTPTransport, onRedirect: (@Sendable (String) -> Void)? = nil) {
        self.base = base
        self.onRedirect = onRedirect
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var current = request
        var hops = 0
        while true {
            var response = try await base.send(current)
            guard let next = try RedirectPolicy.next(after: response, to: current, original: request, hops: hops) else {
                if hops > 0 { response.redirectedTo = current.url }
                return response
            }
            onRedirect?("↪ \(response.status) \(current.method.rawValue) \(current.url) → \(next.url)")
            hops += 1
            current = next
        }
    }
}
