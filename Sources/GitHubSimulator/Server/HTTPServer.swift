import Dispatch
import FoundationEssentials
import PatrolSupport
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets bound to 127.0.0.1: one accept thread, one thread per connection,
/// keep-alive, `Content-Length` bodies only.
final class HTTPServer: Sendable {
    typealias Handler = @Sendable (ServerRequest) -> ServerReply

    private struct Sockets {
        var listener: Int32 = -1
        var connections: Set<Int32> = []
        var started = false
        var stopped = false
    }

    private let handler: Handler
    private let onAccept: @Sendable () -> Void
    private let sockets = Locked(Sockets())
    /// Every thread the server starts enters this group, so `stop()` can join them all.
    private let threads = DispatchGroup()

    /// A server that answers each request with `handler` and calls `onAccept` for each new connection.
    init(handler: @escaping Handler, onAccept: @escaping @Sendable () -> Void = {}) {
        self.handler = handler
        self.onAccept = onAccept
    }

    /// Binds `host`:`port` (an IPv4 loopback address; port 0 picks a free one), starts accepting, and returns the bound port.
    func start(host: String = "127.0.0.1", port: UInt16) throws(SimulatorError) -> UInt16 {
        signal(SIGPIPE, SIG_IGN)
        let alreadyStarted = sockets.withLock { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw .alreadyStarted }

        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw .socket(operation: "socket", errno: errno) }
        var yes: Int32 = 1
        // why: setsockopt reads exactly `size` bytes from the Int32 it is given.
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        // why: bind takes the generic sockaddr view of a sockaddr_in, with its true size.
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(listener)
            throw .socket(operation: "bind to \(host):\(port)", errno: code)
        }
        guard listen(listener, 1024) == 0 else {
            let code = errno
            close(listener)
            throw .socket(operation: "listen", errno: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        // why: getsockname writes at most `length` bytes into the sockaddr_in it is given.
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let boundPort = UInt16(bigEndian: address.sin_port)

        sockets.withLock { $0.listener = listener }
        spawn { [self] in acceptLoop(listener) }
        return boundPort
    }

    /// Closes the listener and every connection; with `wait`, also waits for all server threads to finish.
    ///
    /// Pass `wait: false` from a server thread (a thread cannot join itself); the threads then end on their own.
    func stop(wait: Bool = true) {
        sockets.withLock { state in
            guard state.started, !state.stopped else { return }
            state.stopped = true
            // Shutting down (not closing) wakes the threads blocked on these sockets; each thread closes its own.
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
            if state.listener >= 0 { shutdown(state.listener, Int32(SHUT_RDWR)) }
        }
        if wait { threads.wait() }
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let created = DetachedThread.start(stackSize: 512 * 1024) { [threads] in
            body()
            threads.leave()
        }
        if created != 0 { threads.leave() }
    }

    /// Connections accepted and still being served.
    var openConnections: Int {
        sockets.withLock { $0.connections.count }
    }

    private func acceptLoop(_ listener: Int32) {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let accepted = sockets.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.insert(connection)
                return true
            }
            guard accepted else {
                close(connection)
                return
            }
            var yes: Int32 = 1
            // why: setsockopt reads exactly `size` bytes from the Int32 it is given.
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            onAccept()
            spawn { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer {
            sockets.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var sentContinue = false
        while true {
            switch HTTPRequestParser.next(from: &buffer) {
            case .request(let request):
                sentContinue = false
                switch handler(request) {
                case .drop:
                    return
                case .raw(let bytes):
                    _ = send(bytes, on: connection)
                    return
                case .respond(let response):
                    let keepAlive = request.keepAlive
                    guard send(serialize(response, keepAlive: keepAlive, headOnly: request.method == "HEAD"), on: connection),
                          keepAlive
                    else { return }
                }
            case .reject(let status, let message):
                let body = Array("{\"message\":\"\(message)\"}".utf8)
                let response = ServerResponse(
                    status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: body
                )
                _ = send(serialize(response, keepAlive: false, headOnly: false), on: connection)
                return
            case .needMore(let expectsContinue):
                if expectsContinue, !sentContinue {
                    sentContinue = true
                    guard send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), on: connection) else { return }
                }
                // why: recv writes at most `chunk.count` bytes into the preallocated chunk.
                let count = recv(connection, &chunk, chunk.count, 0)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
        }
    }

    private func serialize(_ response: ServerResponse, keepAlive: Bool, headOnly: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(HTTPStatus.reason(response.status))\r\n"
        for header in response.headers {
            head += "\(header.name): \(header.value)\r\n"
        }
        let bodyless = response.status == 204 || response.status == 304 || (100..<200).contains(response.status)
        if !bodyless {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !bodyless, !headOnly { bytes += response.body }
        return bytes
    }

    /// Writes all of `bytes`; `false` when the connection is gone.
    private func send(_ bytes: [UInt8], on connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // why: the pointer covers `bytes` for the duration of the call and the length stays inside it.
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
