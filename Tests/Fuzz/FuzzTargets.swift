import Foundation

// libFuzzer entry point for patrol's readers of untrusted text. Compiled together with the library targets' sources
// (as module PatrolCore) by `make fuzz`; PATROL_FUZZ_TARGET picks the reader: config, workflow, token, headers.
// Every reader must return or throw its own error for any input: a crash, a sanitizer report or a hang is a finding.

/// The reader under test, read once from the environment.
private let target = ProcessInfo.processInfo.environment["PATROL_FUZZ_TARGET"] ?? "config"

/// A transport that is never called: `linkPath` only needs a client to know its API base.
private struct NoTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse { HTTPResponse(status: 599) }
}

private let client = GitHubClient(transport: NoTransport(), base: try! APIBase("https://api.github.com"),
                                  credential: Token(bytes: Array("ghp_fuzz".utf8)))

private let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    // why: libFuzzer hands a buffer of exactly `count` readable bytes, valid for this call only; it is copied at once.
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    switch target {
    case "config":
        _ = try? FleetConfig.parse(bytes, path: "fuzz.json")
    case "workflow":
        if let workflow = try? Workflow(text: String(decoding: bytes, as: UTF8.self)) {
            _ = try? workflow.repositoryDispatch()
            _ = try? workflow.dispatchSteps()
        }
    case "token":
        _ = try? TokenFormat.check(bytes: bytes)
        _ = try? TokenSource.resolved(bytes, from: .standardInput)
    case "headers":
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TokenExpiry.parse(header: text, now: now)
        _ = HTTPDate.parse(text)
        _ = ISO8601.parse(text)
        _ = client.linkPath(text, rel: "next")
        // The first line picks the status and header name; the rest is the value, so every field gets odd text.
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let status = [200, 403, 429, 500][Int(bytes.first ?? 0) % 4]
        let value = lines.count > 1 ? String(lines[1]) : text
        for name in ["retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "date"] {
            let headers = HTTPHeaders([(name, value), ("x-ratelimit-remaining", String(lines[0]))])
            _ = RateLimitSignal(HTTPResponse(status: status, headers: headers, body: bytes), now: now.timeIntervalSince1970)
        }
    default:
        fatalError("PATROL_FUZZ_TARGET must be config, workflow, token or headers, not \(target)")
    }
    return 0
}
