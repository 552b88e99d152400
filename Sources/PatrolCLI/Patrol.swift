import FoundationEssentials
import Glibc
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore

/// patrol's entry point.
public enum Patrol {
    /// The version printed by `--version` and sent in `User-Agent`.
    public static let version = PatrolVersion.current

    /// Runs one invocation in this process and returns the exit code. Returns only after every thread
    /// and server it started has stopped, so the caller may `exit` at once.
    /// `build` is what `--version` says of this binary (the executable passes the commit it was built from).
    package static func main(arguments: [String], simulated: SimulatedCommands? = nil, build: BuildInfo = .unknown) async -> Int32 {
        ProcessHardening.disableCoreDumps()
        // The console is needed before parsing can fail, so read its flags from a first parse (it is pure and cheap).
        let parsed = try? Invocation.parse(arguments)
        let global = parsed?.global ?? GlobalOptions()
        // Without the variables that hold a token: those are read through TokenInputs into guarded memory only.
        let environment = Context.processEnvironment(excluding: Context.credentialVariables(parsed))
        let console = Console.process(quiet: global.quiet, verbose: global.verbose, noColor: global.noColor, environment: environment)
        // A closed stdout is an EPIPE from write, which the console turns into a quiet stop (gotcha 11).
        signal(SIGPIPE, SIG_IGN)
        let command = parsed?.command.rawValue ?? "patrol"
        let interrupt: InterruptSignals
        do {
            interrupt = try InterruptSignals.catching([SIGINT, SIGTERM]) { number in
                // A command that does not stop by itself changes nothing a cut-off run could leave half done.
                console.clearProgress()
                console.error("interrupted: patrol \(command) stopped before it finished; run it again")
                // why _exit: ends at once, without the atexit handlers that race live threads (gotcha 8); every
                // line was already written with write(2), and the ledger is only ever replaced whole.
                _exit(ExitCode.stopped(by: number).rawValue)
            }
        } catch {
            console.error("error: \(error)")
            return ExitCode.failure.rawValue
        }
        // The one real clock: every decision below reads the time and waits through the context.
        let context = Context(environment: environment, console: console, tokenInputs: .process, interrupt: interrupt,
                              clock: .system)
        let code = await run(arguments: arguments, context: context, simulated: simulated, build: build)
        // The reader of stdout has gone: end as a shell reports a SIGPIPE, having printed nothing more.
        return console.outputClosed ? ExitCode.outputClosed.rawValue : code
    }

    /// Parses `arguments`, runs the command and maps every error to its exit code (spec §3.2).
    /// `simulated` runs `patrol demo` and `patrol simulator`, which live in PatrolDemo (the one target that links the
    /// simulator); the executable passes them in.
    package static func run(arguments: [String], context: Context, simulated: SimulatedCommands? = nil,
                            build: BuildInfo = .unknown) async -> Int32 {
        let console = context.console
        do {
            let invocation = try Invocation.parse(arguments)
            return try await CurlGlobal.warming(if: invocation.reachesTheNetwork) {
                try await run(invocation, context: context, simulated: simulated, build: build)
            }.rawValue
        } catch {
            if console.outputClosed { return ExitCode.outputClosed.rawValue }
            if let usage = error as? UsageError {
                console.error(HelpText.usageError(usage))
            } else {
                console.error("error: \(error)")
            }
            return ExitCode.for(error).rawValue
        }
    }

    /// Runs the command `invocation` names.
    private static func run(_ invocation: Invocation, context: Context, simulated: SimulatedCommands?, build: BuildInfo) async throws -> ExitCode {
        let console = context.console
        let context = invocation.reachesTheNetwork ? try context.trusting(invocation) : context
        let code: ExitCode
        // Each command's run takes its own arguments: only the options it accepts.
        switch invocation.arguments {
        case let .help(arguments):
            console.result(HelpText.help(topic: arguments.topic))
            code = .success
        case let .version(arguments):
            console.result(arguments.global.json ? build.json.text : build.line)
            code = .success
        case let .completion(arguments):
            console.result(CompletionScript.text(for: arguments.shell ?? .bash))
            code = .success
        case let .manPages(arguments):
            try ManPages.write(to: arguments.directory ?? ".", date: context.clock.now(), console: console)
            code = .success
        case let .rollout(arguments):
            code = try await RolloutCommand.run(arguments, context: context)
        case let .demo(arguments):
            guard let simulated else { throw SimulatedCommands.Missing(command: invocation.command.rawValue) }
            code = try await simulated.demo(arguments, context)
        case let .simulator(arguments):
            guard let simulated else { throw SimulatedCommands.Missing(command: invocation.command.rawValue) }
            code = try await simulated.simulator(arguments, context)
        case let .status(arguments):
            code = try await StatusCommand.run(arguments, context: context)
        case let .rotate(arguments):
            code = try await RotateCommand.run(arguments, context: context)
        case let .expiry(arguments):
            code = try await ExpiryCommand.run(arguments, context: context)
        case let .doctor(arguments):
            code = try await DoctorCommand.run(arguments, context: context)
        case let .app(arguments):
            code = try await AppRolloutCommand.run(arguments, context: context)
        }
        return code
    }
}

extension Invocation {
    /// True for the commands that talk to GitHub (or a webhook), whose CA file must be checked first.
    package var reachesTheNetwork: Bool {
        switch arguments {
        case .rollout, .rotate, .status, .doctor, .app: true
        case let .expiry(arguments): arguments.expiry.live || arguments.expiry.openIssue || arguments.expiry.webhookEnvironmentVariable != nil
        case .help, .version, .demo, .simulator, .completion, .manPages: false
        }
    }
}

extension ExitCode {
    /// The one place errors become exit codes: anything known before a request was sent is a usage,
    /// configuration or input error (2); a credential GitHub refused or the preflight found wanting is 4;
    /// the rest means the operation failed (1).
    package static func `for`(_ error: any Error) -> ExitCode {
        switch error {
        case is UsageError, is ConfigError, is TokenSourceError, is TokenFormatError, is APIBaseError, is LedgerError, is RotateError, is RolloutError, is AppKeyRotationError,
             is CAFileError, is WrongAPIURLError, is LimitWindowError:
            return .usage
        case let github as GitHubError where github.isBadCredentials:
            return .critical
        case let webhook as WebhookError where webhook.isInputError:
            return .usage
        case let preflight as PreflightError where preflight.isCredentialProblem:
            return .critical
        case is AppKeyError:
            return .usage
        case let app as AppCallerError:
            return app.isCredentialProblem ? .critical : app.isInputError ? .usage : .failure
        default:
            return .failure
        }
    }
}
