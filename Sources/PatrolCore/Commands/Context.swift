import Foundation

/// What a command takes from the world outside it: environment, output, token inputs and how to reach
/// HTTP. The process builds one in ``Patrol/main(arguments:)``; tests build their own.
public struct Context: Sendable {
    public var environment: [String: String]
    public var console: Console
    public var tokenInputs: TokenInputs
    /// Builds the transport for one run; the command shuts it down when it ends.
    public var makeTransport: @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport
    /// How every command retries failed requests; tests scale the backoff down.
    public var retryPolicy: RetryPolicy
    /// SIGINT and SIGTERM: the process catches them; in-process tests get a set only they can signal.
    public var interrupt: InterruptSignals

    public init(environment: [String: String], console: Console, tokenInputs: TokenInputs,
                makeTransport: @escaping @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport = Context.curl,
                retryPolicy: RetryPolicy = RetryPolicy(), interrupt: InterruptSignals = InterruptSignals()) {
        self.environment = environment
        self.console = console
        self.tokenInputs = tokenInputs
        self.makeTransport = makeTransport
        self.retryPolicy = retryPolicy
        self.interrupt = interrupt
    }

    /// True once the run should start nothing new: a signal arrived, or standard output's reader has gone.
    var shouldStop: Bool { interrupt.signal != nil || console.outputClosed }

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

extension Context {
    /// The fleet config named by `--config`, else `$PATROL_CONFIG`, else `./config/fleet.json`.
    func fleetConfig(_ invocation: Invocation) throws -> FleetConfig {
        try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.configPath, environment: environment))
    }

    /// The API base: `--api-url`, else `$GITHUB_API_URL`, else the config's `apiURL`, else github.com.
    func apiBase(_ invocation: Invocation, config: FleetConfig) throws -> APIBase {
        try APIBase.resolve(flag: invocation.global.apiURL, environment: environment, config: config.apiURL)
    }

    /// The token from its one source and, with `--auth-env`, the credential that calls the API instead;
    /// both masked in all output from here on, and the token's format checked before any request.
    func tokens(_ invocation: Invocation) throws -> (token: Token, auth: Token?) {
        let token = try TokenSource.resolve(invocation.token.sourceOptions, inputs: tokenInputs).token
        let auth = try TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: tokenInputs)?.token
        console.redact([token] + (auth.map { [$0] } ?? []))
        _ = try TokenFormat.check(token)
        return (token, auth)
    }

    /// A transport for this run (the caller shuts it down) and a client over it that retries with
    /// `retryPolicy` and paces requests through the rate-limit governor set from `options`.
    func connect(_ base: APIBase, as credential: Token, options: RolloutOptions = RolloutOptions()) -> (client: GitHubClient, transport: any ClosableTransport) {
        let console = self.console
        let transport = makeTransport { line in console.trace(line) }
        let governed = RetryingTransport.governed(transport, options: options, console: console, policy: retryPolicy)
        return (GitHubClient(transport: governed, base: base, credential: credential), transport)
    }
}
