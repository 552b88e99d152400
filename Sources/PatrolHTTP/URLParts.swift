import FoundationEssentials
import Glibc

/// The pieces of an `http(s)://host[:port][/path]` URL, checked strictly enough to refuse anything patrol must not send to.
package struct URLParts: Equatable {
    package var isHTTPS: Bool
    /// Lower-cased, without brackets.
    package var host: String
    /// As written, digits only, or nil.
    package var port: String?
    /// Without trailing slashes; empty or starting with `/`.
    package var path: String
    /// True when a `?` or `#` follows the path (fine for a request URL, refused for an API base).
    package var hasQueryOrFragment = false

    /// `scheme://host[:port]path`, IPv6 hosts in brackets, without query or fragment.
    package var normalized: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return (isHTTPS ? "https://" : "http://") + hostPart + (port.map { ":" + $0 } ?? "") + path
    }

    /// Why `raw` was refused, or nil when every part is acceptable.
    package private(set) var failure: URLProblem?

    /// Splits and checks `raw`; read ``failure`` before the other parts.
    package init(_ raw: String) {
        isHTTPS = false
        host = ""
        path = ""
        guard !raw.isEmpty else { failure = .empty; return }
        let lowered = raw.lowercased()
        var rest: Substring
        if lowered.hasPrefix("https://") {
            isHTTPS = true
            rest = raw.dropFirst("https://".count)
        } else if lowered.hasPrefix("http://") {
            rest = raw.dropFirst("http://".count)
        } else {
            failure = .unsupportedScheme
            return
        }
        let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
        hasQueryOrFragment = beforeQuery.count < rest.count
        rest = beforeQuery
        if rest.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false }) {
            failure = .invalidHost
            return
        }
        let authority = rest.prefix { $0 != "/" }
        var trimmedPath = rest.dropFirst(authority.count)
        while trimmedPath.hasSuffix("/") { trimmedPath = trimmedPath.dropLast() }
        path = String(trimmedPath)
        if authority.contains("@") { failure = .userInfo; return }
        guard !authority.isEmpty else { failure = .missingHost; return }

        var hostPart: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { failure = .invalidHost; return }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { failure = .invalidHost; return }
                port = String(after.dropFirst())
            }
            var probe = in6_addr()
            // Why unsafe: inet_pton writes at most sizeof(in6_addr) bytes into `probe`.
            guard inet_pton(AF_INET6, String(hostPart), &probe) == 1 else { failure = .invalidHost; return }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { failure = .invalidHost; return }
            hostPart = pieces[0]
            if pieces.count == 2 { port = String(pieces[1]) }
            let allowed = hostPart.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
            guard allowed else { failure = .invalidHost; return }
        }
        guard !hostPart.isEmpty else { failure = .missingHost; return }
        host = hostPart.lowercased()
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber),
                  let number = Int(port), (1...65535).contains(number) else { failure = .invalidPort; return }
        }
    }

    /// True for `localhost`, any 127.0.0.0/8 address and `::1` in any spelling.
    package static func isLoopback(host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" || bare == "localhost." { return true }
        var v4 = in_addr()
        // Why unsafe: inet_pton writes at most sizeof(in_addr) bytes into `v4`.
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        // Why unsafe: inet_pton writes at most sizeof(in6_addr) bytes into `v6`; the tuple is read as 16 bytes.
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
        }
        return false
    }
}

/// What is wrong with a URL patrol was asked to send to.
public enum URLProblem: Equatable, Sendable {
    case empty
    case unsupportedScheme
    case plainHTTPOffLoopback
    case userInfo
    case queryOrFragment
    case missingHost
    case invalidHost
    case invalidPort
}
