import FoundationEssentials

/// The proxy libcurl will use for a URL, worked out from the environment by curl's own rules, so that
/// `--verbose` can name it. libcurl reads the variables itself; this only describes its choice.
///
/// curl's rules (libcurl 7.88) for `https://`: `https_proxy`, then `HTTPS_PROXY`, then `all_proxy` or
/// `ALL_PROXY`. Plain `http://` (loopback only) never goes through a proxy: patrol sets `CURLOPT_NOPROXY` there,
/// since a proxy would read the request, Authorization included, in clear. `no_proxy`, then `NO_PROXY`, lists hosts to reach directly: `*` for all, a host name
/// that also matches its subdomains (a leading dot is optional), or an IP address, separated by commas or spaces.
public struct ProxyChoice: Sendable, Equatable {
    /// The proxy URL, credentials removed; nil for a direct connection.
    public let proxy: String?
    /// The variable the proxy came from, or the `no_proxy` variable that sent the host around it.
    public let variable: String?
    /// The host of the URL asked about.
    public let host: String
    /// True for a plain `http://` URL (loopback only), which patrol never sends through a proxy (`CURLOPT_NOPROXY`).
    public let plainLoopback: Bool

    /// What libcurl will do for `url` with `environment`.
    public init(for url: String, environment: [String: String]) {
        let parts = URLParts(url)
        host = parts.host
        plainLoopback = !parts.isHTTPS
        guard parts.isHTTPS, let (name, value) = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"].lazy
            .compactMap({ name in environment[name].flatMap { $0.isEmpty ? nil : (name, $0) } }).first
        else {
            proxy = nil
            variable = nil
            return
        }
        for noProxyName in ["no_proxy", "NO_PROXY"] {
            guard let list = environment[noProxyName], !list.isEmpty else { continue }
            if Self.bypasses(host: parts.host, list: list) {
                proxy = nil
                variable = noProxyName
                return
            }
            break // curl reads only the first of the two that is set
        }
        proxy = Self.withoutCredentials(value)
        variable = name
    }

    /// One line for `--verbose`: which proxy requests to the host go through, and why.
    public var description: String {
        if let proxy, let variable {
            return "proxy: \(proxy) (from \(variable)) for \(host); TLS to \(host) is tunnelled through it (CONNECT), so it never sees the token"
        }
        if plainLoopback { return "proxy: none for \(host) (plain http:// to this machine never goes through a proxy)" }
        if let variable { return "proxy: none for \(host) (listed in \(variable))" }
        return "proxy: none for \(host) (HTTPS_PROXY, https_proxy and ALL_PROXY are unset)"
    }

    /// True when `list` (a `no_proxy` value) names `host` or a domain it belongs to.
    package static func bypasses(host: String, list: String) -> Bool {
        let host = host.lowercased()
        let entries = list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        for var entry in entries {
            if entry == "*" { return true }
            if entry.hasPrefix("[") , entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
            if entry.hasPrefix(".") { entry.removeFirst() }
            while entry.hasSuffix(".") { entry.removeLast() }
            guard !entry.isEmpty else { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `http://user:secret@proxy:3128` → `http://proxy:3128`: a proxy password never reaches the output.
    package static func withoutCredentials(_ value: String) -> String {
        let schemeEnd = value.firstRange(of: "://").map(\.upperBound) ?? value.startIndex
        let authorityEnd = value[schemeEnd...].firstIndex(of: "/") ?? value.endIndex
        guard let at = value[schemeEnd..<authorityEnd].lastIndex(of: "@") else { return value }
        return String(value[..<schemeEnd]) + String(value[value.index(after: at)...])
    }
}
