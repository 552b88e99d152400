import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol app rollout` keeps the ledger like a rollout: each verified repository journaled at once with the key's
/// fingerprint and when it went out, the key current once the whole fleet holds it, and `--resume` finishing a run
/// that was cut short — also by SIGKILL of the built binary.
@Suite struct AppRolloutLedgerTests {
    /// PUTs of the App key's secret per repository in the simulator's log, from `start` on.
    static func keyUploads(_ fleet: AppFleet, from start: Int = 0) -> [String: Int] {
        var counts: [String: Int] = [:]
        for request in fleet.harness.simulator.requests.dropFirst(start)
        where request.method == "PUT" && request.path.hasSuffix("/actions/secrets/APP_PRIVATE_KEY") {
            let parts = request.path.split(separator: "/")
            counts["\(parts[1])/\(parts[2])", default: 0] += 1
        }
        return counts
    }

    @Test func theLedgerRecordsTheKeyPerRepositoryAndMakesItCurrent() async throws {
        let fleet = try AppFleet()
        let fingerprint = try TestAppKeys.fingerprint(of: fleet.pair)
        let before = Date()
        let partial = await fleet.harness.run(["app", "rollout", "--repos", "c3-web,c3-cli"] + fleet.appArguments)
        #expect(partial.code == 0, "\(partial.output)")
        var ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(Set(ledger.app.repositories.keys) == ["garrick0/c3-web", "garrick0/c3-cli"])
        let web = try #require(ledger.app.repositories["garrick0/c3-web"])
        #expect(web.fingerprint.value == fingerprint && web.appID == AppFleet.appID)
        #expect(web.variable == "APP_ID" && web.secret == "APP_PRIVATE_KEY")
        #expect(web.uploadedAt >= before.addingTimeInterval(-1))
        let updatedAt = try #require(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: "garrick0/c3-web")?.updatedAt)
        #expect(abs(web.secretUpdatedAt.timeIntervalSince(updatedAt)) < 1)
        // Two of nine: the key is known, not yet the fleet's.
        #expect(ledger.app.keys.map(\.fingerprint.value) == [fingerprint])
        #expect(ledger.app.currentKey == nil)
        #expect(ledger.history.last?.command == "app rollout")

        let mark = fleet.harness.simulator.requests.count
        let rest = await fleet.harness.run(["app", "rollout", "--resume"] + fleet.appArguments)
        #expect(rest.code == 0, "\(rest.output)")
        #expect(Set(Self.keyUploads(fleet, from: mark).keys) == Set(FleetHarness.fleet).subtracting(["garrick0/c3-web", "garrick0/c3-cli"]))
        #expect(rest.stdout.contains("skipped: holds this key already"))
        ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        let current = try #require(ledger.app.currentKey)
        #expect(current.fingerprint.value == fingerprint && current.appID == AppFleet.appID)
        #expect(current.currentSince != nil && current.firstRolledOut >= before.addingTimeInterval(-1))
        #expect(FleetHarness.fleet.allSatisfy { ledger.app.repositories[$0]?.fingerprint.value == fingerprint })
        // No journal left, and no key material in the ledger.
        #expect(!FileManager.default.fileExists(atPath: LedgerJournal.path(for: fleet.harness.ledgerPath)))
        let text = try String(contentsOfFile: fleet.harness.ledgerPath, encoding: .utf8)
        #expect(text.contains(fingerprint) && !text.contains("PRIVATE KEY"))
    }

    @Test func withoutResumeEveryRepositoryGetsTheKeyAgain() async throws {
        let fleet = try AppFleet()
        _ = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        let mark = fleet.harness.simulator.requests.count
        let again = await fleet.harness.run(["app", "rollout"] + fleet.appArguments)
        #expect(again.code == 0)
        #expect(Set(Self.keyUploads(fleet, from: mark).keys) == Set(FleetHarness.fleet))
    }

    @Test func aSignalStopsNewRepositoriesAndResumeFinishes() async throws {
        let fleet = try AppFleet(latency: .milliseconds(30))
        let interrupt = InterruptSignals()
        let out = Locked(""), err = Locked("")
        // The third verified line sends SIGINT: the rest are not started.
        let lines = Locked(0)
        let watching = Console(stdout: { text in
            out.withLock { $0 += text }
            if text.hasPrefix("✓"), lines.withLock({ $0 += 1; return $0 }) == 3 { interrupt.deliver(SIGINT) }
        }, stderr: { text in err.withLock { $0 += text } })
        let context = Context(environment: [:], console: watching, tokenInputs: TokenInputs(environment: [:], standardInput: ""), interrupt: interrupt)
        let code = await Patrol.run(arguments: ["app", "rollout", "--concurrency", "1", "--config", fleet.harness.configPath] + fleet.appArguments,
                                    context: context)
        #expect(code == 130, "\(out.withLock { $0 })\(err.withLock { $0 })")
        #expect(err.withLock { $0 }.contains("run patrol app rollout --resume"))
        let done = Self.keyUploads(fleet)
        #expect(done.count >= 3 && done.count < 9, "\(done)")
        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(Set(ledger.app.repositories.keys) == Set(done.keys))
        #expect(ledger.app.currentKey == nil)

        let mark = fleet.harness.simulator.requests.count
        let resume = await fleet.harness.run(["app", "rollout", "--resume"] + fleet.appArguments)
        #expect(resume.code == 0, "\(resume.output)")
        #expect(Set(Self.keyUploads(fleet, from: mark).keys) == Set(FleetHarness.fleet).subtracting(done.keys))
        #expect(FleetHarness.fleet.allSatisfy { fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: $0)?.plaintext == fleet.pair.privateKeyPEM })
        #expect(try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN").app.currentKey != nil)
    }

    @Test func killedMidWayTheBinaryResumes() async throws {
        let fleet = try AppFleet(latency: .milliseconds(40))
        let journal = LedgerJournal.path(for: fleet.harness.ledgerPath)
        let process = try PatrolBinary.start(["app", "rollout", "--concurrency", "1", "--config", fleet.harness.configPath] + fleet.appArguments)
        // SIGKILL once three repositories are journaled: no chance to record anything more.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= 3 || !process.isRunning { break }
            usleep(5_000)
        }
        process.send(SIGKILL)
        #expect(process.wait() == .signaled(SIGKILL), "the run ended before the kill")
        // What the killed run had sent is in the simulator's log before the uploads are counted, not among --resume's.
        try fleet.harness.drain()
        let first = Self.keyUploads(fleet)

        let ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        let recorded = Set(ledger.app.repositories.keys)
        #expect(recorded.count >= 3 && recorded.count < 9, "\(recorded)")
        for name in recorded { #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: name)?.plaintext == fleet.pair.privateKeyPEM) }

        let mark = fleet.harness.simulator.requests.count
        let resume = try PatrolBinary.run(["app", "rollout", "--resume", "--config", fleet.harness.configPath] + fleet.appArguments)
        #expect(resume.code == 0, "\(resume.stderr)")
        let second = Self.keyUploads(fleet, from: mark)
        #expect(Set(second.keys) == Set(FleetHarness.fleet).subtracting(recorded), "resumed \(second.keys.sorted()) with \(recorded.sorted())")
        for name in FleetHarness.fleet {
            #expect((first[name] ?? 0) <= 1 && (second[name] ?? 0) <= 1, "\(name)")
            #expect(fleet.harness.simulator.secret("APP_PRIVATE_KEY", in: name)?.plaintext == fleet.pair.privateKeyPEM)
            #expect(fleet.harness.simulator.variable("APP_ID", in: name) == String(AppFleet.appID))
        }
        let after = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
        #expect(after.app.currentKey?.fingerprint.value == (try TestAppKeys.fingerprint(of: fleet.pair)))
        #expect(resume.stdout.contains("9/9 repositories hold APP_ID"))
    }
}
