import Foundation

/// What a command takes from the world outside it: environment, output, token inputs and how to reach
/// HTTP. The process builds one in ``Patrol/main(arguments:)``; tests build their own.
public struct Context: Sendable {
    public var environment: [String: String]
    public var console: Console
    public var tokenInputs: TokenInputs
    /// A transport the caller supplied instead of libcurl (tests); nil for ``CurlTransport``.
    private var customTransport: (@Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport)?
    /// The CA file from `--ca-file`, `$PATROL_CA_FILE` or `$SSL_CERT_FILE`, set by ``trusting(_:)``.
    public var caFile: CAFile?
    /// How every command retries failed requests; tests scale the backoff down.
    public var retryPolicy: RetryPolicy

    /// Builds the transport for one run; the command shuts it down when it ends.
    public var makeTransport: @Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport {
        get {
            if let customTransport { return customTransport }
            let caFile = self.caFile
            return { verbose in Context.curl(TransportConfiguration(verbose: verbose, caFile: caFile)) }
        }
        set { customTransport = newValue }
    }

    /// `makeTransport` nil (the default) sends through libcurl, trusting ``caFile``.
    public init(environment: [String: String], console: Console, tokenInputs: TokenInputs,
                makeTransport: (@Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport)? = nil,
                retryPolicy: RetryPolicy = RetryPolicy()) {
        self.environment = environment
        self.console = console
        self.tokenInputs = tokenInputs
        self.customTransport = makeTransport
        self.retryPolicy = retryPolicy
    }

    /// libcurl, configured.
    static func curl(_ configuration: TransportConfiguration) -> any ClosableTransport {
        CurlTransport(configuration: configuration)
    }

    /// This context with the CA file resolved (`--ca-file`, else `$PATROL_CA_FILE`, else `$SSL_CERT_FILE`) and
    /// checked: one that does not exist or holds no certificate throws ``CAFileError`` before any request.
    func trusting(_ invocation: Invocation) throws -> Context {
        var copy = self
        copy.caFile = try CAFile.resolve(flag: invocation.global.caFile, environment: environment)
        return copy
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
        let verbose: @Sendable (String) -> Void = { line in console.trace(line) }
        console.trace(ProxyChoice(for: base.url, environment: environment).description)
        let transport = customTransport?(verbose)
            ?? Context.curl(TransportConfiguration(verbose: verbose, caFile: caFile, apiURLSource: base.source))
        // Redirects are followed here, below the retries: a renamed repository's 301/307 costs no attempt.
        let redirecting = RedirectingTransport(transport, onRedirect: { line in console.trace(line) })
        let governed = RetryingTransport.governed(redirecting, options: options, console: console, policy: retryPolicy)
        return (GitHubClient(transport: governed, base: base, credential: credential), transport)
    }
}
