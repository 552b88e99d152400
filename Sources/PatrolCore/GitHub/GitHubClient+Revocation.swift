import Foundation

extension GitHubClient {
    /// `POST /credentials/revoke` `{"credentials": [...]}`, sent with no Authorization header (GitHub answers an
    /// authenticated call with 403). Expects 202. github.com only: the caller checks the API base first.
    ///
    /// The body is built byte by byte from each ``Token``'s guarded memory, never as a `String`; the one
    /// plain copy is a `[UInt8]` zeroed when the call returns (libcurl keeps its own copy of a request body
    /// until the transfer ends and frees it without zeroing).
    public func revokeCredentials(_ tokens: [Token]) async throws {
        var body = Self.revocationBody(tokens)
        defer { TokenSource.zero(&body) }
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/json")
        let response = try await transport.send(HTTPRequest(method: .post, url: base.url("/credentials/revoke"),
                                                            headers: headers, bearer: nil, body: body))
        guard response.status == 202 else { throw GitHubError(request: "POST /credentials/revoke", response: response) }
    }

    /// `{"credentials":["…","…"]}` with each token's bytes JSON-escaped.
    static func revocationBody(_ tokens: [Token]) -> [UInt8] {
        var body = [UInt8]()
        // All the room up front: a growing array would free copies of the tokens without zeroing them.
        body.reserveCapacity(32 + tokens.reduce(0) { $0 + 2 * $1.count + 3 })
        body.append(contentsOf: Array("{\"credentials\":[\"".utf8))
        for (index, token) in tokens.enumerated() {
            if index > 0 { body.append(contentsOf: Array("\",\"".utf8)) }
            token.withUnsafeBytes { bytes in
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { body.append(UInt8(ascii: "\\")) }
                    body.append(byte)
                }
            }
        }
        body.append(contentsOf: Array("\"]}".utf8))
        return body
    }
}
