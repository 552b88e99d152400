/// One option declared once: its ``OptionSpec`` (name, value name, help, default) and the field of `Options` it fills,
/// in the spirit of swift-argument-parser's `@Option` and `@Flag`.
///
/// The parser finds an option by its name among the command's declarations and runs its ``Action``: an option that is
/// declared is always stored, so there is no list of names to keep in step with the declarations.
public struct OptionDecl<Options>: Sendable {
    /// What help, usage and completion show of the option.
    public let spec: OptionSpec
    /// What parsing the option does.
    package let action: Action

    /// What parsing one option does.
    package enum Action: Sendable {
        /// Sets a flag's field.
        case flag(@Sendable (inout Options) -> Void)
        /// Reads the value into its field; false when the value is not one ``OptionSpec/expected`` allows.
        case value(@Sendable (inout Options, String) -> Bool)
        /// `--help` and `--version`, which the parser reads before the command's options and which store nothing.
        case command
    }

    private init(_ spec: OptionSpec, _ action: Action) {
        self.spec = spec
        self.action = action
    }

    /// A flag that sets `field` to true.
    package static func flag(_ name: String, _ help: String, _ field: any WritableKeyPath<Options, Bool> & Sendable) -> Self {
        Self(OptionSpec(name, help), .flag { $0[keyPath: field] = true })
    }

    /// An option whose value `reader` reads into `field`.
    package static func option<Value>(_ name: String, value valueName: String, _ help: String, default defaultValue: String? = nil,
                                      _ field: any WritableKeyPath<Options, Value> & Sendable, _ reader: OptionValue<Value>) -> Self {
        reading(reader, spec: reader.spec(name, valueName, help, defaultValue)) { $0[keyPath: field] = $1 }
    }

    /// An option whose value `reader` reads into the optional `field`, which stays nil when the option is absent.
    package static func option<Value>(_ name: String, value valueName: String, _ help: String, default defaultValue: String? = nil,
                                      _ field: any WritableKeyPath<Options, Value?> & Sendable, _ reader: OptionValue<Value>) -> Self {
        reading(reader, spec: reader.spec(name, valueName, help, defaultValue)) { $0[keyPath: field] = $1 }
    }

    private static func reading<Value>(_ reader: OptionValue<Value>, spec: OptionSpec,
                                       store: @escaping @Sendable (inout Options, Value) -> Void) -> Self {
        Self(spec, .value { options, text in
            guard let value = reader.read(text) else { return false }
            store(&options, value)
            return true
        })
    }

    /// An option the parser handles itself before the command runs (`--help`, `--version`).
    package static func command(_ name: String, alias: String? = nil, _ help: String) -> Self {
        Self(OptionSpec(name, alias: alias, help), .command)
    }

    /// The same option storing into the `Options` at `field` of a larger struct.
    package func lifted<Outer>(to field: any WritableKeyPath<Outer, Options> & Sendable) -> OptionDecl<Outer> {
        let lifted: OptionDecl<Outer>.Action = switch action {
        case let .flag(set): .flag { set(&$0[keyPath: field]) }
        case let .value(store): .value { store(&$0[keyPath: field], $1) }
        case .command: .command
        }
        return OptionDecl<Outer>(spec, lifted)
    }
}
