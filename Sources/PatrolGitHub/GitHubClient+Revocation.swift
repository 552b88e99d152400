import FoundationEssentials
import PatrolSecrets

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
        _ = try await send(.post, "/credentials/revoke", body: body, authenticated: false, expecting: [202])
    }

    /// `{"credentials":["…","…"]}` with each token's bytes JSON-escaped.
    package static func revocationBody(_ tokens: [Token]) -> [UInt8] {
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
