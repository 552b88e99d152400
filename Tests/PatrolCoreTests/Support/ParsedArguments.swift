import Testing
@testable import PatrolCLI

extension Invocation {
    /// The arguments `arguments` parse into, which must be those of the command `Arguments` belongs to.
    static func parse<Arguments: CommandArguments>(_ arguments: [String], as type: Arguments.Type) throws -> Arguments {
        let parsed = try parse(arguments).options
        return try #require(parsed as? Arguments, "\(arguments) parsed into \(Swift.type(of: parsed)), not \(type)")
    }
}
