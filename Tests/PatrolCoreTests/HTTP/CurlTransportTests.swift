import Foundation
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A loopback TCP socket that listens and never accepts: connections complete in the kernel, requests never get an answer.
final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        // Why unsafe: bind and getsockname read and write exactly one sockaddr_in through the rebound pointer.
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, 64) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port that was free a moment ago and has nothing listening on it now.
    static func closedPort() throws -> Int {
        let listener = try SilentListener()
        return listener.port
    }

    deinit { close(descriptor) }
}

@Suite("CurlTransport")
struct CurlTransportTests {
    @Test func aRefusedConnectionIsAConnectError() async throws {
        let port = try SilentListener.closedPort()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let url = "http://127.0.0.1:\(port)/user/repos?per_page=100&page=2"
        let error = await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(method: .get, url: url)) }
        #expect(error?.kind == .connect)
        #expect(error?.curlCode == 7)
        #expect(error?.url == url)
        #expect(error?.description.hasPrefix("could not connect to 127.0.0.1:") == true)
        #expect(error?.description.hasSuffix("check the network, the proxy (HTTPS_PROXY) or the API URL from --api-url") == true)
    }

    @Test(arguments: ["http://example.com/user", "ftp://127.0.0.1/x", "https://user:pw@example.com/x"])
    func aURLPatrolMustNotUseIsRefusedBeforeAnyConnection(url: String) async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let error = await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(method: .get, url: url)) }
        #expect(error?.kind == .invalidRequest)
        #expect(transport.connectionsOpened == 0)
    }

    @Test func aTokenWithALineBreakIsRefused() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let token = Token(bytes: Array("abc\r\nX-Injected: 1".utf8))
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:1/", bearer: token))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.description.contains("X-Injected") == false)
    }

    @Test func headersCannotCarryLineBreaksOrAuthorization() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        for headers in [HTTPHeaders([("X-A", "1\r\nX-B: 2")]), HTTPHeaders([("Authorization", "Bearer x")])] {
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:1/", headers: headers))
            }
            #expect(error?.kind == .invalidRequest)
        }
    }

    @Test func shutdownFailsPendingRequestsAndLaterOnes() async throws {
        let listener = try SilentListener()
        let transport = CurlTransport()
        let url = "http://127.0.0.1:\(listener.port)/hangs"
        let pending = Task { try await transport.send(HTTPRequest(method: .get, url: url)) }
        // Wait until the request is on the wire, by the transport's own count.
        while transport.peakInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        transport.shutdown()
        let error = await #expect(throws: TransportError.self) { try await pending.value }
        #expect(error?.kind == .cancelled)
        let late = await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(method: .get, url: url)) }
        #expect(late?.kind == .cancelled)
        transport.shutdown()
    }

    @Test func cancellingTheCallerCancelsTheTransfer() async throws {
        let listener = try SilentListener()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let pending = Task { try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(listener.port)/hangs")) }
        while transport.peakInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        pending.cancel()
        let error = await #expect(throws: TransportError.self) { try await pending.value }
        #expect(error?.kind == .cancelled)
    }

    @Test func aSilentServerTimesOut() async throws {
        let listener = try SilentListener()
        let transport = CurlTransport(configuration: TransportConfiguration(timeout: .milliseconds(200)))
        defer { transport.shutdown() }
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(listener.port)/slow"))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.curlCode == 28)
    }

    @Test func verboseLinesNameTheRequestAndNeverTheToken() async throws {
        let port = try SilentListener.closedPort()
        let lines = Locked<[String]>([])
        let transport = CurlTransport(configuration: TransportConfiguration(verbose: { line in lines.withLock { $0.append(line) } }))
        defer { transport.shutdown() }
        let secret = "tok_" + UUID().uuidString
        let url = "http://127.0.0.1:\(port)/repos/o/r/actions/secrets/PAT_TOKEN"
        _ = try? await transport.send(HTTPRequest(method: .put, url: url, bearer: Token(bytes: Array(secret.utf8)), body: []))
        let logged = lines.withLock { $0 }
        #expect(logged.first == "→ PUT \(url)")
        #expect(logged.count == 2)
        #expect(!logged.joined().contains(secret))
    }
}
