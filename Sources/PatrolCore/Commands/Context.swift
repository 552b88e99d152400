import Foundation

/// What a command takes from the world outside it: environment, output, token inputs and how to reach
/// HTTP. The process builds one in ``Patrol/main(arguments:)``; tests build their own.
public struct Context: Sendable {
    public var environment: [String: String]
    public var console: Console
    public var tokenInputs: TokenInputs
    /// Builds the transport for one run; the command shuts it down when it ends.
    public var makeTransport: @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport
    /// How the rollout retries failed requests; tests scale the backoff down.
    public var retryPolicy: RetryPolicy

    public init(environment: [String: String], console: Console, tokenInputs: TokenInputs,
                makeTransport: @escaping @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport = Context.curl,
                retryPolicy: RetryPolicy = RetryPolicy()) {
        self.environment = environment
        self.console = console
        self.tokenInputs = tokenInputs
        self.makeTransport = makeTransport
        self.retryPolicy = retryPolicy
    }

    /// libcurl, with retries of connection errors and 5xx.
    public static let curl: @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport = { verbose in
        var configuration = TransportConfiguration()
        configuration.verbose = verbose
        return CurlTransport(configuration: configuration)
    }
}

/// A transport with a thread or sockets to release when the run ends.
public protocol ClosableTransport: HTTPTransport {
    /// Releases the transport; pending requests fail. Returns once its thread has ended.
    func shutdown()
}

extension TokenOptions {
    /// The token sources the user named, for ``TokenSource/resolve(_:inputs:)``.
    var sourceOptions: TokenSourceOptions {
        TokenSourceOptions(stdin: fromStandardInput, env: environmentVariable, file: filePath)
    }
}
