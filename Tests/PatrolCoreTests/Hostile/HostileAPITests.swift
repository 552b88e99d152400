import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Hostile answers from the API: each one repository meets it, the run ends with a clear reason for that
/// repository, the other eight still hold the token, and the ledger claims nothing that did not happen.
@Suite("hostile input from the API")
struct HostileAPITests {
    /// One crafted answer to `c3-web`'s public-key request and the words the failure line must contain.
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        let reason: String
        var description: String { name }
    }

    static let json = [(name: "Content-Type", value: "application/json; charset=utf-8")]
    static let keyPath = "/repos/garrick0/c3-web/actions/secrets/public-key"

    static let cases: [Case] = [
        Case(name: "key not base64", status: 200, headers: json,
             body: Array(#"{"key_id":"568250167242549743","key":"not base64 at all!!"}"#.utf8), reason: "base64"),
        Case(name: "key of 31 bytes", status: 200, headers: json,
             body: Array(#"{"key_id":"568250167242549743","key":"\#(Data(repeating: 7, count: 31).base64EncodedString())"}"#.utf8),
             reason: "32"),
        Case(name: "key of 64 bytes", status: 200, headers: json,
             body: Array(#"{"key_id":"568250167242549743","key":"\#(Data(repeating: 7, count: 64).base64EncodedString())"}"#.utf8),
             reason: "32"),
        Case(name: "key_id as a number", status: 200, headers: json,
             body: Array(#"{"key_id":568250167242549743,"key":"\#(Data(repeating: 7, count: 32).base64EncodedString())"}"#.utf8),
             reason: "key_id"),
        Case(name: "key missing", status: 200, headers: json, body: Array(#"{"key_id":"1"}"#.utf8), reason: "key"),
        Case(name: "JSON null", status: 200, headers: json, body: Array("null".utf8), reason: "public-key"),
        Case(name: "HTML error page with 200", status: 200, headers: [("Content-Type", "text/html")],
             body: Array("<!DOCTYPE html><html><body><h1>Unicorn!</h1></body></html>".utf8), reason: "public-key"),
        Case(name: "HTML error page with 500", status: 500, headers: [("Content-Type", "text/html")],
             body: Array("<html><body>Internal error</body></html>".utf8), reason: "500"),
        Case(name: "wrong content type around good JSON", status: 200, headers: [("Content-Type", "application/octet-stream")],
             body: Array(#"{"key_id":"1","key":"#.utf8) + [0xFF, 0xFE, 0x00] + Array(#""}"#.utf8), reason: "public-key"),
        Case(name: "empty body", status: 200, headers: json, body: [], reason: "public-key"),
        Case(name: "binary garbage", status: 200, headers: json, body: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) },
             reason: "public-key"),
    ]

    /// Runs a rollout in which `craft` spoils c3-web's key request; checks the other eight and the ledger.
    static func rolloutWithOneSpoiled(_ craft: (GitHubSimulator) -> Void, reason: String) async throws -> FleetHarness.Run {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        craft(fleet.simulator)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.output)")
        let delivered = fleet.delivered()
        #expect(delivered.values.filter { $0 == token }.count == 8, "\(run.output)")
        #expect(delivered["garrick0/c3-web"] == .some(nil))
        let line = run.stdout.split(separator: "\n").first { $0.contains("garrick0/c3-web") }.map(String.init) ?? ""
        #expect(line.contains("failed") && line.contains(reason), "\(run.output)")
        #expect(!run.output.contains(token))
        let ledger = try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN")
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        let web = try RepositoryName(parsing: "garrick0/c3-web", defaultOwner: "garrick0")
        let shared = try RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")
        #expect(!ledger.holds(web, fingerprint))
        #expect(ledger.holds(shared, fingerprint))
        return run
    }

    @Test("a malformed public-key answer fails that repository alone, with its reason", arguments: cases)
    func malformedKey(_ hostile: Case) async throws {
        _ = try await Self.rolloutWithOneSpoiled({
            $0.answerNext(path: Self.keyPath, status: hostile.status, headers: hostile.headers, body: hostile.body, times: 20)
        }, reason: hostile.reason)
    }

    @Test("a truncated body (Content-Length larger than what arrives) is a transport failure, not a crash")
    func truncatedBody() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n"
        _ = try await Self.rolloutWithOneSpoiled({
            $0.answerNextRaw(path: Self.keyPath, bytes: Array((head + #"{"key_id":"1","ke"#).utf8), times: 20)
        }, reason: "failed")
    }

    @Test("a garbage status line is a transport failure, not a crash")
    func garbageStatusLine() async throws {
        _ = try await Self.rolloutWithOneSpoiled({
            $0.answerNextRaw(path: Self.keyPath, bytes: Array("SSH-2.0-OpenSSH_9.2\r\n\r\n".utf8), times: 20)
        }, reason: "failed")
    }

    @Test("a 10 MB body is refused at the 8 MiB cap with a clear error")
    func tenMegabytes() async throws {
        let run = try await Self.rolloutWithOneSpoiled({
            $0.answerNext(path: Self.keyPath, status: 200, headers: Self.json,
                          body: [UInt8](repeating: UInt8(ascii: " "), count: 10_000_000), times: 20)
        }, reason: "failed")
        #expect(run.output.contains("too large: more than 8388608 bytes"), "\(run.output)")
    }

    @Test("a redirect to another host is not followed (spec §4): nothing reaches that host, the repository fails with the reason")
    func redirectToAnotherHost() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let elsewhere = GitHubSimulator()
        defer { elsewhere.stop() }
        let other = try elsewhere.start(host: "127.0.0.2")
        fleet.simulator.redirectNext(path: Self.keyPath, to: other + Self.keyPath, status: 307, times: 20)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.output)")
        #expect(elsewhere.requests.isEmpty, "the redirect to another host was followed")
        #expect(run.stdout.contains("patrol follows redirects only to the same scheme and host"), "\(run.stdout)")
        #expect(fleet.delivered().values.filter { $0 == token }.count == 8)
        #expect(fleet.delivered()["garrick0/c3-web"] == .some(nil))
        #expect(!run.output.contains(token))
    }

    @Test("a redirect to the same host keeps working (GitHub moves renamed repositories with 301)")
    func redirectToSameHost() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.redirectNext(path: Self.keyPath, to: fleet.apiURL + Self.keyPath, status: 301)
        let run = await fleet.run(["rollout"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    /// Inputs this suite tries.
    static let inputCount = cases.count + 5
}
