import FoundationEssentials
import PatrolSupport
import PatrolSecrets

/// The answer to `POST /app/installations/{id}/access_tokens`, read without the token ever becoming a `String`:
/// its bytes go from the body straight into a ``Token`` and are overwritten in the body before the rest is
/// decoded as JSON.
struct InstallationTokenAnswer {
    let token: Token
    let expiresAt: Date
    let permissions: [String: String]
    let repositorySelection: String?

    /// Reads `body` (which this zeroes) or returns nil when it holds no `"token"` string or no readable `expires_at`.
    static func read(_ body: inout [UInt8]) -> InstallationTokenAnswer? {
        defer { TokenSource.zero(&body) }
        guard let range = tokenValueRange(in: body) else { return nil }
        let token = Token(bytes: body[range])
        for index in range { body[index] = UInt8(ascii: "x") }
        struct Rest: Decodable { let expires_at: String; let permissions: [String: String]?; let repository_selection: String? }
        guard let rest = try? JSONDecoder().decode(Rest.self, from: Data(body)), let expiresAt = ISO8601.parse(rest.expires_at) else { return nil }
        return InstallationTokenAnswer(token: token, expiresAt: expiresAt, permissions: rest.permissions ?? [:],
                                       repositorySelection: rest.repository_selection)
    }

    /// Where the value of the top-level `"token"` key lies in `body` (between its quotes). Installation tokens are
    /// `ghs_`, base62 characters and dots, so a value with a backslash is not one.
    static func tokenValueRange(in body: [UInt8]) -> Range<Int>? {
        let key = Array(#""token""#.utf8)
        var depth = 0, index = 0, inString = false
        while index < body.count {
            let byte = body[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                if depth == 1, body[index...].starts(with: key) {
                    var cursor = index + key.count
                    while cursor < body.count, body[cursor] == 0x20 || body[cursor] == 0x0A || body[cursor] == 0x0D || body[cursor] == 0x09 { cursor += 1 }
                    guard cursor < body.count, body[cursor] == UInt8(ascii: ":") else { inString = true; break }
                    cursor += 1
                    while cursor < body.count, body[cursor] == 0x20 || body[cursor] == 0x0A || body[cursor] == 0x0D || body[cursor] == 0x09 { cursor += 1 }
                    guard cursor < body.count, body[cursor] == UInt8(ascii: "\"") else { return nil }
                    let start = cursor + 1
                    guard let end = body[start...].firstIndex(of: UInt8(ascii: "\"")), end > start,
                          !body[start..<end].contains(UInt8(ascii: "\\")) else { return nil }
                    return start..<end
                }
                inString = true
            default: break
            }
            index += 1
        }
        return nil
    }
}
