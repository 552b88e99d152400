import Foundation
@testable import PatrolSupport
import LoopbackTLS

/// A small HTTP CONNECT proxy on loopback, as a corporate proxy would be: it reads the CONNECT line,
/// opens the tunnel to a loopback port, and relays bytes both ways. It keeps every request head it read
/// and every byte it relayed, so a test can show what a proxy on the way can see.
final class ConnectProxy: Sendable {
    private struct Seen {
        var heads: [String] = []
        var relayed: [UInt8] = []
        var sockets: [Int32] = []
    }

    private let listener: Int32
    let port: Int
    private let seen = Locked(Seen())

    /// Listens on 127.0.0.1 at a port of the kernel's choosing and serves on a thread of its own.
    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TLSFront.FrontError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        // Why unsafe: bind and getsockname read and write exactly one sockaddr_in through the rebound pointer.
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 64) == 0 else {
            close(fd)
            throw TLSFront.FrontError("the proxy could not listen")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// The request heads received (`CONNECT localhost:8443 HTTP/1.1` and its header lines).
    var heads: [String] { seen.withLock { $0.heads } }
    /// Every byte relayed in either direction after the tunnel opened (TLS records, if the client did its job).
    var relayed: [UInt8] { seen.withLock { $0.relayed } }

    /// Stops listening and closes every tunnel.
    func stop() {
        // Only shut down: the accept loop closes the listener once accept fails, so its descriptor number cannot be
        // reused by another test's socket while the loop may still call accept on it.
        shutdown(listener, Int32(SHUT_RDWR))
        // Under the lock: every descriptor still listed is open (see closeTracked).
        seen.withLock { state in
            for fd in state.sockets { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                close(listener)
                return
            }
            seen.withLock { $0.sockets.append(client) }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        // Why unsafe: read writes at most one byte into `byte`.
        while !head.ends(with: Array("\r\n\r\n".utf8)), head.count < 16_384, read(client, &byte, 1) == 1 { head.append(byte) }
        let text = String(decoding: head, as: UTF8.self)
        seen.withLock { $0.heads.append(text) }
        let parts = text.split(separator: " ")
        // Only CONNECT to a loopback host: this proxy never reaches past the machine.
        guard parts.count >= 3, parts[0] == "CONNECT", let target = parts[1].split(separator: ":").last.flatMap({ Int($0) }),
              parts[1].hasPrefix("localhost:") || parts[1].hasPrefix("127.0.0.1:"),
              let upstream = Self.connect(port: target) else {
            // Why unsafe: write reads count - 1 bytes (the NUL left out) of the C string's live buffer.
            _ = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".utf8CString.withUnsafeBytes { write(client, $0.baseAddress, $0.count - 1) }
            closeTracked(client)
            return
        }
        seen.withLock { $0.sockets.append(upstream) }
        let established = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        // Why unsafe: write reads exactly the array's bytes while the closure holds them.
        _ = established.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        let done = DispatchGroup()
        for (from, to) in [(client, upstream), (upstream, client)] {
            done.enter()
            Thread.detachNewThread { [self] in
                relay(from: from, to: to)
                done.leave()
            }
        }
        done.wait()
        closeTracked(client)
        closeTracked(upstream)
    }

    /// Closes a tunnel's socket and forgets it in one step under the lock, so that `stop()` never shuts down a
    /// descriptor number that was closed here and may already belong to another test's socket (the tests of the
    /// suite run in parallel in one process: a stray shutdown once took down another test's simulator).
    private func closeTracked(_ fd: Int32) {
        seen.withLock { state in
            state.sockets.removeAll { $0 == fd }
            close(fd)
        }
    }

    private func relay(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            // Why unsafe: read fills at most the buffer's size; write below reads only the `count` bytes read.
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            seen.withLock { $0.relayed.append(contentsOf: buffer[..<count]) }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                guard written > 0 else { shutdown(source, Int32(SHUT_RDWR)); return }
                sent += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
    }

    private static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        // Why unsafe: connect reads one sockaddr_in through the rebound pointer.
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { close(fd); return nil }
        return fd
    }
}

extension Array where Element == UInt8 {
    /// True when the array ends with `suffix`.
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }

    /// True when `needle` occurs anywhere, ignoring ASCII case.
    func containsIgnoringCase(_ needle: String) -> Bool {
        let lowered = map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let target = Array(needle.lowercased().utf8)
        guard !target.isEmpty, lowered.count >= target.count else { return false }
        return (0...(lowered.count - target.count)).contains { start in lowered[start..<(start + target.count)].elementsEqual(target) }
    }
}
