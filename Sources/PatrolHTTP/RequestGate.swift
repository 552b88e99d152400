import FoundationEssentials

/// Sees every attempt of every request: waits before it is sent and watches the response.
/// The seam for the rate-limit governor, so that retries and rate-limit pauses share one clock.
public protocol RequestGate: Sendable {
    /// Returns when `request` may be sent (at once for ``OpenGate``).
    func admit(_ request: HTTPRequest) async
    /// Called with every response, including those that will be retried.
    func observe(_ response: HTTPResponse, for request: HTTPRequest) async
    /// Called instead of ``observe(_:for:)`` when an attempt ended without a response.
    func abandoned(_ request: HTTPRequest) async
}

extension RequestGate {
    public func abandoned(_ request: HTTPRequest) async {}
}

/// A gate that admits everything at once and ignores responses.
public struct OpenGate: RequestGate {
    public init() {}
    public func admit(_ request: HTTPRequest) async {}
    public func observe(_ response: HTTPResponse, for request: HTTPRequest) async {}
}
