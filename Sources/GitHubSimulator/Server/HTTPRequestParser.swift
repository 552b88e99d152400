import FoundationEssentials
import PatrolSupport

/// Cuts HTTP/1.1 requests out of the bytes read from one connection.
enum HTTPRequestParser {
    /// Largest request head accepted.
    static let maximumHeadBytes = 64 * 1024
    /// Largest body accepted (GitHub caps a secret at 48 KB; requests stay well under this).
    static let maximumBodyBytes = 1024 * 1024

    enum Outcome {
        /// More bytes are needed; `expectsContinue` when the head asked for `100 Continue` before its body.
        case needMore(expectsContinue: Bool)
        /// A whole request, now removed from the buffer.
        case request(ServerRequest)
        /// The bytes are not a request the server accepts: answer `status` and close.
        case reject(status: Int, message: String)
    }

    private static let headTerminator: [UInt8] = Array("\r\n\r\n".utf8)

    /// Takes the next complete request off the front of `buffer`, if there is one.
    static func next(from buffer: inout [UInt8]) -> Outcome {
        guard let headEnd = firstRange(of: headTerminator, in: buffer) else {
            if buffer.count > maximumHeadBytes { return .reject(status: 431, message: "request head too large") }
            return .needMore(expectsContinue: false)
        }
        guard headEnd <= maximumHeadBytes else { return .reject(status: 431, message: "request head too large") }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { return .reject(status: 400, message: "malformed request line") }
        let method = String(requestLine[0])
        let target = String(requestLine[1])
        let version = String(requestLine[2])
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            return .reject(status: 400, message: "malformed method")
        }
        guard target.hasPrefix("/"), !target.contains(where: { $0.isWhitespace }) else {
            return .reject(status: 400, message: "malformed request target")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return .reject(status: 400, message: "unsupported HTTP version")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return .reject(status: 400, message: "malformed header") }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(where: { $0.isWhitespace }) else {
                return .reject(status: 400, message: "malformed header name")
            }
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name: name, value: value))
        }
        let lookup = { (wanted: String) in headers.first { $0.name.lowercased() == wanted }?.value }
        if lookup("transfer-encoding") != nil {
            return .reject(status: 411, message: "chunked bodies are not supported; send Content-Length")
        }
        var bodyLength = 0
        if let declared = lookup("content-length") {
            guard let length = Int(declared), length >= 0 else {
                return .reject(status: 400, message: "malformed Content-Length")
            }
            guard length <= maximumBodyBytes else { return .reject(status: 413, message: "body too large") }
            bodyLength = length
        }
        let bodyStart = headEnd + headTerminator.count
        guard buffer.count >= bodyStart + bodyLength else {
            let expects = lookup("expect")?.lowercased() == "100-continue"
            return .needMore(expectsContinue: expects)
        }
        let body = Array(buffer[bodyStart..<(bodyStart + bodyLength)])
        buffer.removeFirst(bodyStart + bodyLength)
        return .request(ServerRequest(method: method, target: target, version: version, headers: headers, body: body))
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            index += 1
        }
        return nil
    }
}
