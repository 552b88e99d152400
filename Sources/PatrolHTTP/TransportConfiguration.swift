import FoundationEssentials

/// How ``CurlTransport`` sends: timeouts, the response cap, how many requests at once, and a verbose hook.
public struct TransportConfiguration: Sendable {
    /// The most requests ever in flight at once, whatever the callers ask for.
    public static let inFlightCeiling = 100

    /// Longest wait for a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Longest time for a whole request, connection included.
    public var timeout: Duration
    /// Responses with a larger body fail with ``TransportError/Kind/tooLarge``.
    public var maxResponseBytes: Int
    /// Requests on the wire at once (1…100); more wait in a queue inside the transport.
    public var maxInFlight: Int
    /// Headers every request carries unless the request sets its own (the caller's: this transport knows no API).
    public var defaultHeaders: HTTPHeaders
    /// Receives one line per request (`→ PUT https://…`) and per response (`← 201 PUT https://… (123 ms)`),
    /// from the transport's thread. Lines never contain headers, so never the Authorization header.
    public var verbose: (@Sendable (String) -> Void)?
    /// A PEM file of CA certificates trusted besides the system store (`CURLOPT_CAINFO`); nil for the system store alone.
    public var caFile: CAFile?
    /// Where the API URL came from (`--api-url`, `$GITHUB_API_URL`, …), for the advice in connection errors.
    public var apiURLSource: String?

    public init(
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int = 8 << 20,
        maxInFlight: Int = TransportConfiguration.inFlightCeiling,
        defaultHeaders: HTTPHeaders = HTTPHeaders(),
        verbose: (@Sendable (String) -> Void)? = nil,
        caFile: CAFile? = nil,
        apiURLSource: String? = nil
    ) {
        self.caFile = caFile
        self.apiURLSource = apiURLSource
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.maxInFlight = min(max(maxInFlight, 1), TransportConfiguration.inFlightCeiling)
        self.defaultHeaders = defaultHeaders
        self.verbose = verbose
    }

    /// ``maxInFlight`` clamped to 1…100 even when set after init.
    package var effectiveMaxInFlight: Int { min(max(maxInFlight, 1), TransportConfiguration.inFlightCeiling) }
}
