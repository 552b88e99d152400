import Foundation
import GitHubSimulator

/// One request/response pair recorded from api.github.com by a public project, kept as recorded where it
/// matters to a client: the status, every response header's name and value (in the recorded order and case),
/// and the body. Three headers are left out because they describe the recording's transfer, not GitHub's
/// answer: `Transfer-Encoding` and `Content-Encoding` (the stored body is already decoded) and `Content-Length`
/// (the server that replays it writes its own). Token-like values are redacted at the source
/// (PyGithub records `token private_token_removed`); OAuth client ids are left out.
struct RecordedExchange: Sendable {
    let method: String
    /// The path GitHub was asked for (without the query).
    let path: String
    let status: Int
    let headers: [(name: String, value: String)]
    let body: String
    /// Where it was recorded: repository and file.
    let source: String

    /// Headers that describe the recording's transfer, not the answer.
    static let transferHeaders: Set<String> = ["transfer-encoding", "content-encoding", "content-length"]

    /// Serves `exchanges` from a loopback server, each once, in order, exactly as recorded; patrol reaches it
    /// through its real transport (libcurl) and parses with its real client.
    static func serve(_ exchanges: [RecordedExchange]) throws -> GitHubSimulator {
        let simulator = GitHubSimulator(seed: 1)
        _ = try simulator.start()
        for exchange in exchanges {
            simulator.answerNext(path: exchange.path, status: exchange.status,
                                 headers: exchange.headers.filter { !transferHeaders.contains($0.name.lowercased()) },
                                 body: Array(exchange.body.utf8))
        }
        return simulator
    }

    /// Parses PyGithub's header list, `[('Name', 'value'), ...]`, as its ReplayData files write it.
    static func pyGithubHeaders(_ text: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            rest = rest[rest.index(after: open)...]
            guard let name = quoted(&rest), let comma = rest.firstIndex(of: ",") else { break }
            rest = rest[rest.index(after: comma)...]
            guard let value = quoted(&rest) else { break }
            headers.append((name, value))
        }
        return headers
    }

    /// The next Python string literal in `text` ('…' or "…", no escapes inside), consumed.
    private static func quoted(_ text: inout Substring) -> String? {
        guard let start = text.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        let quote = text[start]
        let afterStart = text.index(after: start)
        guard let end = text[afterStart...].firstIndex(of: quote) else { return nil }
        defer { text = text[text.index(after: end)...] }
        return String(text[afterStart..<end])
    }
}
