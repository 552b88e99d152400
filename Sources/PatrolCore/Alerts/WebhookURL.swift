import FoundationEssentials
import PatrolSupport
import PatrolHTTP
import PatrolGitHub

/// An incoming-webhook URL (Slack-compatible) read from the environment variable `--webhook-env` names.
/// The URL is itself a credential, so patrol never prints it: messages name the variable instead.
public struct WebhookURL: Sendable {
    /// The variable it came from, for messages.
    public let variable: String
    /// The URL; not for printing.
    package let value: String

    /// Reads and checks the variable: set, not empty, `https://` (or `http://` to a loopback host only,
    /// the same rule as the API URL's).
    public init(variable: String, environment: [String: String]) throws(WebhookError) {
        guard let raw = environment[variable], !raw.isEmpty else { throw .variableNotSet(variable) }
        let parts = URLParts(raw)
        if parts.failure != nil { throw .invalidURL(variable, problem: "it is not an http(s) URL with a host") }
        guard parts.isHTTPS || APIBase.isLoopback(host: parts.host) else {
            throw .invalidURL(variable, problem: "it uses plain http:// to a host that is not this machine; use https://")
        }
        self.variable = variable
        value = raw
    }

    /// `text` with the URL replaced by `$NAME`, for request traces and transport errors that quote URLs.
    public func masked(_ text: String) -> String {
        text.replacingEvery(value, with: "$" + variable)
    }
}

/// Why the webhook alert could not be sent. The first two are found before any request (exit 2).
public enum WebhookError: Error, Equatable, CustomStringConvertible {
    /// `--webhook-env NAME` names a variable that is unset or empty.
    case variableNotSet(String)
    /// The variable holds something patrol will not post to.
    case invalidURL(String, problem: String)
    /// The webhook answered something other than 2xx.
    case rejected(variable: String, status: Int)

    /// True for the errors found before anything was sent.
    public var isInputError: Bool {
        switch self {
        case .variableNotSet, .invalidURL: true
        case .rejected: false
        }
    }

    public var description: String {
        switch self {
        case .variableNotSet(let name):
            "--webhook-env \(name): the variable \(name) is not set or empty; set it to the webhook URL (for example a Slack incoming webhook), or drop --webhook-env"
        case .invalidURL(let name, let problem):
            "--webhook-env \(name): the URL in \(name) was refused: \(problem)"
        case .rejected(let name, let status):
            "the webhook in \(name) answered \(status); check that the URL is still valid (nothing else was affected)"
        }
    }
}
