import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("patrol expiry against the ledger and the simulator")
struct ExpiryCommandTests {
    /// A status case: days until expiry (nil: never), the status and exit code expected.
    struct Case: Sendable, CustomStringConvertible {
        let days: Int?
        let status: String
        let code: Int32
        var description: String { "\(days.map(String.init) ?? "never") days → \(status)" }
    }

    static let ledgerCases = [
        Case(days: 60, status: "ok", code: 0), Case(days: 10, status: "warning", code: 3),
        Case(days: 5, status: "critical", code: 4), Case(days: -2, status: "expired", code: 4),
        Case(days: nil, status: "no-expiration", code: 3),
    ]

    @Test("from the ledger: each status and exit code, and not a single request", arguments: ledgerCases)
    func fromLedger(_ example: Case) async throws {
        let fleet = try FleetHarness()
        try await fleet.seedLedger(token: fleet.mint(), expiresAt: example.days.map(inDays))
        let run = await fleet.run(["expiry", "--json"])
        #expect(run.code == example.code, "\(run.output)")
        let json = try decode(run.stdout)
        #expect(json["status"] as? String == example.status)
        #expect(json["source"] as? String == "ledger")
        #expect(json["daysLeft"] as? Int == example.days)
        #expect(fleet.simulator.requests.isEmpty)
    }

    @Test("no ledger, or a ledger without a current token: unknown, exit 1, saying what is missing")
    func unknown() async throws {
        let fleet = try FleetHarness()
        let run = await fleet.run(["expiry"])
        #expect(run.code == 1)
        #expect(run.stdout.contains("unknown: PAT_TOKEN expiry unknown"))
        #expect(run.stdout.contains("there is no ledger at \(fleet.ledgerPath)"))
        #expect(run.stdout.contains("patrol rollout"))
        let json = try decode(await fleet.run(["expiry", "--json"]).stdout)
        #expect(json["status"] as? String == "unknown")
        #expect(json["fingerprint"] is NSNull && json["expiresAt"] is NSNull && json["daysLeft"] is NSNull)
        #expect(fleet.simulator.requests.isEmpty)
    }

    static let liveCases = [
        Case(days: 60, status: "ok", code: 0), Case(days: 10, status: "warning", code: 3),
        Case(days: 5, status: "critical", code: 4), Case(days: nil, status: "no-expiration", code: 3),
    ]
    static let formats: [ExpirationFormat] = [.utc, .offset("+0200")]

    @Test("--live: each status from GitHub's header in both of its formats, then recorded in the ledger",
          arguments: liveCases, formats)
    func live(_ example: Case, format: ExpirationFormat) async throws {
        let fleet = try FleetHarness()
        let expiresAt = example.days.map(inDays)
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: expiresAt, expirationFormat: format)
        try await fleet.seedLedger(token: token, expiresAt: nil, firstSeen: Date().addingTimeInterval(-86_400))
        let run = await fleet.run(["expiry", "--live", "--json"], environment: ["PAT_TOKEN": token])
        #expect(run.code == example.code, "\(run.output)")
        let json = try decode(run.stdout)
        #expect(json["status"] as? String == example.status)
        #expect(json["source"] as? String == "live")
        #expect(json["daysLeft"] as? Int == example.days)
        #expect(json["expiresAt"] as? String == expiresAt.map(ISO8601.format))
        #expect(fleet.simulator.requests.map(\.path) == ["/user"])
        let record = try #require(try fleet.ledger().tokens.first { $0.fingerprint == Token(bytes: Array(token.utf8)).fingerprint })
        #expect(record.expiresAt.map(ISO8601.format) == expiresAt.map(ISO8601.format))
        #expect(record.lastSeen > record.firstSeen)
        #expect(!run.output.contains(token))
    }

    @Test("--live: a 401 is expired, exit 4, whatever the header format", arguments: formats)
    func liveRejected(format: ExpirationFormat) async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(1), expirationFormat: format)
        try await fleet.seedLedger(token: token, expiresAt: inDays(1))
        fleet.simulator.advanceClock(by: 2 * 86_400)
        let run = await fleet.run(["expiry", "--live"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 4, "\(run.output)")
        #expect(run.stdout.contains("expired: PAT_TOKEN was rejected by GitHub"))
        #expect(run.stdout.contains("401"))

        let revoked = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(60), expirationFormat: format)
        fleet.simulator.revokeToken(revoked)
        let json = try decode(await fleet.run(["expiry", "--live", "--json"], environment: ["PAT_TOKEN": revoked]).stdout)
        #expect(json["status"] as? String == "expired")
    }

    @Test("--live paces by PATROL_LIMIT_WINDOW as every command does: a bad value is status's usage error, before any request")
    func liveLimitWindow() async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(60))
        try await fleet.seedLedger(token: token, expiresAt: inDays(60))
        let message = LimitWindowError(value: "soon").description
        for command in [["status"], ["expiry", "--live"]] {
            let run = await fleet.run(command, environment: ["PAT_TOKEN": token, "PATROL_LIMIT_WINDOW": "soon"])
            #expect(run.code == 2, "\(command): \(run.output)")
            #expect(run.stderr.contains(message), "\(command): \(run.output)")
        }
        #expect(fleet.simulator.requests.isEmpty)
        let paced = await fleet.run(["expiry", "--live"], environment: ["PAT_TOKEN": token, "PATROL_LIMIT_WINDOW": "2.4"])
        #expect(paced.code == 0, "\(paced.output)")
        #expect(fleet.simulator.requests.map(\.path) == ["/user"])
    }

    @Test("--live: an expiry GitHub sends within a minute of now is not trusted: unknown, exit 1")
    func liveUntrusted() async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: Date().addingTimeInterval(30))
        let run = await fleet.run(["expiry", "--live"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.output)")
        #expect(run.stdout.contains("unknown: PAT_TOKEN expiry unknown"))
        // "within a minute" — or "in the past" when this machine is slow enough that the 30 s went by first.
        #expect(run.stdout.contains("which patrol does not trust"))
    }

    @Test("--live with a token the ledger does not know: reported, and recorded as seen")
    func liveUnknownToLedger() async throws {
        let fleet = try FleetHarness()
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: inDays(40))
        let run = await fleet.run(["expiry", "--live"], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.output)")
        #expect(run.stdout.contains("40 days left"))
        #expect(run.stdout.contains("it is now recorded as seen"))
        #expect(run.stdout.contains("no repository holds this token"))
        let record = try #require(try fleet.ledger().tokens.first)
        #expect(record.fingerprint == Token(bytes: Array(token.utf8)).fingerprint && record.state == .pending)
    }

    @Test("a token first seen more than rotationDays ago warns, with the reason, though its expiry is far")
    func tooOld() async throws {
        let fleet = try FleetHarness()
        try await fleet.seedLedger(token: fleet.mint(), expiresAt: inDays(200), firstSeen: Date().addingTimeInterval(-100 * 86_400))
        let run = await fleet.run(["expiry"])
        #expect(run.code == 3, "\(run.output)")
        #expect(run.stdout.contains("warning: PAT_TOKEN is 100 days old (rotate every 90)"))
        #expect(run.stdout.contains("more than the rotation period of 90 days"))
    }

    @Test("--warn-days and --critical-days override the policy")
    func flags() async throws {
        let fleet = try FleetHarness()
        try await fleet.seedLedger(token: fleet.mint(), expiresAt: inDays(20))
        #expect(await fleet.run(["expiry"]).code == 0)
        #expect(await fleet.run(["expiry", "--warn-days", "30"]).code == 3)
        #expect(await fleet.run(["expiry", "--warn-days", "30", "--critical-days", "25"]).code == 4)
        let refused = await fleet.run(["expiry", "--critical-days", "20"])
        #expect(refused.code == 2, "critical above the policy's warnDays (14)")
        #expect(refused.stderr.contains("--critical-days"))
    }

    @Test("JSON: exactly the spec's keys, in order, and every holder")
    func jsonKeys() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.seedLedger(token: token, expiresAt: inDays(30))
        let run = await fleet.run(["expiry", "--format", "json"])
        let keys = try #require(run.stdout.firstMatchKeys())
        #expect(keys == ["command", "secret", "fingerprint", "login", "expiresAt", "daysLeft", "status", "source", "repositories", "targets"])
        let json = try decode(run.stdout)
        #expect(json["command"] as? String == "expiry" && json["secret"] as? String == "PAT_TOKEN")
        #expect(json["fingerprint"] as? String == Token(bytes: Array(token.utf8)).fingerprint.value)
        #expect(json["login"] as? String == FleetHarness.owner)
        #expect(json["repositories"] as? [String] == FleetHarness.fleet)
        #expect(run.stdout.split(separator: "\n").count == 1)
    }

    @Test("text names the date, the days left and every repository that holds the token")
    func textNamesEverything() async throws {
        let fleet = try FleetHarness()
        let expiresAt = inDays(10)
        let holders = Array(FleetHarness.fleet.dropLast())
        try await fleet.seedLedger(token: fleet.mint(), expiresAt: expiresAt, holders: holders)
        let run = await fleet.run(["expiry"])
        #expect(run.code == 3)
        #expect(run.stdout.contains(ISO8601.format(expiresAt)))
        #expect(run.stdout.contains("PAT_TOKEN expires in 10 days (\(ISO8601.format(expiresAt).prefix(10)))"))
        #expect(run.stdout.contains("8 repositories hold this token"))
        for repository in holders { #expect(run.stdout.contains(repository)) }
        #expect(!run.stdout.contains(FleetHarness.fleet.last!))
        #expect(run.stdout.contains("patrol rotate"))
    }

    @Test("--format github: one annotation line per status level, message escaped, every repository in it")
    func githubFormat() async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        let expiresAt = inDays(10)
        try await fleet.seedLedger(token: token, expiresAt: expiresAt)
        let warning = await fleet.run(["expiry", "--format", "github"])
        #expect(warning.code == 3)
        let line = warning.stdout.trimmingCharacters(in: .newlines)
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix("::warning title=PAT_TOKEN expires in 10 days (\(ISO8601.format(expiresAt).prefix(10)))::"))
        #expect(line.contains("%0A"))
        for repository in FleetHarness.fleet { #expect(line.contains(repository)) }

        try await fleet.seedLedger(token: token, expiresAt: inDays(3))
        #expect(await fleet.run(["expiry", "--format", "github"]).stdout.hasPrefix("::error title="))
        try await fleet.seedLedger(token: token, expiresAt: inDays(-1))
        #expect(await fleet.run(["expiry", "--format", "github"]).stdout.hasPrefix("::error title=PAT_TOKEN expired on "))
        try await fleet.seedLedger(token: token, expiresAt: nil)
        #expect(await fleet.run(["expiry", "--format", "github"]).stdout.hasPrefix("::warning title=PAT_TOKEN never expires::"))
        try await fleet.seedLedger(token: token, expiresAt: inDays(50))
        #expect(await fleet.run(["expiry", "--format", "github"]).stdout.hasPrefix("::notice title=PAT_TOKEN expires in 50 days"))
        #expect(await fleet.run(["expiry", "--json", "--format", "github"]).code == 2)
    }

    @Test("in process (the demo's entry point): the report for a ledger and a live client, at an injected time")
    func inProcess() async throws {
        let fleet = try FleetHarness()
        let config = try FleetConfig.load(path: fleet.configPath)
        let expiresAt = inDays(10)
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, expiresAt: expiresAt)
        try await fleet.seedLedger(token: token, expiresAt: expiresAt)
        let thresholds = ExpiryThresholds(policy: config.policy)
        let fromLedger = try await ExpiryLookup.report(
            config: config, ledger: LedgerStore(readingOnly: config.ledgerPath, secret: config.secret, reason: "a ledger-only check only reads"),
            live: nil, thresholds: thresholds, now: Date().addingTimeInterval(6 * 86_400))
        #expect(fromLedger.status == .critical && fromLedger.daysLeft == 4 && fromLedger.source == .ledger)
        #expect(fromLedger.repositories == FleetHarness.fleet)

        let transport = CurlTransport()
        defer { transport.shutdown() }
        let secret = Token(bytes: Array(token.utf8))
        let client = GitHubClient(transport: transport, base: try APIBase(fleet.apiURL), credential: secret)
        let live = try await ExpiryLookup.report(
            config: config, ledger: LedgerStore(path: config.ledgerPath, secret: config.secret), live: .init(token: secret, client: client),
            thresholds: ExpiryThresholds(policy: config.policy, warnDays: 11), now: Date())
        #expect(live.status == .warning && live.daysLeft == 10 && live.source == .live)
        #expect(live.exitCode == .warning)
    }

    // MARK: - Helpers

    func decode(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

extension String {
    /// The top-level keys of the JSON object in this text, in the order written.
    func firstMatchKeys() -> [String]? {
        guard let data = data(using: .utf8), (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else { return nil }
        // Keys at depth 1: a quoted string followed by a colon, outside nested objects/arrays.
        var keys: [String] = []
        var depth = 0, inString = false, escaped = false, current = "", pending: String?
        for character in self {
            if inString {
                if escaped { escaped = false; current.append(character); continue }
                if character == "\\" { escaped = true; continue }
                if character == "\"" { inString = false; pending = current; continue }
                current.append(character)
                continue
            }
            switch character {
            case "\"": inString = true; current = ""
            case "{", "[": depth += 1; pending = nil
            case "}", "]": depth -= 1; pending = nil
            case ":": if depth == 1, let key = pending { keys.append(key) }; pending = nil
            case " ", "\n": break
            default: pending = nil
            }
        }
        return keys
    }
}
