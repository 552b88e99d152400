import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore

/// Every kind of secret target (spec §9) through the built binary: expiry naming every target, a kill and
/// `--resume` across kinds, a version-1 ledger's half-done rollout finished, an environment patrol may not
/// create, and a dry run that writes nothing.
@Suite("every kind of target, the built binary")
struct TargetsBinaryTests {
    static let organization = "c3-org"
    /// Every kind at once: the nine repository copies, three environments, two Dependabot copies, one Codespaces
    /// copy and the organization secret shared with the fleet.
    static let mixed = #"""
        {"repository": true, "environments": {"c3-web": ["production"], "c3-bff": ["production", "staging"]},
         "dependabot": ["c3-shared", "c3-parsing"], "codespaces": ["c3-cli"], "organization": {"name": "c3-org"}}
        """#
    static let environments = [("c3-web", "production"), ("c3-bff", "production"), ("c3-bff", "staging")]

    /// The mixed config's sixteen targets: id and the place in the simulator.
    static var places: [(id: String, place: SimulatedTarget)] {
        let fleet = (FleetHarness.libraries + FleetHarness.applications).map { "\(organization)/\($0)" }
        return fleet.map { ("repo:\($0)", .repository($0)) }
            + environments.map { ("env:\(organization)/\($0.0)/\($0.1)", .environment(repository: "\(organization)/\($0.0)", name: $0.1)) }
            + ["c3-shared", "c3-parsing"].map { ("dependabot:\(organization)/\($0)", .dependabot("\(organization)/\($0)")) }
            + [("codespaces:\(organization)/c3-cli", .codespaces("\(organization)/c3-cli"))]
            + [("org:\(organization)", .organization(organization))]
    }

    static var fleetNames: [String] { (FleetHarness.libraries + FleetHarness.applications).map { "\(organization)/\($0)" } }

    /// The c3 fleet in the organization, with every kind of target in its config.
    static func mixedFleet(latency: Duration = .zero) throws -> TargetFleet {
        try TargetFleet(owner: organization, organization: true, targets: mixed, environments: environments, latency: latency)
    }

    /// Successful uploads of the secret's value (201 or 204) per target id in the simulator's log, from `start` on;
    /// a change of an organization secret's selection is not an upload of the value.
    static func uploads(_ simulator: GitHubSimulator, from start: Int = 0) -> [String: Int] {
        var counts: [String: Int] = [:]
        for request in simulator.requests.dropFirst(start) where request.method == "PUT" && (request.status == 201 || request.status == 204) {
            let path = String(request.path.prefix { $0 != "?" })
            guard path.hasSuffix("/secrets/PAT_TOKEN") else { continue }
            let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
            let id: String
            if parts[0] == "orgs" {
                id = "org:\(parts[1])"
            } else {
                switch parts[3] {
                case "actions": id = "repo:\(parts[1])/\(parts[2])"
                case "environments": id = "env:\(parts[1])/\(parts[2])/\(parts[4])"
                default: id = "\(parts[3]):\(parts[1])/\(parts[2])"
                }
            }
            counts[id, default: 0] += 1
        }
        return counts
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not one JSON document: \(text)")
    }

    // MARK: - expiry

    @Test("expiry names every target the token is in, from the ledger and live (an organization secret with the repositories it reaches); the issue lists them")
    func expiryNamesEveryTarget() async throws {
        let fleet = try Self.mixedFleet()
        fleet.simulator.addRepository("\(Self.organization)/outsider")
        let token = fleet.simulator.mintToken(login: FleetHarness.owner, scopes: ["repo", "workflow", "admin:org"], expiresAt: inDays(10))
        let config = fleet.harness.configPath
        let rollout = try PatrolBinary.run(["rollout", "--write-rate", "100", "--config", config], environment: ["PAT_TOKEN": token])
        #expect(rollout.code == 0, "\(rollout.stdout)\(rollout.stderr)")
        // Someone shares the organization secret with one more repository by hand: only GitHub knows it.
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: Self.organization, visibility: .selected,
                                                    repositories: Self.fleetNames + ["\(Self.organization)/outsider"])
        let allIDs = Set(Self.places.map(\.id))

        // From the ledger: every target, and the organization secret's selection as patrol left it.
        let ledger = try PatrolBinary.run(["expiry", "--json", "--config", config])
        #expect(ledger.code == 3, "\(ledger.stderr)")
        let document = try Self.json(ledger.stdout)
        let targets = try #require(document["targets"] as? [[String: Any]])
        #expect(targets.count == 16)
        #expect(Set(targets.compactMap { $0["target"] as? String }) == allIDs)
        let environment = try #require(targets.first { $0["target"] as? String == "env:c3-org/c3-bff/staging" })
        #expect(environment["kind"] as? String == "environment" && environment["repository"] as? String == "c3-org/c3-bff")
        let organization = try #require(targets.first { $0["target"] as? String == "org:c3-org" })
        #expect(organization["kind"] as? String == "organization" && organization["repository"] is NSNull)
        #expect(organization["visibility"] as? String == "selected")
        #expect(organization["reaches"] as? [String] == Self.fleetNames)
        #expect(organization["extra"] as? [String] == [])
        #expect(document["repositories"] as? [String] == Self.fleetNames)

        // Live: GitHub's selection, the outsider included, which breaks with the token too.
        let live = try PatrolBinary.run(["expiry", "--live", "--json", "--config", config], environment: ["PAT_TOKEN": token])
        #expect(live.code == 3, "\(live.stderr)")
        let liveDocument = try Self.json(live.stdout)
        let liveOrganization = try #require((liveDocument["targets"] as? [[String: Any]])?.first { $0["target"] as? String == "org:c3-org" })
        #expect(liveOrganization["extra"] as? [String] == ["c3-org/outsider"])
        #expect(liveDocument["repositories"] as? [String] == Self.fleetNames + ["c3-org/outsider"])

        // Text: one line per target.
        let text = try PatrolBinary.run(["expiry", "--live", "--config", config], environment: ["PAT_TOKEN": token])
        #expect(text.stdout.contains("16 targets hold this token and stop working together when it expires:"), "\(text.stdout)")
        for id in allIDs { #expect(text.stdout.contains("    \(id)"), "\(id) missing from \(text.stdout)") }
        #expect(text.stdout.contains("org:c3-org (selected, read by 10 repositories: c3-org/c3-shared, "))
        #expect(text.stdout.contains("runs in 10 repositories read it: "))

        // The alert issue says where the token lives.
        let alert = try PatrolBinary.run(["expiry", "--live", "--open-issue", "--config", config], environment: ["PAT_TOKEN": token])
        #expect(alert.code == 3, "\(alert.stderr)")
        let issue = try #require(fleet.simulator.issues(in: "\(Self.organization)/c3-platform").first)
        let body = issue.body ?? ""
        for id in allIDs { #expect(body.contains("- `\(id)`"), "\(id) missing from the issue") }
        #expect(body.contains("c3-org/outsider"))
        #expect(!(text.stdout + text.stderr + alert.stdout + alert.stderr + body).contains(token))
    }

    // MARK: - kill and --resume

    @Test("SIGKILL mid-run over every kind, 10 runs (4 at random moments, 6 after a random number of journaled targets): the ledger loads and claims only what arrived, --resume finishes, no recorded target uploaded again")
    func killAndResumeAcrossKinds() async throws {
        let seed = ProcessInfo.processInfo.environment["PATROL_KILL_SEED"].flatMap { UInt64($0) } ?? .random(in: 1 ... .max)
        print("kill-and-resume across kinds, seed: \(seed) (replay with PATROL_KILL_SEED=\(seed))")
        var random = CrashSafetyTests.SplitMix(state: seed)
        let arguments = ["rollout", "--concurrency", "2", "--write-rate", "100"]
        let allIDs = Set(Self.places.map(\.id))

        // How long an uninterrupted run takes here, so the kills spread over the whole of one.
        let calibration = try Self.mixedFleet(latency: .milliseconds(12))
        let clock = ContinuousClock()
        let started = clock.now
        let whole = try PatrolBinary.run(arguments + ["--config", calibration.harness.configPath], environment: ["PAT_TOKEN": calibration.mint()])
        #expect(whole.code == 0, "\(whole.stdout)\(whole.stderr)")
        let span = clock.now - started

        var midRun = 0
        for run in 1...10 {
            let fleet = try Self.mixedFleet(latency: .milliseconds(Int.random(in: 5...20, using: &random)))
            let token = fleet.mint()
            let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
            let process = try PatrolBinary.start(arguments + ["--config", fleet.harness.configPath], environment: ["PAT_TOKEN": token])
            let delay: Duration
            if run <= 4 {
                // At a random moment of a run: before the preflight, mid-run, while finishing, or after the end.
                delay = span * Double.random(in: 0...1.1, using: &random)
                try await Task.sleep(for: delay)
            } else {
                // Once the journal holds `lines` verified targets: surely mid-run, at a different target each time.
                let lines = Int.random(in: 1...14, using: &random)
                let begun = clock.now
                while process.isRunning, clock.now - begun < .seconds(30),
                      ((try? String(contentsOfFile: fleet.harness.ledgerPath + ".journal", encoding: .utf8))?.split(separator: "\n").count ?? 0) < lines {
                    usleep(500)
                }
                delay = clock.now - begun
            }
            process.send(SIGKILL)
            process.wait()
            let first = Self.uploads(fleet.simulator)

            // The ledger loads and every target it says holds the token does.
            let ledger: Ledger
            do {
                ledger = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
            } catch {
                Issue.record("run \(run) (seed \(seed)): the ledger did not load after SIGKILL at \(delay): \(error)")
                continue
            }
            let recorded = Set(ledger.targets.filter { $0.value.fingerprint == fingerprint }.keys)
            #expect(recorded.isSubset(of: allIDs), "run \(run): \(recorded.subtracting(allIDs))")
            for (id, place) in Self.places where recorded.contains(id) {
                #expect(fleet.plaintext(place) == token, "run \(run) (seed \(seed)): the ledger says \(id) holds the token, but it does not")
            }
            if !recorded.isEmpty, recorded.count < allIDs.count { midRun += 1 }

            let mark = fleet.simulator.requests.count
            let resume = try PatrolBinary.run(arguments + ["--resume", "--config", fleet.harness.configPath], environment: ["PAT_TOKEN": token])
            #expect(resume.code == 0, "run \(run) (seed \(seed)): \(resume.stdout)\(resume.stderr)")
            let second = Self.uploads(fleet.simulator, from: mark)
            #expect(run <= 4 || (!recorded.isEmpty && recorded.count < allIDs.count), "run \(run) (seed \(seed)): not killed mid-run")
            #expect(Set(second.keys) == allIDs.subtracting(recorded),
                    "run \(run) (seed \(seed)): --resume uploaded to \(second.keys.sorted()) with \(recorded.sorted()) recorded")
            for id in allIDs {
                #expect((first[id] ?? 0) <= 1 && (second[id] ?? 0) <= 1, "run \(run) (seed \(seed)): \(id) received \(first[id] ?? 0) + \(second[id] ?? 0) uploads")
            }
            for (id, place) in Self.places { #expect(fleet.plaintext(place) == token, "run \(run) (seed \(seed)): \(id)") }
            let access = try #require(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: Self.organization))
            #expect(access.visibility == .selected)
            #expect(access.selectedRepositoryIDs == Self.fleetNames.compactMap { fleet.simulator.repository($0)?.id }.sorted())
            let after = try LedgerStore.load(path: fleet.harness.ledgerPath, secret: "PAT_TOKEN")
            #expect(after.currentToken?.fingerprint == fingerprint, "run \(run) (seed \(seed))")
            #expect(Set(after.targets.filter { $0.value.fingerprint == fingerprint }.keys) == allIDs)
        }
        print("kill-and-resume across kinds: 10 runs, \(midRun) killed with some targets recorded and not all; seed \(seed)")
    }

    // MARK: - a version-1 ledger

    @Test("a version-1 ledger a killed rollout left (4 of 9 repositories journaled): --resume migrates it, keeps ledger.v1.json, finishes every kind")
    func version1LedgerResumes() async throws {
        let fleet = try Self.mixedFleet()
        let token = fleet.mint()
        let fingerprint = Token(bytes: Array(token.utf8)).fingerprint
        let started = Date().addingTimeInterval(-60)
        let expires = started.addingTimeInterval(90 * 86_400)
        // What a version-1 patrol had done when it was killed: four repositories hold the token, each journaled;
        // the ledger itself was last written by the preflight (the token noted, pending); the lock file stayed.
        let done = Array(Self.fleetNames.prefix(4))
        var journal = Data()
        for name in done {
            #expect(fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .repository(name), value: token))
            let stored = try #require(fleet.simulator.secret("PAT_TOKEN", in: .repository(name)))
            let record = TargetRecord(fingerprint: fingerprint, keyID: stored.keyID, uploadedAt: stored.updatedAt, secretUpdatedAt: stored.updatedAt)
            journal += try Version1File.journalEncoder.encode(Version1File.JournalLine(repository: name, record: record)) + Data("\n".utf8)
        }
        let pending = TokenRecord(fingerprint: fingerprint, login: FleetHarness.owner, kind: .classic, scopes: ["admin:org", "repo", "workflow"],
                                  expiresAt: expires, firstSeen: started, lastSeen: started, state: .pending)
        let version1 = String(decoding: try Version1File.ledgerEncoder.encode(
            Version1File(secret: "PAT_TOKEN", tokens: [pending], repositories: [:], history: [])), as: UTF8.self)
        #expect(version1.contains(#""version" : 1"#) && version1.contains(#""repositories" : {"#))
        let path = fleet.harness.ledgerPath
        try version1.write(toFile: path, atomically: false, encoding: .utf8)
        try journal.write(to: URL(fileURLWithPath: path + ".journal"))
        try #"{"command":"patrol rollout","pid":2147483646,"since":"\#(ISO8601.format(started))"}"#.write(toFile: path + ".lock", atomically: false, encoding: .utf8)

        let mark = fleet.simulator.requests.count
        let resume = try PatrolBinary.run(["rollout", "--resume", "--write-rate", "100", "--config", fleet.harness.configPath],
                                          environment: ["PAT_TOKEN": token])
        #expect(resume.code == 0, "\(resume.stdout)\(resume.stderr)")
        let allIDs = Set(Self.places.map(\.id))
        #expect(Set(Self.uploads(fleet.simulator, from: mark).keys) == allIDs.subtracting(done.map { "repo:\($0)" }))
        for name in done { #expect(fleet.simulator.secret("PAT_TOKEN", in: .repository(name))?.writes == 1, "\(name) was uploaded again") }
        for (id, place) in Self.places { #expect(fleet.plaintext(place) == token, "\(id)") }
        #expect(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: Self.organization)?.visibility == .selected)

        // The version-1 file is kept as it was; the ledger is version 2, every target holds the token, which is current.
        #expect(try String(contentsOfFile: fleet.harness.folder + "/ledger.v1.json", encoding: .utf8) == version1)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(#""version" : 2"#))
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
        let ledger = try LedgerStore.load(path: path, secret: "PAT_TOKEN")
        #expect(ledger.currentToken?.fingerprint == fingerprint)
        #expect(Set(ledger.targets.filter { $0.value.fingerprint == fingerprint }.keys) == allIDs)
        // The journaled repositories keep what the version-1 run recorded.
        let shared = try #require(fleet.simulator.secret("PAT_TOKEN", in: .repository(done[0])))
        #expect(ledger.targets["repo:\(done[0])"]?.secretUpdatedAt.map(ISO8601.format) == ISO8601.format(shared.updatedAt))
    }

    // MARK: - --create-environments without admin

    @Test("--create-environments with write but not admin: GitHub refuses (403), that target fails naming the fix, the others are done, exit 1")
    func createEnvironmentsWithoutAdmin() throws {
        let fleet = try TargetFleet(targets: #"{"environments": {"c3-web": ["production"]}, "dependabot": ["c3-shared"]}"#)
        fleet.simulator.setPermission(.write, on: "garrick0/c3-web")
        let token = fleet.mint()
        let run = try PatrolBinary.run(["rollout", "--create-environments", "--write-rate", "100", "--config", fleet.harness.configPath],
                                       environment: ["PAT_TOKEN": token])
        #expect(run.code == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("env:garrick0/c3-web/production  failed: environment \"production\" does not exist in garrick0/c3-web, "
                                    + "and GitHub refused to create it (403 \"Must have admin rights to Repository.\"): creating an environment "
                                    + "needs admin on the repository"), "\(run.stdout)")
        #expect(run.stdout.contains("ask an admin to create it, or use a credential that administers the repository"))
        // GitHub was asked, and refused; nothing was created.
        #expect(fleet.simulator.requests.contains { $0.route == "PUT environment" && $0.status == 403 })
        #expect(fleet.simulator.environments(in: "garrick0/c3-web").isEmpty)
        // Write access is enough for the others, c3-web's own repository secret included.
        for name in FleetHarness.fleet { #expect(fleet.plaintext(.repository(name)) == token, "\(name)") }
        #expect(fleet.plaintext(.dependabot("garrick0/c3-shared")) == token)
    }

    // MARK: - --dry-run

    @Test("--dry-run over every kind, the organization's selection to change both ways: a plan with select and deselect, and no write at all")
    func dryRunWritesNothing() throws {
        let fleet = try Self.mixedFleet()
        fleet.simulator.addRepository("\(Self.organization)/outsider")
        #expect(fleet.simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization(Self.organization), value: "set by hand"))
        let selection = Self.fleetNames.filter { $0 != "c3-org/c3-web" } + ["c3-org/outsider"]
        fleet.simulator.setOrganizationSecretAccess("PAT_TOKEN", in: Self.organization, visibility: .selected, repositories: selection)
        let before = fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: Self.organization)
        let token = fleet.mint()

        let run = try PatrolBinary.run(["rollout", "--dry-run", "--prune-selection", "--create-environments", "--json", "--config", fleet.harness.configPath],
                                       environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        #expect(fleet.simulator.writeRequests.isEmpty, "\(fleet.simulator.writeRequests.map { "\($0.method) \($0.path)" })")
        #expect(fleet.simulator.organizationSecretAccess("PAT_TOKEN", in: Self.organization) == before)
        #expect(fleet.plaintext(.organization(Self.organization)) == "set by hand")
        #expect(!FileManager.default.fileExists(atPath: fleet.harness.ledgerPath))
        let rows = try #require(try Self.json(run.stdout)["repositories"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["target"] as? String }) == Set(Self.places.map(\.id)))
        let organization = try #require(rows.first { $0["target"] as? String == "org:c3-org" })
        #expect(organization["plan"] as? String == "drifted")
        #expect(organization["select"] as? [String] == ["c3-org/c3-web"])
        #expect(organization["deselect"] as? [String] == ["c3-org/outsider"])
        #expect(rows.filter { $0["kind"] as? String != "organization" }.allSatisfy { $0["plan"] as? String == "create" })
    }
}

/// The ledger as a version-1 patrol (before secret targets) wrote it: its file shape and its two encoders, as
/// `LedgerStore.encode` and `LedgerJournal` had them. A test writes a half-done run's files with it at run time.
private struct Version1File: Encodable {
    var version = 1
    var secret: String
    var tokens: [TokenRecord]
    /// Keyed by `owner/name`.
    var repositories: [String: TargetRecord]
    var history: [RunRecord]

    /// One journal line: a verified upload to a repository.
    struct JournalLine: Encodable {
        var repository: String
        var record: TargetRecord
    }

    static var ledgerEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var journalEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
