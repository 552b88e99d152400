import FoundationEssentials
import GitHubSimulator
import PatrolSupport
import PatrolSecrets
import PatrolGitHub
import PatrolCore
import PatrolCLI

/// `patrol demo`: the whole flow against the built-in GitHub simulator, with throw-away tokens:
/// doctor (secrets missing) → rollout → status → rotation to a second token → expiry → doctor (all green,
/// with a live test event). It ends by asking the simulator what every
/// repository's secret decrypts to, and exits 0 only if each step succeeded and each secret is the current token.
package enum DemoCommand {
    package static func run(_ invocation: DemoArguments, context: Context) async throws -> ExitCode {
        let console = context.console
        let (loaded, _) = try SimulatedFleet.config(invocation, context: context)
        let latency = invocation.demo.latencyMilliseconds
        let simulator = GitHubSimulator(latency: .milliseconds(latency))
        let apiURL = try simulator.start()
        defer { simulator.stop() }
        SimulatedFleet.serve(loaded, on: simulator)
        // An environment and a Dependabot copy beside the repositories', or one organization secret (DemoTargets.swift).
        let config = DemoTargets.apply(to: loaded, organization: invocation.demo.organization, simulator: simulator)
        // Throw-away tokens that only this simulator accepts; the strings serve to ask it about them.
        let firstMinted = DemoTargets.mint(config, on: simulator), secondMinted = DemoTargets.mint(config, on: simulator)
        let first = Token(bytes: Array(firstMinted.utf8)), second = Token(bytes: Array(secondMinted.utf8))
        console.redact([first, second])

        let folder = DemoFolder.forThisProcess()
        // Removed on every path, Ctrl-C included: the abrupt stop runs the cleanup before it ends the process, and the
        // cleanup closes the ledger first so that no write still under way makes the folder again (DemoFolder.swift).
        return try await context.interrupt.withCleanup({ folder.remove() }) {
            try await folder.withLedger(secret: config.secret) { ledger in
                let base = try APIBase(apiURL)
                return try await context.withConnection(base, as: first) { client in
                    // With --json the narration goes to stderr and stdout holds one JSON document at the end.
                    let json = invocation.global.json
                    let narrator = Narrator(console: console, json: json)

                    narrator.say(console.paint("patrol demo", .bold) + " — the GitHub simulator at \(apiURL), "
                                   + "\(config.repositories.count) repositories of \(config.owner), latency \(latency) ms")

                    narrator.step("doctor", "the troubleshooting guide's checks on a fleet wired as the guide describes, before any secret is set")
                    console.progress(Doctor.progressLine(repositories: config.repositories, config: config))
                    let before = await Doctor(config: config, repositories: config.repositories, token: first, client: client,
                                              ledger: await ledger.snapshot, settings: DoctorSettings()).run()
                    // Expected: exactly one secret.present check per target fails, each with its fix.
                    let failedBefore = before.checks.filter { $0.status == .fail }
                    narrator.show(before.lines(console: console),
                                  passed: failedBefore.count == config.secretTargets().count && failedBefore.allSatisfy { $0.id == CheckID.secretPresent })

                    narrator.step("rollout", "seal \(config.secret) with each repository's public key, upload, read back (token \(first.fingerprint.short))")
                    let started = ContinuousClock.now
                    let rollout = try await RolloutOperation(
                        command: "rollout", config: config, repositories: config.repositories, token: first, client: client,
                        ledger: ledger, settings: RolloutOperation.Settings(), console: console).run()
                    narrator.show(rollout.lines(console: console) + ["took \(milliseconds(ContinuousClock.now - started)) ms"], passed: rollout.exitCode == .success)

                    narrator.step("status", "where the secret is, since when, and which token it holds")
                    // The repositories that keep their own copy (none when one organization secret replaces them).
                    let status = try await FleetStatus.survey(client: client, secret: config.secret,
                                                              repositories: config.targets.repository ? config.repositories : [],
                                                              ledger: await ledger.snapshot)
                    narrator.show(status.lines(console: console), passed: status.exitCode == .success)

                    narrator.step("rotate", "replace \(first.fingerprint.short) with a new token \(second.fingerprint.short) everywhere, then revoke the old one")
                    let rotation = try await RotationOperation(
                        rollout: RolloutOperation(command: "rotate", config: config, repositories: config.repositories, token: second,
                                                  client: client.authenticated(with: second), ledger: ledger,
                                                  settings: RolloutOperation.Settings(), console: console),
                        base: base, oldToken: first).run()
                    let revoked = simulator.isRevoked(firstMinted)
                    narrator.show(rotation.rollout.lines(console: console)
                                  + [revoked ? "the old token \(first.fingerprint.short) is revoked" : "the old token was NOT revoked"],
                                  passed: rotation.exitCode == .success && revoked)

                    narrator.step("expiry", "how long the current token has left, from the ledger")
                    let expiry = try await ExpiryLookup.report(config: config, ledger: ledger, live: nil,
                                                               thresholds: ExpiryThresholds(policy: config.policy), now: Date())
                    narrator.show(expiry.lines(console: console), passed: expiry.exitCode == .success)

                    narrator.step("doctor", "every check again with the current token, and a live test event through the platform's handler")
                    console.progress(Doctor.progressLine(repositories: config.repositories, config: config))
                    let after = await Doctor(config: config, repositories: config.repositories, token: second,
                                             client: client.authenticated(with: second), ledger: await ledger.snapshot,
                                             settings: DoctorSettings(sendTestEvent: true, waitSeconds: 10)).run()
                    narrator.show(after.lines(console: console), passed: after.exitCode == .success && after.count(.pass) == after.checks.count)

                    narrator.step("proof", "what every target's \(config.secret) decrypts to, inside the simulator")
                    let (proof, proofJSON, proven, total) = DemoTargets.proof(config, simulator: simulator, token: second, console: console)
                    narrator.show(proof, passed: proven == total)

                    // The last act: the fleet moves from the token to a GitHub App (Sources/PatrolDemo/DemoAppAct.swift).
                    try await DemoAppAct(config: config, simulator: simulator, base: base, ledger: ledger, token: second,
                                         client: client.authenticated(with: second), context: context, narrator: narrator).run()

                    let passed = narrator.failures.isEmpty
                    let summary = "\(proven)/\(total) targets verified"
                        + (passed ? ": every secret decrypts to the current token" : "; the demo failed at: " + narrator.failures.joined(separator: ", "))
                    if json {
                        console.result(JSONValue.object([
                            ("command", "demo"),
                            ("apiURL", .string(apiURL)),
                            ("token", .object([("fingerprint", .string(second.fingerprint.value)), ("login", .string(config.owner))])),
                            ("steps", .array(narrator.steps.map { .object([("step", .string($0.name)), ("passed", .bool($0.passed))]) })),
                            ("repositories", .array(proofJSON)),
                            ("summary", .object([("total", .number(Double(total))), ("verified", .number(Double(proven)))])),
                            ("passed", .bool(passed)),
                        ]).text)
                    } else {
                        console.result("")
                        console.result(console.paint(summary, passed ? .green : .red))
                    }
                    return passed ? .success : .failure
                }
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Numbers and prints the demo's steps and remembers how each ended. The narration is the result on stdout,
/// or with `--json` a note on stderr (stdout then holds only the JSON document).
final class Narrator {
    package let console: Console
    package let json: Bool
    private var number = 0
    private var current = ""
    package private(set) var steps: [(name: String, passed: Bool)] = []
    package var failures: [String] { steps.filter { !$0.passed }.map(\.name) }

    package init(console: Console, json: Bool) {
        self.console = console
        self.json = json
    }

    package func say(_ line: String) {
        if json { console.note(line) } else { console.result(line) }
    }

    package func step(_ name: String, _ what: String) {
        number += 1
        current = name
        say("")
        say(console.paint("\(number). \(name)", .bold) + ": \(what)")
    }

    package func show(_ lines: [String], passed: Bool) {
        for line in lines { say("   " + line) }
        steps.append((current, passed))
    }
}
