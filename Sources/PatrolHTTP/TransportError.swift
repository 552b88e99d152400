import FoundationEssentials

/// A request that got no HTTP response: connection refused, timeout, TLS failure, a body over the cap.
/// An HTTP error status is not a `TransportError`; it is an ``HTTPResponse`` with that status.
public struct TransportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in the terms a user acts on.
    public enum Kind: String, Sendable, Equatable {
        /// The host could not be resolved or refused the connection.
        case connect
        /// The connect or total timeout passed.
        case timeout
        /// The TLS handshake or the certificate check failed.
        case tls
        /// The connection broke after it was made (empty reply, reset, send or receive failure).
        case connectionLost
        /// The response body was larger than the configured cap.
        case tooLarge
        /// The caller cancelled, or the transport shut down before the request finished.
        case cancelled
        /// The request cannot be sent as built (bad URL, a protocol patrol refuses, a line break in a header).
        case invalidRequest
        /// Anything else libcurl reports.
        case other
    }

    public let kind: Kind
    /// libcurl's `CURLcode` (0 when the failure did not come from libcurl).
    public let curlCode: Int
    /// libcurl's error-buffer text (the specific cause), else ``curlMessage``, else patrol's own explanation.
    public let detail: String
    /// `curl_easy_strerror` of ``curlCode`` (the generic cause); empty when the failure did not come from libcurl.
    public let curlMessage: String
    /// The request's method.
    public let method: String
    /// The request's URL.
    public let url: String
    /// Times the request was sent before this failure, retries included (set by ``RetryingTransport``).
    public var attempts = 1
    /// The CA file the TLS check used (nil: the system store alone), named in a TLS failure.
    public var caFile: CAFile?
    /// Where the API URL came from (`--api-url`, `$GITHUB_API_URL`, …), named in the advice; nil says `--api-url`.
    public var apiURLSource: String?

    public init(kind: Kind, curlCode: Int = 0, curlMessage: String = "", detail: String, method: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.curlMessage = curlMessage
        self.detail = detail.isEmpty ? curlMessage : detail
        self.method = method
        self.url = url
    }

    /// True when sending the same request again may succeed: the failure is about the network, not the request.
    public var isTransient: Bool {
        switch kind {
        case .connect, .timeout, .connectionLost, .other: true
        case .tls, .tooLarge, .cancelled, .invalidRequest: false
        }
    }

    /// True when the request provably never reached the server, so even a non-idempotent one may be sent again.
    public var neverReachedServer: Bool { kind == .connect }

    /// The host of ``url``, for messages.
    public var host: String {
        let parts = URLParts(url)
        return parts.failure == nil ? parts.host : url
    }

    /// The ``apiURLSource`` of a URL nobody chose (patrol's default API URL), which the advice words differently.
    public static let defaultURLSource = "the default"

    public var description: String {
        let request = "\(method) \(url)"
        let code = curlCode == 0 ? "" : " (curl error \(curlCode))"
        let urlSource = apiURLSource == Self.defaultURLSource
            ? "the default (change it with --api-url, GITHUB_API_URL or apiURL in the config)" : apiURLSource ?? "--api-url"
        switch kind {
        case .connect:
            return "could not connect to \(host): \(detail)\(code) — check the network, the proxy (HTTPS_PROXY) or the API URL from \(urlSource)"
        case .timeout:
            return "\(request) timed out: \(detail)\(code) — the network or GitHub is slow; try again, or check the network or the API URL from \(urlSource)"
        case .tls:
            let trusted = caFile.map { "the system store and \($0.description)" } ?? "the system store only"
            return "the TLS connection to \(host) failed: \(detail)\(code) — patrol trusts \(trusted); if \(host), or a proxy on the way,"
                + " uses a private CA, give that CA's certificate with --ca-file PATH, PATROL_CA_FILE or SSL_CERT_FILE"
                + " (patrol never turns verification off); also check the API URL from \(urlSource)"
        case .connectionLost:
            return "the connection to \(host) broke during \(request): \(detail)\(code) — try again; if it persists, check the network or proxy"
        case .tooLarge:
            return "the response to \(request) is too large: \(detail) — patrol refuses oversized responses; check that the API URL from \(urlSource) points at a GitHub API"
        case .cancelled:
            return "\(request) was cancelled: \(detail)"
        case .invalidRequest:
            return "\(request) cannot be sent: \(detail)\(code)"
        case .other:
            return "\(request) failed: \(detail)\(code)"
        }
    }
}
