import FoundationEssentials

/// A hand-made answer the simulator serves instead of GitHub's, for hostile-input tests: malformed JSON,
/// HTML error pages, truncated or oversized bodies, redirects to another host.
struct CraftedAnswer: Sendable {
    let pathPrefix: String
    var remaining: Int
    let status: Int
    let reply: ServerReply
}

extension SimulatorState {
    /// The crafted answer waiting for `path`, used up one request at a time.
    mutating func takeCraftedAnswer(for path: String) -> CraftedAnswer? {
        guard let index = craftedAnswers.firstIndex(where: { path.hasPrefix($0.pathPrefix) }) else { return nil }
        let answer = craftedAnswers[index]
        craftedAnswers[index].remaining -= 1
        if craftedAnswers[index].remaining == 0 { craftedAnswers.remove(at: index) }
        return answer
    }
}

extension GitHubSimulator {
    /// Answers the next `times` requests whose path starts with `path` with exactly this status, these headers
    /// and this body (no GitHub headers added; the server adds `Content-Length` and `Connection`).
    public func answerNext(path: String, status: Int, headers: [(name: String, value: String)] = [], body: [UInt8],
                           times: Int = 1) {
        let response = ServerResponse(status: status, headers: headers, body: body)
        craft(CraftedAnswer(pathPrefix: path, remaining: times, status: status, reply: .respond(response)))
    }

    /// Answers the next `times` requests whose path starts with `path` by writing `bytes` as they are
    /// (status line, headers and body) and closing the connection — for truncated or lying responses.
    public func answerNextRaw(path: String, bytes: [UInt8], times: Int = 1) {
        craft(CraftedAnswer(pathPrefix: path, remaining: times, status: 0, reply: .raw(bytes)))
    }

    /// Answers the next `times` requests whose path starts with `path` with a redirect (301, 302, 307 or 308)
    /// to `location`.
    public func redirectNext(path: String, to location: String, status: Int = 307, times: Int = 1) {
        answerNext(path: path, status: status, headers: [("Location", location)], body: [], times: times)
    }

    private func craft(_ answer: CraftedAnswer) {
        state.withLock { $0.craftedAnswers.append(answer) }
    }
}
