import FoundationEssentials
import Glibc
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore

/// What a command takes from the world outside it: environment, output, token inputs and how to reach
/// HTTP. The process builds one in ``Patrol/main(arguments:)``; tests build their own.
public struct Context: Sendable {
    /// The process environment without any variable that holds a credential (``credentialVariables(_:)``):
    /// tokens are read through ``tokenInputs`` only.
    public var environment: [String: String]
    public var console: Console
    public var tokenInputs: TokenInputs
    /// A transport the caller supplied instead of libcurl (tests); nil for ``CurlTransport``.
    private var customTransport: (@Sendable (_ verbose: @escaping @Sendable (String) -> Void) -> any ClosableTransport)?
    /// The CA file from `--ca-file`, `$PATROL_CA_FILE` or `$SSL_CERT_FILE`, set by ``trusting(_:)``.
    public var caFile: CAFile?
    /// How every command retries failed requests; tests scale the backoff down.
    public var retryPolicy: RetryPolicy
    /// SIGINT and SIGTERM: the process catches them; in-process tests get a set only they can signal.
    public var interrupt: InterruptSignals
    /// The time every decision reads and every wait waits on: ``TimeSource/system`` in the process, a virtual one in tests.
    public var clock: TimeSource
    /// Told of the rate-limit gate each connection builds (a test's virtual clock watches its requests in flight).
    public var watchGate: (@Sendable (RateLimitGate) -> Void)?

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
                retryPolicy: RetryPolicy = RetryPolicy(), interrupt: InterruptSignals = InterruptSignals(),
                clock: TimeSource = .system) {
        self.environment = environment
        self.console = console
        self.tokenInputs = tokenInputs
        self.customTransport = makeTransport
        self.retryPolicy = retryPolicy
        self.interrupt = interrupt
        self.clock = clock
    }

    /// True once the run should start nothing new: a signal arrived, or standard output's reader has gone.
    package var shouldStop: Bool { interrupt.signal != nil || console.outputClosed }

    /// libcurl, configured.
    package static func curl(_ configuration: TransportConfiguration) -> any ClosableTransport {
        CurlTransport(configuration: configuration)
    }

    /// This context with the CA file resolved (`--ca-file`, else `$PATROL_CA_FILE`, else `$SSL_CERT_FILE`) and
    /// checked: one that does not exist or holds no certificate throws ``CAFileError`` before any request.
    package func trusting(_ invocation: Invocation) throws -> Context {
        var copy = self
        copy.caFile = try CAFile.resolve(flag: invocation.global.caFile, environment: environment)
        return copy
    }
}

extension Context {
    /// The environment variables that may hold a credential in this invocation: `PAT_TOKEN` and `PATROL_APP_PRIVATE_KEY`
    /// always, and the variables named by the options declared as naming one (`--token-env`, `--auth-env`,
    /// `--old-token-env`). Their values are read only through ``TokenInputs`` (getenv, straight into guarded memory),
    /// never kept in ``environment`` (spec §5.5).
    public static func credentialVariables(_ invocation: Invocation?) -> Set<String> {
        (invocation?.credentialVariables ?? []).union([TokenSource.patTokenVariable, AppKeySource.variable])
    }

    /// The process environment without the variables in `excluded`, read from `environ` directly so that an
    /// excluded value never becomes a Swift `String` (`ProcessInfo.environment` would copy every value).
    public static func processEnvironment(excluding excluded: Set<String>) -> [String: String] {
        var environment: [String: String] = [:]
        // Why unsafe: `environ` is the C environment block, a NULL-terminated array of "NAME=VALUE" C strings;
        // it is only read here, before any thread that could call setenv starts.
        let block: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var entry = block else { return environment }
        while let pointer = entry.pointee {
            defer { entry += 1 }
            guard let equals = strchr(pointer, Int32(UInt8(ascii: "="))) else { continue }
            let name = String(decoding: UnsafeRawBufferPointer(start: pointer, count: equals - pointer), as: UTF8.self)
            guard !excluded.contains(name), environment[name] == nil else { continue }
            environment[name] = String(cString: equals + 1)
        }
        return environment
    }
}

extension TokenOptions {
    /// The token sources the user named, for ``TokenSource/resolve(_:inputs:)``.
    package var sourceOptions: TokenSourceOptions {
        TokenSourceOptions(stdin: fromStandardInput, env: environmentVariable, file: filePath)
    }
}

extension Context {
    /// The fleet config named by `--config`, else `$PATROL_CONFIG`, else `./config/fleet.json`, with its
    /// ledger path replaced by `--ledger` or `$PATROL_LEDGER` when one is given.
    package func fleetConfig(_ invocation: some CommandArguments) throws -> FleetConfig {
        let config = try FleetConfig.load(path: FleetConfig.locate(flag: invocation.global.configPath, environment: environment))
        return config.withLedger(at: Self.ledgerOverride(flag: invocation.global.ledgerPath, environment: environment))
    }

    /// `--ledger PATH`, else `$PATROL_LEDGER` (when not empty), else nil for the config's `ledger`.
    /// Both are paths as the user typed them, relative to the current folder.
    package static func ledgerOverride(flag: String?, environment: [String: String]) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let variable = environment["PATROL_LEDGER"], !variable.isEmpty { return variable }
        return nil
    }

    /// The API base: `--api-url`, else `$GITHUB_API_URL`, else the config's `apiURL`, else github.com.
    package func apiBase(_ invocation: some CommandArguments, config: FleetConfig) throws -> APIBase {
        try APIBase.resolve(flag: invocation.global.apiURL, environment: environment, config: config.apiURL)
    }

    /// The token from its one source and, with `--auth-env`, the credential that calls the API instead;
    /// both masked in all output from here on, and the token's format checked before any request.
    package func tokens(_ invocation: some AcceptsTokenOptions) throws -> (token: Token, auth: Token?) {
        let token = try TokenSource.resolve(invocation.token.sourceOptions, inputs: tokenInputs).token
        let auth = try TokenSource.resolveAuth(envName: invocation.token.authEnvironmentVariable, inputs: tokenInputs)?.token
        console.redact([token] + (auth.map { [$0] } ?? []))
        _ = try TokenFormat.check(token)
        return (token, auth)
    }

    /// The rate-limit governor's settings for this run, the one place every command takes them from: the upload pace
    /// from `options` (`--write-rate`, `--write-burst`; their defaults for a command without them) and the points
    /// window from `PATROL_LIMIT_WINDOW` (``LimitWindow``).
    /// - Throws: ``LimitWindowError`` when the variable holds something other than a number of seconds from 0 to 3600.
    package func governorSettings(_ options: RolloutOptions = RolloutOptions()) throws(LimitWindowError) -> RateGovernor.Settings {
        var settings = RateGovernor.Settings(writeRate: options.writeRate, writeBurst: options.writeBurst)
        if let window = try LimitWindow.seconds(in: environment) { settings.pointsWindow = window }
        return settings
    }

    /// `transport` with this run's retries (``retryPolicy``) and its requests paced by the governor set by `settings`
    /// (``governorSettings(_:)``), on ``clock``, telling of its pauses on stderr.
    package func governed(_ transport: any HTTPTransport, settings: RateGovernor.Settings) -> RetryingTransport {
        RetryingTransport.governed(transport, settings: settings, clock: clock, tell: { [console] in console.error($0) },
                                   policy: retryPolicy, watchGate: watchGate)
    }

    /// Runs `body` with a client over a transport for this run that retries with `retryPolicy` and paces
    /// requests through the rate-limit governor set from `options`; the transport is shut down when `body`
    /// returns or throws. With `app`, requests made with its stand-in credential carry the App's installation token
    /// (`PatrolCore/App/`), and its first token is minted before `body` runs: a key or id GitHub refuses stops the
    /// command there (exit 4), before any request is made with it.
    package func withConnection<Result>(_ base: APIBase, as credential: Token, options: RolloutOptions = RolloutOptions(),
                                        app: AppSession? = nil, mintFirst: Bool = true,
                                        _ body: (GitHubClient) async throws -> Result) async throws -> Result {
        let console = self.console
        let verbose: @Sendable (String) -> Void = { line in console.trace(line) }
        console.trace(ProxyChoice(for: base.url, environment: environment).description)
        let settings = try governorSettings(options)
        return try await withTransport({
            customTransport?(verbose) ?? Context.curl(TransportConfiguration(verbose: verbose, caFile: caFile, apiURLSource: base.source))
        }) { transport in
            // Redirects are followed here, below the retries: a renamed repository's 301/307 costs no attempt.
            let redirecting = RedirectingTransport(transport, onRedirect: { line in console.trace(line) })
            let governed = self.governed(redirecting, settings: settings)
            guard let app else { return try await body(GitHubClient(transport: governed, base: base, credential: credential, clock: clock)) }
            app.attach(governed, base: base)
            if mintFirst { _ = try await app.token() }
            return try await body(GitHubClient(transport: AppAuthTransport(inner: governed, session: app), base: base, credential: app.standIn, clock: clock))
        }
    }
}

extension FleetConfig {
    /// This config with its ledger at `path`; itself when `path` is nil.
    package func withLedger(at path: String?) -> FleetConfig {
        guard let path else { return self }
        var config = FleetConfig(path: self.path, owner: owner, secret: secret, libraries: libraries, applications: applications,
                                 platform: platform, workflows: workflows, policy: policy, tokenDescription: tokenDescription,
                                 apiURL: apiURL, ledgerPath: path)
        config.app = app
        return config
    }
}
