import FoundationEssentials
internal import CCurl
internal import CSodium
import PatrolSecrets

/// One libcurl easy handle configured for one request, and what it receives. Lives on the transport's thread only.
///
/// It owns every C resource the handle points at (header list, error buffer, callbacks' userdata is `self`),
/// and `deinit` cleans the handle up before those are released.
package final class CurlEasy {
    /// The `CURL *`, also the key under which the multi loop finds this transfer.
    package let handle: UnsafeMutableRawPointer
    private let headerList = CurlHeaderList()
    /// `CURLOPT_ERRORBUFFER`: curl writes a NUL-terminated message here when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxBodyBytes: Int
    private let caFile: CAFile?
    private let apiURLSource: String?

    package private(set) var responseHeaders = HTTPHeaders()
    package private(set) var body: [UInt8] = []
    /// Set when the write callback refused a body over ``maxBodyBytes``.
    package private(set) var bodyTooLarge = false

    package let method: String
    package let url: String

    /// Builds and configures the handle; throws when the request cannot be sent as built.
    package init(request: HTTPRequest, configuration: TransportConfiguration) throws(TransportError) {
        method = request.method.rawValue
        url = request.url
        maxBodyBytes = configuration.maxResponseBytes
        caFile = configuration.caFile
        apiURLSource = configuration.apiURLSource
        func refuse(_ detail: String) -> TransportError {
            TransportError(kind: .invalidRequest, detail: detail, method: request.method.rawValue, url: request.url)
        }
        guard let handle = curl_easy_init() else { throw refuse("libcurl could not create a handle (out of memory)") }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))

        let target = URLParts(request.url)
        guard target.failure == nil else { throw refuse("the URL is not an absolute http(s) URL without a user name") }
        let loopback = URLParts.isLoopback(host: target.host)
        guard target.isHTTPS || loopback else {
            throw refuse("plain http:// is only used for loopback hosts; the token would cross the network in clear — use https://")
        }
        // Plain http stays possible only while talking to this machine, for the simulator.
        let protocols = loopback ? "http,https" : "https"
        // A proxy would see plain http in clear, Authorization included: loopback http never goes through one.
        if !target.isHTTPS { try setString(CURLOPT_NOPROXY, "*") }

        try setLong(CURLOPT_NOSIGNAL, 1)
        try setString(CURLOPT_URL, request.url)
        try setString(CURLOPT_PROTOCOLS_STR, protocols)
        // curl does not follow redirects: `RedirectPolicy` decides which to follow (same scheme and host only,
        // method and body kept on 307/308), so a renamed repository is noticed and the token never leaves the host.
        try setLong(CURLOPT_FOLLOWLOCATION, 0)
        try setLong(CURLOPT_SSL_VERIFYPEER, 1)
        try setLong(CURLOPT_SSL_VERIFYHOST, 2)
        // A private CA (a GHES server's, a TLS-inspecting proxy's) is trusted besides the system store.
        if let caFile = configuration.caFile { try setString(CURLOPT_CAINFO, caFile.path) }
        try setLong(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // With HTTP/2, wait for a connection that can multiplex rather than opening another. Only over TLS, where
        // HTTP/2 is offered: over plain http every request of a first wave would wait for the first one's answer.
        if request.url.lowercased().hasPrefix("https:") { try setLong(CURLOPT_PIPEWAIT, 1) }
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        try setLong(CURLOPT_TIMEOUT_MS, configuration.timeout.milliseconds)
        try setString(CURLOPT_ACCEPT_ENCODING, "")
        try setOffset(CURLOPT_MAXFILESIZE_LARGE, Int64(configuration.maxResponseBytes))
        // Why unsafe: curl writes into this buffer until the handle is cleaned up in deinit, which happens before it is freed.
        try check(CCurl_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer))

        // Why Unmanaged (unretained): curl calls back only while the handle exists, and the handle is
        // cleaned up in this object's deinit, so `self` outlives every callback without an extra retain.
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        try check(CCurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
            // Why unsafe: curl guarantees `size * count` readable bytes at `data` for the duration of the call.
            return easy.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        try check(CCurl_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, userdata))
        try check(CCurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
            // Why unsafe: as for the body, `size * count` bytes of one whole header line are readable during the call.
            easy.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        try check(CCurl_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, userdata))

        try setMethodAndBody(request)
        try setHeaders(request, defaults: configuration.defaultHeaders)
    }

    deinit {
        // The handle goes first: it points at the header list and the error buffer.
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    // MARK: Results

    /// The status of the last response in a redirect chain.
    package var status: Int { Int(getLong(CURLINFO_RESPONSE_CODE)) }

    /// New connections this transfer had to open (0 when it reused one).
    package var connectionsOpened: Int { Int(getLong(CURLINFO_NUM_CONNECTS)) }

    /// The error for a transfer that ended with `code`.
    func error(for code: CURLcode) -> TransportError {
        let generic = String(cString: curl_easy_strerror(code))
        // Why unsafe: curl NUL-terminates the error buffer within CURL_ERROR_SIZE bytes; it is still zeroed otherwise.
        let specific = String(cString: errorBuffer)
        var kind = TransportError.kind(for: code)
        var detail = specific
        if bodyTooLarge || code == CURLE_FILESIZE_EXCEEDED {
            kind = .tooLarge
            detail = "more than \(maxBodyBytes) bytes"
        }
        var error = TransportError(kind: kind, curlCode: Int(code.rawValue), curlMessage: generic, detail: detail, method: method, url: url)
        error.caFile = caFile
        error.apiURLSource = apiURLSource
        return error
    }

    // MARK: Callbacks

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= maxBodyBytes else {
            bodyTooLarge = true
            return 0 // fewer bytes than given: curl stops with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Parsed as bytes, before any String is made (a measurable share of a small run's CPU): HTTP's optional
        // whitespace around a value is spaces and tabs only, and "\r\n" is one Character in a Swift String.
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d }
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: an earlier response of a redirect chain (or a 100 Continue) is over.
            responseHeaders = HTTPHeaders()
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let trimmed = { (range: Range<Int>) -> String in
            var (start, end) = (range.lowerBound, range.upperBound)
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        let name = trimmed(0..<colon)
        guard !name.isEmpty else { return }
        responseHeaders.add(name, trimmed((colon + 1)..<bytes.count))
    }

    // MARK: Set-up

    private func setMethodAndBody(_ request: HTTPRequest) throws(TransportError) {
        // libcurl silently sends a request again when a reused connection dies before any answer, even
        // after the server acted on it; a POST or PATCH must not be sent twice, so it gets a fresh connection.
        if !request.method.isIdempotent { try setLong(CURLOPT_FRESH_CONNECT, 1) }
        switch request.method {
        case .get where request.body == nil:
            try setLong(CURLOPT_HTTPGET, 1)
            return
        default:
            try setString(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        // PUT, POST and PATCH always carry a body (an empty one sends `Content-Length: 0`, which GitHub requires).
        let body = request.body ?? []
        try setOffset(CURLOPT_POSTFIELDSIZE_LARGE, Int64(body.count))
        // Why unsafe: COPYPOSTFIELDS copies exactly POSTFIELDSIZE bytes during this call, so the pointer need not outlive it.
        // An empty array may have no storage, so an empty body points at a one-byte buffer instead.
        let code = body.isEmpty
            ? [UInt8(0)].withUnsafeBytes { CCurl_easy_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            : body.withUnsafeBytes { CCurl_easy_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        try check(code)
    }

    private func setHeaders(_ request: HTTPRequest, defaults: HTTPHeaders) throws(TransportError) {
        var headers = defaults
        for field in request.headers { headers.set(field.name, field.value) }
        if request.method != .get, headers["Content-Type"] == nil {
            headers.set("Content-Type", "application/json")
        }
        // An empty `Expect:` stops curl from waiting for `100 Continue` before larger bodies.
        headers.set("Expect", "")
        for field in headers {
            guard CurlEasy.isHeaderName(field.name), !field.value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
                throw invalid("the header \"\(field.name)\" has a line break or a character headers cannot carry")
            }
            if field.name.lowercased() == "authorization" {
                throw invalid("an Authorization header must come from the request's bearer token, not its headers")
            }
            guard headerList.append(field.value.isEmpty ? "\(field.name):" : "\(field.name): \(field.value)") else {
                throw invalid("out of memory while building headers")
            }
        }
        if let token = request.bearer { try appendAuthorization(token) }
        try check(CCurl_easy_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList.head))
    }

    /// Adds `Authorization: Bearer <token>` built in sodium-guarded memory, so the token never becomes a Swift `String`.
    private func appendAuthorization(_ token: Token) throws(TransportError) {
        Sodium.require()
        let prefix = Array("Authorization: Bearer ".utf8)
        let appended: Bool? = token.withUnsafeBytes { bytes -> Bool? in
            // Visible ASCII only: anything else would break or inject header lines.
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return nil }
            let size = prefix.count + bytes.count + 1
            guard let buffer = sodium_malloc(size) else { return false }
            // sodium_free zeroes the buffer before releasing it, after curl has copied the line.
            defer { sodium_free(buffer) }
            // Why unsafe: `buffer` holds exactly `size` bytes: the prefix, the token, and the terminating NUL.
            let line = UnsafeMutableRawBufferPointer(start: buffer, count: size)
            line.copyBytes(from: prefix)
            UnsafeMutableRawBufferPointer(rebasing: line[prefix.count..<(prefix.count + bytes.count)]).copyMemory(from: bytes)
            line[size - 1] = 0
            return headerList.append(cString: buffer.assumingMemoryBound(to: CChar.self))
        }
        switch appended {
        case nil: throw invalid("the token is empty or holds a space, a line break or a non-ASCII byte")
        case false?: throw invalid("out of memory while building the Authorization header")
        case true?: break
        }
    }

    private static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (0x21...0x7e).contains(byte) && byte != UInt8(ascii: ":")
        }
    }

    // MARK: Options

    private func invalid(_ detail: String) -> TransportError {
        TransportError(kind: .invalidRequest, detail: detail, method: method, url: url)
    }

    private func check(_ code: CURLcode) throws(TransportError) {
        guard code == CURLE_OK else {
            let generic = String(cString: curl_easy_strerror(code))
            throw TransportError(kind: .invalidRequest, curlCode: Int(code.rawValue), curlMessage: generic,
                                 detail: "libcurl refused an option: \(generic)", method: method, url: url)
        }
    }

    /// - SeeAlso: https://curl.se/libcurl/c/curl_easy_setopt.html
    private func setLong(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(CCurl_easy_setopt_long(handle, option, value))
    }

    /// - SeeAlso: https://curl.se/libcurl/c/curl_easy_setopt.html (strings are copied by curl)
    private func setString(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(value.withCString { CCurl_easy_setopt_ptr(handle, option, $0) })
    }

    private func setOffset(_ option: CURLoption, _ value: Int64) throws(TransportError) {
        try check(CCurl_easy_setopt_off_t(handle, option, curl_off_t(value)))
    }

    private func getLong(_ info: CURLINFO) -> Int {
        var value = 0
        return CCurl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }
}

@available(*, unavailable, message: "a curl easy handle stays on the transport's thread")
extension CurlEasy: Sendable {}

extension TransportError {
    /// The kind of failure a `CURLcode` means.
    static func kind(for code: CURLcode) -> Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            .connect
        case CURLE_OPERATION_TIMEDOUT:
            .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_USE_SSL_FAILED,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_INVALIDCERTSTATUS:
            .tls
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            .connectionLost
        case CURLE_FILESIZE_EXCEEDED:
            .tooLarge
        case CURLE_ABORTED_BY_CALLBACK:
            .cancelled
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            .invalidRequest
        default:
            .other
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a non-zero timeout never becomes curl's "no timeout" 0.
    package var milliseconds: Int {
        let parts = components
        let fromAtto = (parts.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(0, Int(parts.seconds) * 1000 + Int(fromAtto))
    }
}
