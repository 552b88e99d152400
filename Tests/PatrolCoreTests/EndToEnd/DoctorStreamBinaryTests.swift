import Foundation
import Testing
import PatrolSupport

/// `patrol doctor` streams its text report (spec §3, "Behaving like a Unix tool"; issue 11): the token's checks as soon
/// as they are done, each repository's checks as that repository completes, the rest and the summary at the end.
@Suite("doctor streams its report, built binary")
struct DoctorStreamBinaryTests {
    /// The last repository of the fleet, whose answers the simulator holds back.
    static let held = "garrick0/c3-web"

    @Test("to a pipe, the token's checks and finished repositories' checks arrive while the last repository is still unanswered")
    func repositoriesStream() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        let prefix = "/repos/\(Self.held)"
        fleet.simulator.holdAnswers(matching: prefix)
        var released = false
        defer { if !released { fleet.simulator.releaseAnswers() } }
        let running = try PatrolBinary.start(["doctor", "--config", fleet.configPath], environment: ["PAT_TOKEN": token], readsOutput: true)
        defer { running.stop(SIGKILL) }
        let output = OutputReader(running.stdout)

        // A whole repository's block, while c3-web cannot have finished: its every request waits for the test.
        let early = try #require(output.wait(seconds: 60) { text in
            text.contains("\nrepositories\n  garrick0/") && text.components(separatedBy: "secret.current").count > 1
        }, "no repository's checks on stdout while \(Self.held) was unanswered; got: \(output.text)")
        #expect(running.isRunning)
        let lines = early.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "token", "\(early)")
        #expect(early.contains("✓ token.valid") && early.contains("✓ ratelimit"), "\(early)")
        #expect(!early.contains(Self.held), "\(early)")
        #expect(!early.contains("doctor: "), "\(early)")

        fleet.simulator.releaseAnswers()
        released = true
        running.wait()
        let text = try #require(output.wait(seconds: 30) { _ in output.ended })
        // The harness's repositories have no dispatch workflows: dispatch.target and platform.handler fail (exit 1).
        #expect(running.wait() == .exited(1), "\(text)")
        #expect(text.hasPrefix(early))
        // Every repository once, the held one among them; every check once; the summary last.
        for repository in FleetHarness.fleet {
            #expect(text.components(separatedBy: "\n  \(repository)\n").count == 2, "\(repository): \(text)")
        }
        let json = try PatrolBinary.run(["doctor", "--json", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let checks = try #require(document["checks"] as? [[String: Any]])
        let marked = text.split(separator: "\n").filter { line in ["✓ ", "✗ ", "! ", "· "].contains { line.drop { $0 == " " }.hasPrefix($0) } }
        #expect(marked.count == checks.count, "\(text)")
        let summary = try #require(document["summary"] as? [String: Int])
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last == "doctor: \(summary["pass"] ?? -1) passed, \(summary["warn"] ?? -1) warnings, \(summary["fail"] ?? -1) failed, "
                + "\(summary["skip"] ?? -1) skipped", "\(text)")
    }

    @Test("doctor | head -1: the reader goes after the first streamed line; patrol ends quietly, exit 141, nothing on stderr")
    func closedStdoutWhileStreaming() throws {
        let fleet = try FleetHarness()
        let prefix = "/repos/\(Self.held)"
        fleet.simulator.holdAnswers(matching: prefix)
        var released = false
        defer { if !released { fleet.simulator.releaseAnswers() } }
        let running = try PatrolBinary.start(["doctor", "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()],
                                             readsOutput: true)
        defer { running.stop(SIGKILL) }
        #expect(try UnixToolTests.firstLine(of: running) == "token")
        try running.stdout.close()
        fleet.simulator.releaseAnswers()
        released = true
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(141), "\(stderr)")
        #expect(stderr.isEmpty, "\(stderr)")
    }
}

/// Reads a pipe on its own thread, so that a test can wait for what arrived with a deadline instead of blocking.
private final class OutputReader: Sendable {
    private struct State {
        var data = Data()
        var ended = false
    }
    private let state = Locked(State())

    init(_ handle: FileHandle) {
        let state = self.state
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                state.withLock { $0.data += chunk }
            }
            state.withLock { $0.ended = true }
        }
    }

    /// What arrived so far.
    var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }

    /// True once the writer closed the pipe.
    var ended: Bool { state.withLock { $0.ended } }

    /// What arrived once `done` holds for it; nil when it did not within `seconds`.
    func wait(seconds: Double, until done: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = self.text
            if done(text) { return text }
            usleep(10_000)
        }
        return nil
    }
}
