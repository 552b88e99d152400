import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// patrol behaves like a well-made Unix tool (spec §3, "Behaving like a Unix tool"; issue 17 items 1, 5, 6, 7, 13,
/// 14): the built binary against real pipes, real signals and a pseudo-terminal.
@Suite("patrol as a Unix tool, built binary")
struct UnixToolTests {
    // MARK: 1. A closed standard output

    @Test("status, doctor, version with a reader that has gone: exit 141, no trace, nothing on stderr",
          arguments: [["status"], ["doctor"], ["version"], ["status", "--json"]])
    func closedStdoutBeforeAnyOutput(arguments: [String]) throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let running = try PatrolBinary.start(arguments + ["--config", fleet.configPath], environment: ["PAT_TOKEN": token],
                                             readsOutput: true)
        // The reader goes before patrol writes a byte: its first write meets EPIPE.
        try running.stdout.close()
        try running.stdin.close()
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(141), "\(arguments): \(running.wait()): \(stderr)")
        #expect(stderr.isEmpty, "\(arguments): \(stderr)")
    }

    @Test("rollout | head -1: the run stops quietly after the first line, exit 141, the ledger holds what finished")
    func closedStdoutDuringRollout() throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let token = fleet.mint()
        let running = try PatrolBinary.start(["rollout", "--quiet", "--concurrency", "1", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": token], readsOutput: true)
        defer { running.stop(SIGKILL) }
        let first = try Self.firstLine(of: running)
        #expect(first.contains("verified: updated_at"), "\(first)")
        try running.stdout.close()
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(141), "\(stderr)")
        #expect(stderr.isEmpty, "\(stderr)")
        // It stopped starting repositories, and the ledger records exactly those that hold the token.
        let holding = fleet.delivered().filter { $0.value == token }.keys.sorted()
        #expect(!holding.isEmpty && holding.count < 9, "\(holding)")
        #expect(try Self.ledgerRepositories(fleet) == holding)
    }

    // MARK: 5. Streaming and signals

    @Test("to a pipe, each repository's line arrives as it finishes, long before the run ends")
    func linesStreamToAPipe() throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let running = try PatrolBinary.start(["rollout", "--concurrency", "1", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": fleet.mint()], readsOutput: true)
        defer { running.stop(SIGKILL) }
        let started = Date()
        let first = try Self.firstLine(of: running)
        let firstAfter = Date().timeIntervalSince(started)
        #expect(running.isRunning, "the first line came only when the run ended")
        #expect(first.hasPrefix("✓ garrick0/"), "\(first)")
        _ = running.stdout.readDataToEndOfFile()
        running.wait()
        let total = Date().timeIntervalSince(started)
        #expect(running.wait() == .exited(0))
        #expect(firstAfter < total / 2, "first line after \(firstAfter) s of \(total) s")
    }

    @Test("status to a pipe: the first repository's row arrives before the others are answered")
    func statusStreams() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        fleet.simulator.setLatency(.milliseconds(1000))
        let running = try PatrolBinary.start(["status", "--config", fleet.configPath], environment: ["PAT_TOKEN": token], readsOutput: true)
        defer { running.stop(SIGKILL) }
        let started = Date()
        let first = try Self.firstLine(of: running)
        let firstAfter = Date().timeIntervalSince(started)
        let rest = String(decoding: running.stdout.readDataToEndOfFile(), as: UTF8.self)
        running.wait()
        let total = Date().timeIntervalSince(started)
        #expect(running.wait() == .exited(0))
        #expect(first.hasPrefix("current   garrick0/c3-shared"), "\(first)")
        #expect(rest.split(separator: "\n").count == 9, "\(rest)")
        // One answer (about 1 s) for the first row, a second round of answers for the rest.
        #expect(firstAfter < total * 0.8, "first row after \(firstAfter) s of \(total) s")
    }

    @Test("SIGINT / SIGTERM during a rollout: what finished is recorded and said, --resume named, exit 130 / 143",
          arguments: [SIGINT, SIGTERM])
    func signalDuringRollout(signal: Int32) throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let token = fleet.mint()
        let running = try PatrolBinary.start(["rollout", "--concurrency", "1", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": token], readsOutput: true)
        defer { running.stop(SIGKILL) }
        _ = try Self.firstLine(of: running)
        running.send(signal)
        let stdout = String(decoding: running.stdout.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(128 + signal), "\(running.wait()) (a signal: killed instead of stopping): \(stderr)")
        let holding = fleet.delivered().filter { $0.value == token }.keys.sorted()
        #expect(!holding.isEmpty && holding.count < 9, "\(holding)")
        #expect(try Self.ledgerRepositories(fleet) == holding)
        #expect(stderr.hasSuffix("interrupted: \(holding.count)/9 repositories verified; run patrol rollout --resume\n"), "\(stderr)")
        #expect(stdout.contains("rollout: \(holding.count)/9 repositories verified, \(9 - holding.count) not started"), "\(stdout)")
        // --resume does the rest, and only the rest.
        let uploads = fleet.uploads
        let resume = try PatrolBinary.run(["rollout", "--resume", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(resume.code == 0, "\(resume.stderr)")
        #expect(fleet.uploads - uploads == 9 - holding.count)
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("SIGTERM during a rotation: the new token stays pending, --resume with the same token named, exit 143")
    func signalDuringRotate() throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let old = fleet.mint(), new = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": old]).code == 0)
        let running = try PatrolBinary.start(["rotate", "--concurrency", "1", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": new], readsOutput: true)
        defer { running.stop(SIGKILL) }
        _ = try Self.firstLine(of: running)
        running.send(SIGTERM)
        let stdout = String(decoding: running.stdout.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(143), "\(stderr)")
        let holding = fleet.delivered().filter { $0.value == new }.count
        #expect(holding > 0 && holding < 9)
        #expect(stderr.hasSuffix("interrupted: \(holding)/9 repositories verified; run patrol rotate --resume with the same new token; "
                                 + "the old one stays valid meanwhile\n"), "\(stderr)")
        #expect(stdout.contains("rotation incomplete"), "\(stdout)")
        #expect(!stdout.contains("retired") && !stdout.contains("delete the old token"), "\(stdout)")
    }

    @Test("SIGINT during the preflight: patrol ends at once with 130, nothing uploaded")
    func signalDuringPreflight() throws {
        let fleet = try FleetHarness()
        // No answer comes until the test says so: a rollout that waited for its preflight could not end before its
        // requests' 30-second timeout, however fast the machine. The 20 s below are room for a machine slowed by a
        // sanitizer to end the process, well under that timeout.
        fleet.simulator.holdAnswers()
        defer { fleet.simulator.releaseAnswers() }
        let running = try PatrolBinary.start(["rollout", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": fleet.mint()], readsOutput: true)
        defer { running.stop(SIGKILL) }
        // Until the preflight's first request is out (it is held), so the signal meets the preflight under way.
        while fleet.simulator.requests.isEmpty, running.isRunning { usleep(10_000) }
        #expect(running.stop(SIGINT, within: 20), "rollout waited for its preflight before stopping")
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(130), "\(stderr)")
        #expect(stderr.contains("interrupted: patrol rollout stopped before it finished"), "\(stderr)")
        #expect(fleet.uploads == 0)
    }

    @Test("SIGINT during status: it says so and exits 130 at once")
    func signalDuringStatus() throws {
        let fleet = try FleetHarness()
        // As above: held answers, so only a status that stops at once, without its answers, ends by itself.
        fleet.simulator.holdAnswers()
        defer { fleet.simulator.releaseAnswers() }
        let running = try PatrolBinary.start(["status", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": fleet.mint()], readsOutput: true)
        defer { running.stop(SIGKILL) }
        // Wait until status has made its first request (held), so the signal meets a run in progress.
        while fleet.simulator.requests.isEmpty, running.isRunning { usleep(10_000) }
        #expect(running.stop(SIGINT, within: 20), "status did not stop at SIGINT while its requests were out")
        let stderr = String(decoding: running.stderr.readDataToEndOfFile(), as: UTF8.self)
        #expect(running.wait() == .exited(130), "\(stderr)")
        #expect(stderr.contains("interrupted: patrol status stopped before it finished"), "\(stderr)")
    }

    @Test("on a terminal, Ctrl-C clears the progress line before saying what finished")
    func signalClearsProgressLine() throws {
        let fleet = try FleetHarness(latency: .milliseconds(150))
        let terminal = try PseudoTerminal()
        let running = try PatrolBinary.start(["rollout", "--concurrency", "1", "--config", fleet.configPath],
                                             environment: ["PAT_TOKEN": fleet.mint()], readsOutput: true,
                                             standardError: terminal.secondary)
        defer { running.stop(SIGKILL) }
        terminal.closeSecondary()
        _ = try Self.firstLine(of: running)
        running.send(SIGINT)
        _ = running.stdout.readDataToEndOfFile()
        running.wait()
        let screen = terminal.readAll()
        #expect(running.wait() == .exited(130))
        // The progress line was shown, then cleared, and the interruption is the last thing on the terminal.
        #expect(screen.contains("rollout 0/9 …"), "\(screen.debugDescription)")
        let last = try #require(screen.range(of: "interrupted:", options: .backwards))
        #expect(screen[..<last.lowerBound].hasSuffix("\r\u{1B}[2K"), "\(screen.debugDescription)")
        #expect(!screen[last.lowerBound...].contains("/9 …"), "\(screen.debugDescription)")
    }

    // MARK: 6, 7. The summary and a mistyped owner

    @Test("a mistyped owner: one line names the token's account and the config's owner; no claim that anything holds the token",
          arguments: [["rollout"], ["rollout", "--dry-run"], ["status"], ["doctor"]])
    func mistypedOwner(arguments: [String]) throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let config = try String(contentsOfFile: fleet.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"owner\": \"garrick0\"", with: "\"owner\": \"garrick9\"")
            .write(toFile: fleet.configPath, atomically: true, encoding: .utf8)
        let run = try PatrolBinary.run(arguments + ["--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.stderr)")
        let line = "every repository (9) answered 404: the token belongs to garrick0 but \(fleet.configPath) says owner \"garrick9\" — check owner"
        #expect(run.stderr.components(separatedBy: line).count == 2, "\(run.stderr)")
        if arguments.first == "rollout" {
            #expect(!run.stdout.contains("holds"), "\(run.stdout)")
            #expect(!(run.stdout + run.stderr).contains("--resume"), "\(run.stdout)\(run.stderr)")
        }
        if arguments == ["rollout"] { #expect(run.stdout.hasSuffix("rollout: 0/9 repositories verified, 9 failed\n"), "\(run.stdout)") }
        if arguments == ["rollout", "--dry-run"] {
            #expect(run.stdout.hasSuffix("rollout --dry-run: 0/9 repositories ready, 9 failed; nothing was uploaded\n"), "\(run.stdout)")
        }
    }

    @Test("a dry run says what it would do and never that the secret holds the token")
    func dryRunSummary() throws {
        let fleet = try FleetHarness()
        let run = try PatrolBinary.run(["rollout", "--dry-run", "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 0, "\(run.stderr)")
        let summary = try #require(run.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("rollout --dry-run: 9/9 repositories ready; a real run would upload token sha256:"), "\(summary)")
        #expect(summary.hasSuffix("to each as PAT_TOKEN; nothing was uploaded"), "\(summary)")
        #expect(!summary.contains("holds"))
        #expect(fleet.uploads == 0)
    }

    @Test("one repository failing: the summary says which part holds the token, --resume is advised")
    func partialSummary() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        fleet.simulator.setPermission(.read, on: "garrick0/c3-web")
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.stderr)")
        #expect(run.stdout.contains("rollout: 8/9 repositories verified, 1 failed — those 8 hold token sha256:"), "\(run.stdout)")
        #expect(run.stderr.contains("then run `patrol rollout --resume` to finish"), "\(run.stderr)")
    }

    // MARK: 13. Exit codes

    @Test("a rejected token or a missing scope exits 4 in every command; nothing is uploaded",
          arguments: ["rejected", "scope"], [["rollout"], ["rotate"], ["doctor"], ["status"]])
    func credentialProblemsExit4(problem: String, arguments: [String]) throws {
        let fleet = try FleetHarness()
        let token = problem == "rejected" ? TestTokens.classic() : fleet.mint(scopes: ["repo"])
        // status only calls the API; a missing `workflow` scope does not concern it.
        if arguments == ["status"], problem == "scope" { return }
        let run = try PatrolBinary.run(arguments + ["--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4, "\(arguments) \(problem): \(run.stdout)\(run.stderr)")
        #expect(fleet.uploads == 0)
    }

    @Test("a fine-grained token without the Secrets write permission exits 4; nothing is stored")
    func missingFineGrainedPermissionExit4() throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, kind: .fineGrained)
        for repository in FleetHarness.fleet { fleet.simulator.setFineGrainedPermissions([.secrets: .read], on: repository, for: token) }
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4, "\(run.stdout)\(run.stderr)")
        #expect(fleet.delivered().values.allSatisfy { $0 == nil })
    }

    @Test("a repository the credential cannot write is that repository's failure: exit 1")
    func unreachableRepositoryExit1() throws {
        let fleet = try FleetHarness()
        fleet.simulator.removeRepository("garrick0/c3-web")
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 1, "\(run.stderr)")
    }

    // MARK: 14. --quiet, --json, doctor --wait

    @Test("--quiet: doctor counts passing checks, status and expiry print only what needs attention and the summary")
    func quiet() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        let doctor = try PatrolBinary.run(["doctor", "--quiet", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        let loud = try PatrolBinary.run(["doctor", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(loud.stdout.contains("✓ token.valid"))
        #expect(!doctor.stdout.contains("✓"), "\(doctor.stdout)")
        #expect(doctor.stdout.split(separator: "\n").last == loud.stdout.split(separator: "\n").last)
        #expect(doctor.stderr.isEmpty, "\(doctor.stderr)")

        let status = try PatrolBinary.run(["status", "--quiet", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(status.code == 0)
        #expect(status.stdout.split(separator: "\n").count == 1, "\(status.stdout)")
        #expect(status.stdout.hasPrefix("status: 9/9 current"))

        let expiry = try PatrolBinary.run(["expiry", "--quiet", "--config", fleet.configPath])
        #expect(expiry.code == 0)
        #expect(expiry.stdout.split(separator: "\n").count == 1, "\(expiry.stdout)")
        #expect(expiry.stdout.hasPrefix("ok: "))
    }

    @Test("--json for version and demo: one JSON document on stdout, nothing else there",
          arguments: [["version", "--json"], ["--version", "--json"], ["demo", "--json", "--latency-ms", "1"]])
    func jsonEverywhere(arguments: [String]) throws {
        let run = try PatrolBinary.run(arguments)
        #expect(run.code == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        if arguments.contains("demo") {
            #expect(document["command"] as? String == "demo")
            #expect(document["passed"] as? Bool == true)
            // Nine repository copies, an environment's and a Dependabot copy; seven steps and the App's act.
            #expect(document["summary"] as? [String: Int] == ["total": 11, "verified": 11])
            #expect((document["steps"] as? [[String: Any]])?.count == 8)
        } else {
            #expect(document["command"] as? String == "version")
            #expect(document["version"] as? String == Patrol.version)
            // null when the build did not know its commit, as the text says "commit unknown".
            #expect(try BuildCommitCheck.expected().contains(document["commit"] as? String ?? "commit unknown"))
            #expect(document["libcurl"] as? String == (try BuildCommitCheck.run("/usr/bin/pkg-config", ["--modversion", "libcurl"])))
            #expect(document["libsodium"] as? String == (try BuildCommitCheck.run("/usr/bin/pkg-config", ["--modversion", "libsodium"])))
        }
    }

    @Test("doctor --wait without --send-test-event is a usage error: exit 2, nothing sent")
    func waitNeedsTestEvent() throws {
        let fleet = try FleetHarness()
        let run = try PatrolBinary.run(["doctor", "--wait", "5", "--config", fleet.configPath], environment: ["PAT_TOKEN": fleet.mint()])
        #expect(run.code == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--wait") && run.stderr.contains("--send-test-event"))
        #expect(fleet.simulator.requests.isEmpty)
    }

    // MARK: Helpers

    /// Reads standard output up to its first line break and returns that line.
    static func firstLine(of running: ChildProcess) throws -> String {
        let printed = running.stdout.readText { $0.contains("\n") }
        try #require(printed.contains("\n"), "patrol ended before printing a line")
        return String(printed.prefix { $0 != "\n" })
    }

    /// The repositories the ledger records as holding a token, sorted.
    static func ledgerRepositories(_ fleet: FleetHarness) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))
        let ledger = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        // Ledger version 2 keys its records by target id (spec §9): `repo:OWNER/NAME` for a repository's copy.
        let targets = try #require(ledger["targets"] as? [String: [String: Any]])
        return targets.filter { $0.value["fingerprint"] is String }.keys.map { String($0.dropFirst("repo:".count)) }.sorted()
    }
}

/// A pseudo-terminal pair: the secondary side is given to patrol as a stream, the primary side read here.
final class PseudoTerminal {
    let primary: FileHandle
    let secondary: FileHandle

    init() throws {
        var descriptor: Int32 = -1, secondaryDescriptor: Int32 = -1
        // why: openpty writes one descriptor into each of the two variables; no name, settings or size are passed.
        guard openpty(&descriptor, &secondaryDescriptor, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
        primary = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        secondary = FileHandle(fileDescriptor: secondaryDescriptor, closeOnDealloc: true)
    }

    /// Closes this process's copy of the secondary side, so reading the primary ends when patrol's copy closes.
    func closeSecondary() { try? secondary.close() }

    /// Everything written to the terminal until patrol closed it (EIO on Linux ends a pseudo-terminal's reads).
    func readAll() -> String {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            // why: read writes at most buffer.count bytes into the buffer.
            let count = read(primary.fileDescriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[..<count])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
