import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client on one blocking socket, so tests see exactly what the simulator writes.
final class RawClient {
    struct Response {
        let status: Int
        /// Header names lower-cased.
        let headers: [String: String]
        let body: [UInt8]

        func header(_ name: String) -> String? { headers[name.lowercased()] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    enum ClientError: Error, Equatable {
        case connect(Int32)
        case closed
        case malformed
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `http://127.0.0.1:PORT` given as the simulator's API URL.
    init(apiURL: String) throws {
        let port = UInt16(apiURL.split(separator: ":").last!)!
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // why: connect takes the generic sockaddr view of a sockaddr_in, with its true size.
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            close(fd)
            throw ClientError.connect(code)
        }
    }

    deinit {
        close(fd)
    }

    /// Writes raw bytes.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            // why: the pointer covers `bytes` for the call and the length stays inside it.
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Sends one request with GitHub's usual headers unless overridden (`nil` value removes a header).
    func request(
        _ method: String, _ path: String, token: String? = nil, body: String? = nil,
        headers extra: [String: String?] = [:]
    ) throws -> Response {
        var headers: [String: String] = [
            "Host": "127.0.0.1",
            "User-Agent": "simulator-tests/1",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        ]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if let body { headers["Content-Length"] = String(body.utf8.count) }
        for (name, value) in extra { headers[name] = value }
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "\r\n" + (body ?? "")
        write(text)
        return try readResponse(method: method)
    }

    /// Reads one response; throws `.closed` when the server closed the connection first.
    func readResponse(method: String = "GET") throws -> Response {
        let terminator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find(terminator)
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ClientError.malformed }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        buffer.removeFirst(headEnd! + terminator.count)
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let body = Array(buffer.prefix(length))
        buffer.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Whether the server closed the connection (reads end of stream).
    func isClosedByServer() -> Bool {
        do {
            try fill()
            return false
        } catch {
            return true
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 8192)
        var count: Int
        repeat {
            // why: recv writes at most `chunk.count` bytes into the preallocated chunk.
            count = recv(fd, &chunk, chunk.count, 0)
        } while count < 0 && errno == EINTR  // a signal (a child process ending elsewhere in the test run) is not an end
        guard count > 0 else { throw ClientError.closed }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for index in 0...(buffer.count - needle.count) where Array(buffer[index..<(index + needle.count)]) == needle {
            return index
        }
        return nil
    }
}
