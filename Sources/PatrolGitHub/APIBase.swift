import FoundationEssentials
import PatrolHTTP

/// The GitHub REST API root patrol talks to: `https://api.github.com`, a GitHub Enterprise Server's
/// `https://HOST/api/v3`, or a loopback simulator over `http://`.
public struct APIBase: Sendable, Equatable {
    /// Scheme, host, optional port and path, without a trailing slash.
    public let url: String
    /// The host, lower-cased, without brackets or port (`::1`, not `[::1]`).
    public let host: String
    /// True for `https://`.
    public let isHTTPS: Bool
    /// Where the URL came from, for advice: `--api-url`, `$GITHUB_API_URL`, `apiURL in the config`, or
    /// `the default` (not part of equality).
    public let source: String

    /// The public API of github.com.
    public static let gitHubDotCom = APIBase(checked: "https://api.github.com", host: "api.github.com", isHTTPS: true,
                                             source: APIBase.defaultSource)

    /// How ``source`` names the built-in default.
    public static let defaultSource = TransportError.defaultURLSource

    /// Parses and checks `raw`; `source` names where it came from in the error (`--api-url`, `$GITHUB_API_URL`, …).
    public init(_ raw: String, source: String? = nil) throws(APIBaseError) {
        let parts = URLParts(raw)
        if let failure = parts.failure { throw APIBaseError(value: raw, reason: failure, source: source) }
        if parts.hasQueryOrFragment { throw APIBaseError(value: raw, reason: .queryOrFragment, source: source) }
        if !parts.isHTTPS && !APIBase.isLoopback(host: parts.host) {
            throw APIBaseError(value: raw, reason: .plainHTTPOffLoopback, source: source)
        }
        self.init(checked: parts.normalized, host: parts.host, isHTTPS: parts.isHTTPS, source: source ?? "--api-url")
    }

    private init(checked url: String, host: String, isHTTPS: Bool, source: String) {
        self.url = url
        self.host = host
        self.isHTTPS = isHTTPS
        self.source = source
    }

    public static func == (lhs: APIBase, rhs: APIBase) -> Bool {
        lhs.url == rhs.url && lhs.host == rhs.host && lhs.isHTTPS == rhs.isHTTPS
    }

    /// `https://HOST/api/v3 (from $GITHUB_API_URL)`, for messages.
    public var described: String {
        source == APIBase.defaultSource ? "\(url) (the default; set --api-url, GITHUB_API_URL or apiURL in the config to change it)"
            : "\(url) (from \(source))"
    }

    /// The error for a `GET /user` answered 404: no GitHub API is at this URL.
    public var notAnAPIRoot: WrongAPIURLError { WrongAPIURLError(base: self) }

    /// True when the host is this machine (127.0.0.0/8, `::1`, `localhost`): the only hosts `http://` is allowed for.
    public var isLoopback: Bool { APIBase.isLoopback(host: host) }

    /// True for github.com's own API, `api.github.com`.
    public var isGitHubDotCom: Bool { host == "api.github.com" }

    /// The host of the web interface: `github.com` for `api.github.com`, `NAME.ghe.com` for `api.NAME.ghe.com`,
    /// and the API host itself (with its port) for GitHub Enterprise Server's `https://HOST/api/v3`.
    public var webHost: String {
        if isGitHubDotCom { return "github.com" }
        if host.hasPrefix("api."), host.hasSuffix(".ghe.com") { return String(host.dropFirst("api.".count)) }
        let authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
        return String(authority)
    }

    /// The web root that goes with this API, under which every github.com page patrol links lives (token pages,
    /// settings, a repository's pages): `https://github.com` for api.github.com, `https://NAME.ghe.com` for
    /// `api.NAME.ghe.com`, `https://HOST` for an Enterprise Server's `https://HOST/api/v3`, the simulator's own
    /// `http://` root on loopback. The one place a web address is derived from the API's.
    public var webRoot: String { "\(isHTTPS ? "https" : "http")://\(webHost)" }

    /// A page under ``webRoot``, such as `/settings/tokens` (leading slash optional).
    public func webPage(_ path: String) -> String {
        path.isEmpty || path.hasPrefix("/") ? webRoot + path : webRoot + "/" + path
    }

    /// The absolute URL of an API path such as `/repos/o/r/actions/secrets/public-key` (leading slash optional).
    public func url(_ path: String) -> String {
        path.hasPrefix("/") ? url + path : url + "/" + path
    }

    /// Picks the API base by precedence: `--api-url`, then `$GITHUB_API_URL` (set by GitHub Actions),
    /// then the config file's `apiURL`, then `https://api.github.com`. An empty environment variable counts as unset.
    public static func resolve(flag: String?, environment: [String: String], config: String?) throws(APIBaseError) -> APIBase {
        if let flag { return try APIBase(flag, source: "--api-url") }
        if let fromEnvironment = environment["GITHUB_API_URL"], !fromEnvironment.isEmpty {
            return try APIBase(fromEnvironment, source: "$GITHUB_API_URL")
        }
        if let config { return try APIBase(config, source: "apiURL in the config") }
        return .gitHubDotCom
    }

    /// True for `localhost`, any 127.0.0.0/8 address and `::1` in any spelling.
    public static func isLoopback(host: String) -> Bool { URLParts.isLoopback(host: host) }
}

/// `GET /user` answered 404: whatever serves the API URL, it is not the root of GitHub's REST API (a path
/// that lacks `/api/v3` on Enterprise Server, or has it where the server serves at its root).
/// patrol exits with code 2: a configuration error, and nothing reached GitHub's API.
public struct WrongAPIURLError: Error, CustomStringConvertible, Sendable {
    public let base: APIBase

    public var description: String {
        var text = "GET \(base.url)/user answered 404: the API URL \(base.described) is wrong — no GitHub API answers there."
        if base.isGitHubDotCom {
            text += " github.com's API is https://api.github.com"
        } else if base.url.hasSuffix("/api/v3") {
            text += " GitHub Enterprise Server's API is https://HOST/api/v3; check the host, or try the URL without /api/v3 if this server serves the API at its root"
        } else {
            text += " For GitHub Enterprise Server it ends in /api/v3 (https://HOST/api/v3); for github.com it is https://api.github.com"
        }
        return text + ". Fix \(base.source == APIBase.defaultSource ? "--api-url, GITHUB_API_URL or apiURL in the config" : base.source)"
    }

    package init(base: APIBase) {
        self.base = base
    }
}

/// Why an API URL was refused. Patrol exits with code 2 before sending any request.
public struct APIBaseError: Error, Equatable, CustomStringConvertible {
    /// What is wrong with the URL.
    public typealias Reason = URLProblem

    /// The URL as given.
    public let value: String
    public let reason: Reason
    /// Where the URL came from (`--api-url`, `$GITHUB_API_URL`, `apiURL in the config`), when known.
    public let source: String?

    public init(value: String, reason: Reason, source: String? = nil) {
        self.value = value
        self.reason = reason
        self.source = source
    }

    public var description: String {
        let subject = "\(source ?? "API URL") \"\(value)\""
        switch reason {
        case .empty:
            return "\(source ?? "the API URL") is empty — give a URL such as https://api.github.com or https://HOST/api/v3"
        case .unsupportedScheme:
            return "\(subject) is not an https:// URL — use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server"
        case .plainHTTPOffLoopback:
            return "\(subject) uses plain http:// to a host that is not this machine, so the token would cross the network in clear"
                + " — use https://, or http:// only for a loopback address (127.0.0.1, [::1], localhost)"
        case .userInfo:
            return "\(subject) carries a user name or password — remove the part before '@'; patrol sends its token in a header"
        case .queryOrFragment:
            return "\(subject) has a query or fragment — give only the API root, such as https://HOST/api/v3"
        case .missingHost:
            return "\(subject) has no host — give a URL such as https://api.github.com"
        case .invalidHost:
            return "\(subject) has an invalid host — use a host name or an IP address (IPv6 in brackets)"
        case .invalidPort:
            return "\(subject) has an invalid port — use a number from 1 to 65535 after the host"
        }
    }
}
