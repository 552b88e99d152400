/// Where a token came from, for messages: never the token, only its source.
public enum TokenOrigin: Equatable, Sendable, CustomStringConvertible {
    /// `--token-stdin`: the first line of standard input.
    case standardInput
    /// `--token-env NAME`.
    case environmentOption(name: String)
    /// `--token-file PATH`.
    case file(path: String)
    /// The `PAT_TOKEN` environment variable.
    case patTokenVariable
    /// The no-echo prompt on the terminal.
    case prompt
    /// `--auth-env NAME`: the credential that calls the API.
    case authEnvironment(name: String)

    /// How the user named the source: `--token-env GH_PAT`, `PAT_TOKEN`, `prompt`.
    public var description: String {
        switch self {
        case .standardInput: "--token-stdin"
        case .environmentOption(let name): "--token-env \(name)"
        case .file(let path): "--token-file \(path)"
        case .patTokenVariable: TokenSource.patTokenVariable
        case .prompt: "prompt"
        case .authEnvironment(let name): "--auth-env \(name)"
        }
    }

    /// The phrase that finishes "the token in …": `$GH_PAT`, `the file ~/.pat`, `standard input`.
    package var phrase: String {
        switch self {
        case .standardInput: "standard input"
        case .environmentOption(let name), .authEnvironment(let name): "$\(name)"
        case .file(let path): "the file \(path)"
        case .patTokenVariable: "$\(TokenSource.patTokenVariable)"
        case .prompt: "what was typed at the prompt"
        }
    }
}
