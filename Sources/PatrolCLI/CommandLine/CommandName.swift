/// The commands patrol knows, in the order its help lists them.
public enum CommandName: String, Sendable, Equatable, Hashable, CaseIterable, CustomStringConvertible {
    case rollout, rotate, expiry, doctor, status, app, demo, simulator, completion, help, version
    /// Writes the man pages (`make man`); hidden: not in help, completions or suggestions.
    case manPages = "man-pages"

    public var description: String { rawValue }

    /// True for a command that help, completions, suggestions and the man pages leave out.
    public var isHidden: Bool { self == .manPages }

    /// The commands help, completions and the man pages show, in help order.
    public static var visible: [CommandName] { allCases.filter { !$0.isHidden } }

    /// The command's static data: abstract, discussion and option groups, from which help is generated.
    public var configuration: CommandConfiguration {
        switch self {
        case .rollout:
            CommandConfiguration(
                abstract: "seal the token and upload it to every repository of the fleet",
                discussion: """
                    Checks the token first (format, GET /user, scopes, expiry) and uploads nothing if that fails: \
                    a token inside policy.criticalDays or expired exits 4 (unless --allow-expiring), one inside \
                    warnDays gets a warning. A token other than the ledger's current one is refused (exit 2): \
                    replacing it is patrol rotate's job. \
                    Then, per repository: fetch the Actions public key, seal, upload, read the secret back. \
                    With the config's targets, per target (environment, Dependabot, Codespaces and organization \
                    secrets, each with its own key; an organization secret keeps its visibility and selection): \
                    see docs/targets.md. --dry-run shows the plan per target. \
                    Exits 0 only if every selected repository succeeded.
                    """,
                arguments: RolloutArguments.self)
        case .rotate:
            CommandConfiguration(
                abstract: "replace the token everywhere with a new one",
                discussion: """
                    Checks the new token, refuses the one already current (unless --force, which rolls it out \
                    again and retires nothing), rolls it out, and on full success marks it current and the old \
                    one retired. --revoke-old revokes the old token only after a fully successful rollout. \
                    With --app-key-file NEW.pem and no token source (--token-stdin, --token-env, --token-file), \
                    it rotates the GitHub App's private key instead: the new key (added in the App's settings \
                    first) signs the App's calls and goes into every repository's APP_PRIVATE_KEY, verified and \
                    journaled; once the whole fleet holds it, patrol names the old key's fingerprint to delete \
                    in the App's settings (GitHub has no API for that).
                    """,
                arguments: RotateArguments.self)
        case .expiry:
            CommandConfiguration(
                abstract: "report how long the token has left; exit 3 (warning) or 4 (critical/expired)",
                discussion: """
                    Reads the expiry from the ledger (no lock, no file written), or from GitHub with --live, \
                    recorded in the ledger when no other run holds it. Exits 3 inside warnDays, for a \
                    token that never expires or is older than rotationDays; 4 inside criticalDays, when expired, or \
                    when GitHub rejects the token; 1 when there is nothing to judge. Names every target that holds \
                    the token (an organization secret with the repositories it reaches; with --live as GitHub has \
                    its selection now), since all of them break together. When the fleet holds a GitHub \
                    App's key (patrol app rollout), its age is reported against rotationDays too, and a key that \
                    old makes a clean run exit 3. See docs/expiry-alerts.md.
                    """,
                arguments: ExpiryArguments.self)
        case .doctor:
            CommandConfiguration(
                abstract: "run the credential, scope and dispatch checks of the troubleshooting guide",
                discussion: """
                    Each check passes, warns, fails or is skipped, with a fix for anything that did not pass. \
                    The checks print as they finish: the token's first, each repository's as it completes, the \
                    summary last. Exits 1 if any check failed.
                    """,
                arguments: DoctorArguments.self)
        case .status:
            CommandConfiguration(
                abstract: "show, per repository, whether the secret is there, since when, which token it holds",
                discussion: """
                    States: current, stale, drifted (written by someone else after patrol), missing, no-access, \
                    writing (a running rollout wrote it and has not recorded it yet), error (GitHub kept failing; \
                    that row only). Needs no token of its own: with --auth-env it uses only that credential. \
                    Reads the ledger without changing it. Exits 0 when every repository is current, 1 otherwise. \
                    When the fleet holds a GitHub App's key, a section shows which key (fingerprint) each \
                    target holds per the ledger.
                    """,
                arguments: StatusArguments.self)
        case .app:
            CommandConfiguration(
                abstract: "app rollout: put the GitHub App's id and private key in every target of the fleet",
                discussion: """
                    patrol app rollout sets the Actions variable APP_ID to the App's id and the secret \
                    APP_PRIVATE_KEY to its private key (sealed like the token) in every repository, and in every \
                    target the config's targets name (environments: both; Dependabot, Codespaces: the secret; the \
                    organization: its secret and variable, visibility and selection kept), then reads both back, so \
                    the fleet's workflows can mint tokens with actions/create-github-app-token (other names: \
                    app.variable and app.secret in the config). The App itself makes the calls (write on those \
                    secrets and variables). Each verified target is journaled in the ledger with the key's \
                    fingerprint; after an interruption --resume sets only the targets that do not hold this key \
                    yet; --dry-run shows the plan. To replace a key the fleet holds, use patrol rotate \
                    --app-key-file NEW.pem. \
                    See docs/github-app.md.
                    """,
                arguments: AppArguments.self)
        case .demo:
            CommandConfiguration(
                abstract: "run the whole flow against the built-in GitHub simulator",
                discussion: """
                    doctor, rollout, status, rotate, expiry and doctor again against a simulator on a loopback \
                    port, with throw-away tokens, then the move to a GitHub App (app rollout, the workflows \
                    switched, doctor on the App's wiring). No network, no credentials.
                    """,
                arguments: DemoArguments.self)
        case .simulator:
            CommandConfiguration(
                abstract: "serve the GitHub simulator on a local port",
                discussion: """
                    Serves the config's fleet, or without a config the built-in c3 fleet, with its workflow files \
                    wired as the setup guide describes. Prints GITHUB_API_URL, PAT_TOKEN and PAT_TOKEN_NEXT (a \
                    second token, for trying rotate) to stdout, or with --json one JSON document holding apiURL and tokens, then \
                    serves until interrupted.
                    """,
                arguments: SimulatorArguments.self)
        case .completion:
            CommandConfiguration(
                abstract: "print the shell completion script for bash, zsh or fish",
                discussion: """
                    Completes commands, every option of each command, the values of options that take one of a few \
                    (--format), and file paths. bash: source <(patrol completion bash). zsh: patrol completion zsh > \
                    "${fpath[1]}/_patrol". fish: patrol completion fish > ~/.config/fish/completions/patrol.fish. \
                    make install and the Debian package put all three where the shells look. See docs/install.md.
                    """,
                arguments: CompletionArguments.self)
        case .manPages:
            CommandConfiguration(abstract: "write patrol's man pages into DIRECTORY", discussion: "", arguments: ManPagesArguments.self)
        case .help:
            CommandConfiguration(
                abstract: "show help for patrol or for one command",
                discussion: "patrol help [command] is the same as patrol [command] --help.",
                arguments: HelpArguments.self)
        case .version:
            CommandConfiguration(abstract: "print patrol's version", discussion: "", arguments: VersionArguments.self)
        }
    }
}

/// What a command is, as data: the source of its help text and of the options it accepts.
public struct CommandConfiguration: Sendable {
    /// One line, lower case, as the command list shows it.
    public let abstract: String
    /// A short paragraph for the command's own help.
    public let discussion: String
    /// The option groups it accepts, in the order its help lists them: its ``CommandArguments``' groups.
    public let groups: [OptionGroup]

    /// Every option the command accepts.
    public var options: [OptionSpec] { groups.flatMap(\.options) }

    /// The spec of `name` if this command accepts it.
    public func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name || $0.alias == name }
    }

    package init(abstract: String, discussion: String, arguments: any CommandArguments.Type) {
        self.abstract = abstract
        self.discussion = discussion
        self.groups = arguments.groups
    }
}
