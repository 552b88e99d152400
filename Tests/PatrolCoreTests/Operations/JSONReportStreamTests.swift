import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolCore
@testable import PatrolCLI

@Suite("--json reports written row by row")
struct JSONReportStreamTests {
    /// Runs `patrol <arguments>` in-process against `fleet`, keeping each write to stdout apart.
    private func run(_ fleet: FleetHarness, _ arguments: [String], environment: [String: String]) async -> (code: Int32, writes: [String]) {
        let writes = Locked<[String]>([])
        let console = Console(stdout: { text in writes.withLock { $0.append(text) } }, stderr: { _ in })
        let context = Context(environment: environment, console: console,
                              tokenInputs: TokenInputs(environment: environment, standardInput: ""))
        let code = await Patrol.run(arguments: arguments + ["--config", fleet.configPath], context: context)
        return (code, writes.withLock { $0 })
    }

    @Test("rollout, status, doctor and rotate --json over 300 repositories: one document, every row in the fleet's order, never written whole")
    func inPieces() async throws {
        let fleet = try FleetHarness()
        let names = try fleet.useLargerFleet(of: 300)
        let first = fleet.mint(), second = fleet.mint()
        // Uploads at once and no points window, so that 300 repositories take no minute.
        let pace = ["--write-rate", "1000", "--write-burst", "1000", "--concurrency", "32"]
        let runs: [(arguments: [String], token: String, rows: String)] = [
            (["rollout", "--json"] + pace, first, "repositories"), (["status", "--json"], first, "repositories"),
            (["doctor", "--json"], first, "checks"), (["rotate", "--json"] + pace, second, "repositories"),
        ]
        for (arguments, token, rows) in runs {
            let run = await run(fleet, arguments, environment: ["PAT_TOKEN": token, "PATROL_LIMIT_WINDOW": "0"])
            let text = run.writes.joined()
            #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1, "\(arguments[0]): one document on one line")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(arguments[0])")
            let listed = try #require(document[rows] as? [[String: Any]], "\(arguments[0])")
            if rows == "repositories" {
                #expect(listed.map { $0["repository"] as? String } == names, "\(arguments[0]): a row per repository, in the fleet's order")
            } else {
                #expect(listed.count > names.count)
            }
            // 300 rows are about 100 KB: the document goes out in pieces of 16 KiB and a row, never as one text.
            #expect(run.writes.count > 4, "\(arguments[0]): \(run.writes.count) writes")
            #expect(run.writes.allSatisfy { $0.utf8.count <= (16 << 10) + 4096 }, "\(arguments[0]): \(run.writes.map(\.utf8.count).max() ?? 0) bytes at once")
        }
    }

    @Test("a document written in pieces is byte for byte its value's text: members, empty and long arrays, escapes")
    func sameText() {
        let rows: [JSONValue] = (0..<50).map { index in
            .object([("n", .number(Double(index))), ("name", .string("a \"quoted\"/slashed\\name\n\(index)")), ("none", .null), ("list", [1, 2])])
        }
        var document = JSONDocument([("command", .value("rollout")), ("empty", .rows(count: 0) { _ in .null }),
                                     ("rows", .rows(count: rows.count) { rows[$0] }), ("summary", .value(.object([("total", 50)])))])
        document.append("after", .bool(true))
        for size in [1, 64, 1 << 20] {
            var pieces: [String] = []
            document.write(pieceSize: size) { pieces.append($0) }
            #expect(pieces.joined() == document.value.text)
            if size == 1 { #expect(pieces.count > rows.count) }
            if size == 1 << 20 { #expect(pieces.count == 1) }
        }
        #expect(document.value.text.hasPrefix(#"{"command": "rollout", "empty": [], "rows": [{"n": 0, "#))
    }
}
