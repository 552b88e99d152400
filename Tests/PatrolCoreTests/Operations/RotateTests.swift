import Foundation
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("rotate against the simulator")
struct RotateTests {
    static func fingerprint(_ token: String) -> Fingerprint { Token(bytes: Array(token.utf8)).fingerprint }

    static func ledger(_ fleet: FleetHarness) throws -> Ledger { try LedgerStore.load(path: fleet.ledgerPath, secret: "PAT_TOKEN") }

    static func state(of token: String, in ledger: Ledger) -> TokenRecord.State? {
        ledger.tokens.first { $0.fingerprint == fingerprint(token) }?.state
    }

    /// A fleet whose nine repositories hold `old`, current in the ledger; a minute later on the simulator's clock.
    static func rolledOut() async throws -> (FleetHarness, String) {
        let fleet = try FleetHarness()
        let old = fleet.mint()
        let first = await fleet.run(["rollout"], environment: ["PAT_TOKEN": old])
        #expect(first.code == 0, "\(first.output)")
        fleet.simulator.advanceClock(by: 60)
        return (fleet, old)
    }

    @Test("rotation end to end: all nine decrypt to the new token; the ledger marks it current and the old one retired")
    func endToEnd() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let new = fleet.mint()
        let run = await fleet.run(["rotate"], environment: ["PAT_TOKEN": new])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.delivered().values.allSatisfy { $0 == new })
        let ledger = try Self.ledger(fleet)
        #expect(ledger.currentToken?.fingerprint == Self.fingerprint(new))
        #expect(Self.state(of: old, in: ledger) == .retired)
        #expect(run.stdout.contains("rotated: every repository holds \(Self.fingerprint(new).short)"))
        #expect(run.stdout.contains("left to do: delete the old token \(Self.fingerprint(old).short)"))
        #expect(run.stdout.contains("\(fleet.apiURL)/settings/tokens"))
        #expect(fleet.simulator.revocations == 0)
        #expect(!run.output.contains(new) && !run.output.contains(old))
    }

    @Test("the same token rotated twice is refused with exit 2 and nothing sent; --force rolls it out again")
    func sameTokenTwice() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let new = fleet.mint()
        #expect(await fleet.run(["rotate"], environment: ["PAT_TOKEN": new]).code == 0)
        let sent = fleet.simulator.requests.count
        let again = await fleet.run(["rotate"], environment: ["PAT_TOKEN": new])
        #expect(again.code == 2)
        #expect(again.stderr.contains("already current"))
        #expect(again.stderr.contains("--force"))
        #expect(fleet.simulator.requests.count == sent)
        let forced = await fleet.run(["rotate", "--force"], environment: ["PAT_TOKEN": new])
        #expect(forced.code == 0, "\(forced.output)")
        #expect(fleet.uploads == 27)
        #expect(Self.state(of: old, in: try Self.ledger(fleet)) == .retired)
    }

    @Test("a new token of another account: a warning naming both logins, and the rotation goes on")
    func accountChange() async throws {
        let (fleet, _) = try await Self.rolledOut()
        let other = fleet.simulator.mintToken(login: "platform-bot")
        let run = await fleet.run(["rotate"], environment: ["PAT_TOKEN": other])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stderr.contains("warning: the new token belongs to platform-bot"))
        #expect(run.stderr.contains("to garrick0"))
        #expect(fleet.delivered().values.allSatisfy { $0 == other })
    }

    @Test("partial failure: the ledger shows who holds which token, the new one stays pending, no revocation; --resume finishes, then revokes")
    func partialThenResume() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let new = fleet.mint()
        fleet.simulator.setPermission(.read, on: "garrick0/c3-web")
        let partial = await fleet.run(["rotate", "--revoke-old", "--old-token-env", "OLD"], environment: ["PAT_TOKEN": new, "OLD": old])
        #expect(partial.code == 1)
        #expect(partial.stdout.contains("rotation incomplete: the new token \(Self.fingerprint(new).short) stays pending"))
        #expect(partial.stdout.contains("garrick0/c3-web holds \(Self.fingerprint(old).short)"))
        #expect(partial.stdout.contains("patrol rotate --resume"))
        #expect(fleet.simulator.counters.byRoute["POST revoke"] == nil)
        #expect(!fleet.simulator.isRevoked(old))
        var ledger = try Self.ledger(fleet)
        #expect(Self.state(of: new, in: ledger) == .pending)
        #expect(Self.state(of: old, in: ledger) == .current)
        #expect(ledger.targets["repo:garrick0/c3-web"]?.fingerprint == Self.fingerprint(old))
        #expect(ledger.targets.values.filter { $0.fingerprint == Self.fingerprint(new) }.count == 8)
        #expect(fleet.delivered()["garrick0/c3-web"] == .some(old))

        fleet.simulator.setPermission(.admin, on: "garrick0/c3-web")
        let before = fleet.uploads
        let resumed = await fleet.run(["rotate", "--resume", "--revoke-old", "--old-token-env", "OLD"], environment: ["PAT_TOKEN": new, "OLD": old])
        #expect(resumed.code == 0, "\(resumed.output)")
        #expect(fleet.uploads - before == 1)
        #expect(fleet.delivered().values.allSatisfy { $0 == new })
        ledger = try Self.ledger(fleet)
        #expect(ledger.currentToken?.fingerprint == Self.fingerprint(new))
        #expect(Self.state(of: old, in: ledger) == .retired)
        // The revocation went out after the rollout, once, with no Authorization header.
        let revocations = fleet.simulator.requests.filter { $0.route == "POST revoke" }
        #expect(revocations.count == 1)
        #expect(revocations.first?.authorization == nil)
        #expect(revocations.first?.status == 202)
        let lastPut = try #require(fleet.simulator.requests.lastIndex { $0.method == "PUT" })
        #expect(fleet.simulator.requests.lastIndex { $0.route == "POST revoke" }! > lastPut)
        #expect(fleet.simulator.isRevoked(old))
        #expect(!fleet.simulator.isRevoked(new))
        #expect(resumed.stdout.contains("revoked the old token \(Self.fingerprint(old).short)"))
    }

    @Test("--revoke-old with --old-token-file: revoked without Authorization after a full rollout; JSON says so")
    func revokeFromFile() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let new = fleet.mint()
        let file = fleet.folder + "/old" + TestTranscripts.tokenInputSuffix
        #expect(FileManager.default.createFile(atPath: file, contents: Data((old + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        let run = await fleet.run(["rotate", "--json", "--revoke-old", "--old-token-file", file], environment: ["PAT_TOKEN": new])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.simulator.isRevoked(old))
        #expect(fleet.simulator.requests.filter { $0.route == "POST revoke" }.allSatisfy { $0.authorization == nil })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["command"] as? String == "rotate")
        #expect(document["completed"] as? Bool == true)
        #expect((document["revocation"] as? [String: Any])?["status"] as? String == "revoked")
        #expect((document["previous"] as? [String: Any])?["fingerprint"] as? String == Self.fingerprint(old).value)
    }

    @Test("--revoke-old refused before anything is sent: an API that is not github.com, an old token that is not current")
    func revokeRefusals() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let new = fleet.mint()
        let sent = fleet.simulator.requests.count
        let enterprise = await fleet.run(["rotate", "--api-url", "https://ghe.example.com/api/v3", "--revoke-old", "--old-token-env", "OLD"],
                                         environment: ["PAT_TOKEN": new, "OLD": old])
        #expect(enterprise.code == 2)
        #expect(enterprise.stderr.contains("--revoke-old works on github.com only"))
        let stranger = fleet.mint()
        let mismatch = await fleet.run(["rotate", "--revoke-old", "--old-token-env", "OLD"], environment: ["PAT_TOKEN": new, "OLD": stranger])
        #expect(mismatch.code == 2)
        #expect(mismatch.stderr.contains("the ledger's current token is \(Self.fingerprint(old).short)"))
        let itself = await fleet.run(["rotate", "--force", "--revoke-old", "--old-token-env", "OLD"], environment: ["PAT_TOKEN": old, "OLD": old])
        #expect(itself.code == 2)
        #expect(fleet.simulator.requests.count == sent)
        #expect(!fleet.simulator.isRevoked(stranger) && !fleet.simulator.isRevoked(old))
    }

    @Test("no token: off a terminal the error names the pre-filled page; on one the page is shown, then the prompt")
    func tokenPage() async throws {
        let (fleet, _) = try await Self.rolledOut()
        let page = "\(fleet.apiURL)/settings/tokens/new?scopes=repo,workflow&description=C3_PLATFORM_ORCHESTRATION"
        let none = await fleet.run(["rotate"])
        #expect(none.code == 2)
        #expect(none.stderr.contains(page))
        #expect(none.stderr.contains("90 days"))

        let new = fleet.mint()
        let out = Locked(""), err = Locked("")
        let console = Console(stdout: { text in out.withLock { $0 += text } }, stderr: { text in err.withLock { $0 += text } })
        let context = Context(environment: [:], console: console, tokenInputs: TokenInputs(environment: [:], isTerminal: true, typedAtPrompt: new))
        let code = await Patrol.run(arguments: ["rotate", "--config", fleet.configPath], context: context)
        TestTranscripts.record("in-process-rotate-prompt", stdout: out.withLock { $0 }, stderr: err.withLock { $0 })
        #expect(code == 0, "\(err.withLock { $0 })")
        let stderr = err.withLock { $0 }
        #expect(stderr.contains(page))
        #expect(stderr.contains("choose an expiration of 90 days"))
        #expect(fleet.delivered().values.allSatisfy { $0 == new })
    }

    @Test("--dry-run changes nothing: no upload, the ledger byte for byte as it was, nothing revoked")
    func dryRun() async throws {
        let (fleet, old) = try await Self.rolledOut()
        let before = try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath))
        let run = await fleet.run(["rotate", "--dry-run", "--revoke-old", "--old-token-env", "OLD"], environment: ["PAT_TOKEN": fleet.mint(), "OLD": old])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.uploads == 9)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fleet.ledgerPath)) == before)
        #expect(!fleet.simulator.isRevoked(old))
        #expect(run.stdout.contains("dry run: nothing uploaded"))
    }
}
