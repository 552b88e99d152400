import Foundation
import Spawn
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Where the ledger lives and who may write it, with the built binary (spec §3, §6; issue 17 items 9 and 10,
/// issue 10 item 6).
@Suite("the ledger's place and lock, built binary")
struct LedgerPlaceBinaryTests {
    /// Every entry of `folder` with its size and modification time: what "no file was created or changed" compares.
    static func listing(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { name in
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            return "\(name) \(attributes[.size] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
    }

    @Test("--ledger PATH and PATROL_LEDGER put the ledger there, --ledger first; none goes beside the config")
    func ledgerOption() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let byOption = fleet.folder + "/elsewhere/by-option.json", byVariable = fleet.folder + "/by-variable.json"
        let run = try PatrolBinary.run(["rollout", "--ledger", byOption, "--config", fleet.configPath],
                                       environment: ["PAT_TOKEN": token, "PATROL_LEDGER": byVariable])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: byOption))
        #expect(!FileManager.default.fileExists(atPath: byVariable) && !FileManager.default.fileExists(atPath: fleet.ledgerPath))
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        #expect(try LedgerStore.load(path: byOption, secret: "PAT_TOKEN").currentToken?.fingerprint == fingerprint)

        let expiry = try PatrolBinary.run(["expiry", "--json", "--config", fleet.configPath], environment: ["PATROL_LEDGER": byOption])
        #expect(expiry.code == 0, "\(expiry.stderr)")
        #expect(expiry.stdout.contains(fingerprint.value))
        // Without either, the config's ledger: there is none yet, so nothing to judge.
        #expect(try PatrolBinary.run(["expiry", "--config", fleet.configPath]).code == 1)
    }

    @Test("expiry, rollout --dry-run, status and doctor create no file and take no lock: they work in a read-only folder")
    func readOnlyFolder() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        // A journal left by a run, as a crash leaves it: read as it is, not folded in (that would be a write).
        let first = FleetHarness.fleet[0]
        let record = try #require(try fleet.ledger().targets["repo:\(first)"])
        _ = try LedgerJournal.append([.init(target: "repo:\(first)", record: record)], to: fleet.ledgerPath + ".journal")
        let before = try Self.listing(fleet.folder)
        chmod(fleet.folder, 0o555)
        defer { chmod(fleet.folder, 0o755) }
        let environment = ["PAT_TOKEN": token, "PATROL_LOCK_WAIT": "0"]
        let runs: [(arguments: [String], code: Int32)] = [
            (["expiry"], 0), (["rollout", "--dry-run"], 0), (["status"], 0), (["doctor"], 1), (["expiry", "--json"], 0),
        ]
        for (arguments, code) in runs {
            let run = try PatrolBinary.run(arguments + ["--config", fleet.configPath], environment: environment)
            #expect(run.code == code, "\(arguments): \(run.stderr)")
            // Tests run as root, where the folder's mode stops no write: the listing is what proves nothing was written.
            #expect(try Self.listing(fleet.folder) == before, "\(arguments) created or changed a file")
        }
    }

    /// True when this machine lets a test mount a folder read-only in a mount namespace of its own (root in a
    /// container usually may): the only way to make a folder read-only for root, whom a folder's mode does not stop.
    static let canMountReadOnly: Bool = {
        let folder = NSTemporaryDirectory() + "patrol-ro-probe-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return (try? readOnly(folder, ["/bin/sh", "-c", "! touch \"$0/probe\" 2>/dev/null", folder]).code) == 0
    }()

    /// Runs `command` with `folder` mounted read-only (a private mount namespace through `unshare -m`).
    static func readOnly(_ folder: String, _ command: [String], environment: [String: String] = [:]) throws -> PatrolBinary.Result {
        let script = "mount --bind \"$0\" \"$0\" && mount -o remount,ro,bind \"$0\" && exec \"$@\""
        let run = try ChildProcess.run("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, folder] + command,
                                       environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1"]
                                           .merging(environment) { $1 },
                                       directory: PatrolBinary.packageRoot)
        return PatrolBinary.Result(code: run.termination.status, stdout: run.text, stderr: run.errorText)
    }

    @Test("in a folder mounted read-only: expiry, rollout --dry-run, status and doctor answer; nothing says read-only",
          .enabled(if: canMountReadOnly, "needs unshare -m and mount (root in a mount namespace)"))
    func readOnlyMount() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        try FileManager.default.removeItem(atPath: fleet.ledgerPath + ".lock")
        let runs: [(arguments: [String], code: Int32)] = [
            (["expiry"], 0), (["rollout", "--dry-run"], 0), (["status"], 0), (["doctor"], 1),
        ]
        for (arguments, code) in runs {
            let run = try Self.readOnly(fleet.folder, [PatrolBinary.path] + arguments + ["--config", fleet.configPath],
                                        environment: ["PAT_TOKEN": token])
            #expect(run.code == code, "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Read-only file system"), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: fleet.ledgerPath + ".lock"))
    }

    @Test("while another run holds the lock: expiry answers, expiry --live answers and records nothing (and says so), status and doctor run")
    func whileLocked() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        // Hold the lock as a rotation would: flock on <ledger>.lock from this process.
        let descriptor = open(fleet.ledgerPath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let ledger = try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))
        let environment = ["PAT_TOKEN": token, "PATROL_LOCK_WAIT": "0"]

        let expiry = try PatrolBinary.run(["expiry", "--config", fleet.configPath], environment: environment)
        #expect(expiry.code == 0, "\(expiry.stderr)")
        let live = try PatrolBinary.run(["expiry", "--live", "--config", fleet.configPath], environment: environment)
        #expect(live.code == 0, "\(live.stderr)")
        #expect((live.stdout + live.stderr).contains("was not recorded in the ledger: it is locked by"), "\(live.stdout)\(live.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath)) == ledger)
        #expect(try PatrolBinary.run(["status", "--config", fleet.configPath], environment: environment).code == 0)
        #expect(try PatrolBinary.run(["doctor", "--config", fleet.configPath], environment: environment).code != 2)

        // Once the lock is free, --live records what it learnt.
        flock(descriptor, LOCK_UN)
        sleep(1)
        let recorded = try PatrolBinary.run(["expiry", "--live", "--config", fleet.configPath], environment: environment)
        #expect(recorded.code == 0, "\(recorded.stderr)")
        #expect(!(recorded.stdout + recorded.stderr).contains("was not recorded"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath)) != ledger)
    }

    @Test("the shipped .gitignore keeps the ledger's lock, journal and temporary files out of git, not the ledger")
    func gitignore() throws {
        let root = PatrolBinary.packageRoot
        let ignored = { (path: String) -> Bool in
            (try? ChildProcess.run("/usr/bin/git", ["-C", root, "check-ignore", "-q", "--no-index", path]))?.termination == .exited(0)
        }
        #expect(!ignored("config/ledger.json"))
        for path in ["config/ledger.json.lock", "config/ledger.json.journal", "config/ledger.json.tmp-123"] {
            #expect(ignored(path), "\(path)")
        }
    }
}
