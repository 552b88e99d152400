/// What one command accepts, parsed: a field per option group it accepts, filled by that group's declarations, and
/// the command's operands. A command's `run` takes its own arguments, so it can read only the options it accepts;
/// help, usage, completion and man pages list the same groups (``CommandConfiguration/groups``).
///
/// In swift-argument-parser's terms: the command's `@Option`s and `@Argument`s, with `validate()`.
public protocol CommandArguments: Sendable, Equatable {
    /// Every option at its default, no operand.
    init()
    /// The option groups the command accepts, in the order its help lists them, each with the field it fills.
    static var accepted: [AcceptedGroup<Self>] { get }
    /// Options every command accepts.
    var global: GlobalOptions { get }
    /// Takes one argument that is not an option; false when the command takes no (more) such argument.
    mutating func take(operand: String) throws(UsageError) -> Bool
    /// Refuses what is missing once every argument is read.
    func validate() throws(UsageError)
}

extension CommandArguments {
    /// The groups the command accepts, as help shows them.
    public static var groups: [OptionGroup] { accepted.map(\.group) }

    public mutating func take(operand: String) throws(UsageError) -> Bool { false }

    public func validate() throws(UsageError) {}
}

/// The arguments of a command that reads a token, or calls the API with a credential or as a GitHub App.
public protocol AcceptsTokenOptions: CommandArguments {
    /// Where the token and the credential come from.
    var token: TokenOptions { get }
}

/// One option group as a command accepts it: the group, with its declarations storing into the command's field for it.
public struct AcceptedGroup<Arguments>: Sendable {
    /// The group, as help shows it.
    public let group: OptionGroup
    /// The group's declarations, storing into the command's field.
    package let declarations: [OptionDecl<Arguments>]
    /// The group's ``DeclaredOptions/check(given:command:)`` on the command's field.
    package let check: @Sendable (Arguments, _ given: Set<String>, CommandName) throws(UsageError) -> Void

    /// The group of the options `field` holds.
    package init<Options: DeclaredOptions>(_ field: any WritableKeyPath<Arguments, Options> & Sendable) {
        group = Options.group
        declarations = Options.declarations.map { $0.lifted(to: field) }
        check = { arguments, given, command throws(UsageError) in try arguments[keyPath: field].check(given: given, command: command) }
    }
}

/// `patrol rollout`.
public struct RolloutArguments: AcceptsTokenOptions {
    public var rollout = RolloutOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.rollout), .init(\.token), .init(\.global)]
    public init() {}
}

/// `patrol rotate`: rollout's options and its own.
public struct RotateArguments: AcceptsTokenOptions {
    public var rollout = RolloutOptions()
    public var rotate = RotateOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.rollout), .init(\.rotate), .init(\.token), .init(\.global)]
    public init() {}
}

/// `patrol expiry`.
public struct ExpiryArguments: AcceptsTokenOptions {
    public var expiry = ExpiryOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.expiry), .init(\.token), .init(\.global)]
    public init() {}
}

/// `patrol doctor`.
public struct DoctorArguments: AcceptsTokenOptions {
    public var doctor = DoctorOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.doctor), .init(\.token), .init(\.global)]
    public init() {}
}

/// `patrol status`.
public struct StatusArguments: AcceptsTokenOptions {
    public var status = StatusOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.status), .init(\.token), .init(\.global)]
    public init() {}
}

/// `patrol app ACTION`.
public struct AppArguments: AcceptsTokenOptions {
    /// The action (`rollout`); nil when none was given.
    public var action: String?
    public var app = AppOptions()
    public var token = TokenOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.app), .init(\.token), .init(\.global)]
    public init() {}

    public mutating func take(operand: String) throws(UsageError) -> Bool {
        guard action == nil, operand == "rollout" else { return false }
        action = operand
        return true
    }
}

/// `patrol demo`.
public struct DemoArguments: CommandArguments {
    public var demo = DemoOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.demo), .init(\.global)]
    public init() {}
}

/// `patrol simulator`.
public struct SimulatorArguments: CommandArguments {
    public var simulator = SimulatorOptions()
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.simulator), .init(\.global)]
    public init() {}
}

/// `patrol completion SHELL`.
public struct CompletionArguments: CommandArguments {
    /// The shell whose script to print; set once parsing succeeded.
    public var shell: CompletionShell?
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.global)]
    public init() {}

    public mutating func take(operand: String) throws(UsageError) -> Bool {
        guard shell == nil else { return false }
        guard let named = CompletionShell(rawValue: operand) else {
            throw .invalidValue(option: "completion", value: operand, expected: CompletionShell.expected, command: .completion)
        }
        shell = named
        return true
    }

    public func validate() throws(UsageError) {
        if shell == nil { throw .missingRequirement(option: "completion", needs: "a shell: \(CompletionShell.expected)", command: .completion) }
    }
}

/// `patrol man-pages DIRECTORY` (hidden).
public struct ManPagesArguments: CommandArguments {
    /// The folder the man pages are written to; set once parsing succeeded.
    public var directory: String?
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.global)]
    public init() {}

    public mutating func take(operand: String) throws(UsageError) -> Bool {
        guard directory == nil else { return false }
        directory = operand
        return true
    }

    public func validate() throws(UsageError) {
        if directory == nil { throw .missingRequirement(option: "man-pages", needs: "the folder to write the pages to", command: .manPages) }
    }
}

/// `patrol help [COMMAND]`, `--help` and `-h`.
public struct HelpArguments: CommandArguments {
    /// The command to explain; nil for the tool's own help.
    public var topic: CommandName?
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.global)]
    public init() {}

    public mutating func take(operand: String) throws(UsageError) -> Bool {
        guard topic == nil else { return false }
        topic = try CommandName(word: operand)
        return true
    }
}

/// `patrol version` and `--version`.
public struct VersionArguments: CommandArguments {
    public var global = GlobalOptions()
    public static let accepted: [AcceptedGroup<Self>] = [.init(\.global)]
    public init() {}
}
