import FoundationEssentials

/// A transport with a thread or sockets to release when the run ends.
public protocol ClosableTransport: HTTPTransport {
    /// Releases the transport; pending requests fail. Returns once its thread has ended.
    func shutdown()
}

/// Runs `body` with the transport `make` builds and shuts that transport down when `body` returns or throws
/// (cancellation included), so that no caller has to remember to, and its thread has ended when this returns.
public func withTransport<Result>(
    _ make: () throws -> any ClosableTransport, _ body: (any ClosableTransport) async throws -> Result
) async throws -> Result {
    let transport = try make()
    do {
        let result = try await body(transport)
        transport.shutdown()
        return result
    } catch {
        transport.shutdown()
        throw error
    }
}

/// ``withTransport(_:_:)`` for a run that may send nothing: unless `needed`, no transport is built and `body` gets nil.
public func withTransport<Result>(
    if needed: Bool, _ make: () throws -> any ClosableTransport, _ body: ((any ClosableTransport)?) async throws -> Result
) async throws -> Result {
    guard needed else { return try await body(nil) }
    return try await withTransport(make) { transport in try await body(transport) }
}
