@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A transport that answers from a script and records what it was asked — for the pure tests of the
/// GitHub client. Anything that talks to a server is tested against the simulator instead.
final class CannedTransport: HTTPTransport {
    private let state: Locked<(answers: [HTTPResponse], sent: [HTTPRequest])>

    init(_ answers: [HTTPResponse]) { state = Locked((answers, [])) }

    var sent: [HTTPRequest] { state.withLock { $0.sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try state.withLock { state in
            state.sent.append(request)
            guard !state.answers.isEmpty else {
                throw TransportError(kind: .connect, detail: "script exhausted", method: request.method.rawValue, url: request.url)
            }
            return state.answers.removeFirst()
        }
    }
}

extension HTTPResponse {
    /// A response with a JSON body.
    static func json(_ status: Int, _ body: String, _ headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders(headers + [("content-type", "application/json")]), body: Array(body.utf8))
    }
}
