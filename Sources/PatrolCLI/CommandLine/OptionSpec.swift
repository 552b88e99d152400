/// One option as help, usage, completion and man pages describe it: everything about it except where it is stored,
/// which its ``OptionDecl`` adds.
public struct OptionSpec: Sendable, Equatable {
    /// The long name with its dashes, e.g. `--concurrency`.
    public let name: String
    /// A short spelling, e.g. `-h`; only help has one.
    public let alias: String?
    /// The placeholder for its value, e.g. `N`; nil for a flag, which takes no value.
    public let valueName: String?
    /// One line of help, lower case.
    public let help: String
    /// The value used when the option is absent, as help shows it.
    public let defaultValue: String?
    /// What a value must be, as the error for a wrong one says it; nil for a flag.
    public let expected: String?
    /// The only values accepted, when they are a closed set (e.g. `--format`'s `text`, `json`, `github`).
    public let allowedValues: [String]?
    /// What separates the items when the value is a list of ``allowedValues`` (completion offers each item); nil for one.
    public let listSeparator: String?
    /// True when the value names a file.
    public let takesPath: Bool
    /// True when the value names an environment variable that holds a credential, which patrol reads only into
    /// guarded memory and keeps out of ``Context/environment``.
    public let namesCredential: Bool

    package init(_ name: String, alias: String? = nil, value valueName: String? = nil, _ help: String, default defaultValue: String? = nil,
                 expected: String? = nil, allowedValues: [String]? = nil, listSeparator: String? = nil, takesPath: Bool = false,
                namesCredential: Bool = false) {
        self.name = name
        self.alias = alias
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.expected = expected
        self.allowedValues = allowedValues
        self.listSeparator = listSeparator
        self.takesPath = takesPath
        self.namesCredential = namesCredential
    }

    /// True for options that take a value.
    public var takesValue: Bool { valueName != nil }

    /// `--concurrency N` or `-h, --help`, as help and usage lines show it.
    public var synopsis: String {
        let long = valueName.map { "\(name) \($0)" } ?? name
        return alias.map { "\($0), \(long)" } ?? long
    }
}

/// A struct of options that belong together: its fields hold the parsed values, and ``declarations`` says, once
/// per option, its name, help, how its text is read and which field it fills.
public protocol DeclaredOptions: Sendable, Equatable {
    /// Every option at its default.
    init()
    /// The options of the group, in help order.
    static var declarations: [OptionDecl<Self>] { get }
    /// The group as help shows it.
    static var group: OptionGroup { get }
    /// Refuses what the group's options say together (`given`: the names of the options on the command line).
    func check(given: Set<String>, command: CommandName) throws(UsageError)
}

extension DeclaredOptions {
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {}
}

/// Options that belong together and appear together in help: a ``DeclaredOptions`` struct as help, usage, completion
/// and man pages describe it.
public struct OptionGroup: Sendable, Equatable, CustomStringConvertible {
    /// The group's name, e.g. `rollout`.
    public let name: String
    /// What the command's usage line shows for the whole group, e.g. `[<global options>]`; nil lists each option.
    public let usagePlaceholder: String?
    /// The options of the group, in help order.
    public let options: [OptionSpec]

    private init<Options: DeclaredOptions>(_ name: String, _ options: Options.Type, usagePlaceholder: String? = nil) {
        self.name = name
        self.usagePlaceholder = usagePlaceholder
        self.options = Options.declarations.map(\.spec)
    }

    public static let global = OptionGroup("global", GlobalOptions.self, usagePlaceholder: "[<global options>]")
    public static let token = OptionGroup("token", TokenOptions.self, usagePlaceholder: "[<token options>]")
    public static let rollout = OptionGroup("rollout", RolloutOptions.self)
    public static let rotate = OptionGroup("rotate", RotateOptions.self)
    public static let expiry = OptionGroup("expiry", ExpiryOptions.self)
    public static let doctor = OptionGroup("doctor", DoctorOptions.self)
    public static let status = OptionGroup("status", StatusOptions.self)
    public static let app = OptionGroup("app", AppOptions.self)
    public static let demo = OptionGroup("demo", DemoOptions.self)
    public static let simulator = OptionGroup("simulator", SimulatorOptions.self)

    /// Every group, in help order.
    public static let allCases: [OptionGroup] = [.global, .token, .rollout, .rotate, .expiry, .doctor, .status, .app, .demo, .simulator]

    public var description: String { name }

    /// The heading of the group in help.
    public var title: String { "\(name.uppercased()) OPTIONS" }

    public static func == (left: OptionGroup, right: OptionGroup) -> Bool { left.name == right.name }

    /// Every option name any command accepts, with whether it takes a value.
    package static let allOptions: [OptionSpec] = {
        var seen = Set<String>()
        return allCases.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }()
}

extension GlobalOptions { public static var group: OptionGroup { .global } }
extension TokenOptions { public static var group: OptionGroup { .token } }
extension RolloutOptions { public static var group: OptionGroup { .rollout } }
extension RotateOptions { public static var group: OptionGroup { .rotate } }
extension ExpiryOptions { public static var group: OptionGroup { .expiry } }
extension DoctorOptions { public static var group: OptionGroup { .doctor } }
extension StatusOptions { public static var group: OptionGroup { .status } }
extension AppOptions { public static var group: OptionGroup { .app } }
extension DemoOptions { public static var group: OptionGroup { .demo } }
extension SimulatorOptions { public static var group: OptionGroup { .simulator } }
