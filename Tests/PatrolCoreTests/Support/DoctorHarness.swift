import Foundation
import GitHubSimulator
@testable import PatrolSupport
import Testing
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

extension FleetHarness {
    static let handler = ".github/workflows/handle-events.yml"

    /// Plants the workflow files the setup guide describes.
    func wire() {
        simulator.wireFleetAsGuideDescribes(owner: Self.owner, libraries: Self.libraries, applications: Self.applications, platform: "c3-platform")
    }

    /// A wired fleet whose repositories all hold `token`, put there by `patrol rollout`.
    func rolledOut(_ token: String) async throws {
        wire()
        let run = await run(["rollout"], environment: ["PAT_TOKEN": token])
        try #require(run.code == 0, "\(run.output)")
    }

    var config: FleetConfig { get throws { try FleetConfig.load(path: configPath) } }

    func repository(_ name: String) throws -> RepositoryName { try RepositoryName(parsing: name, defaultOwner: Self.owner) }

    /// Runs the doctor in-process with `token`, a clock that only moves when the doctor sleeps, and the
    /// ledger on disk (or `ledger`).
    func doctor(_ token: String, options: DoctorOptions = DoctorOptions(), ledger: Ledger? = nil,
                nonce: String = "probe-nonce", repositories: [String]? = nil,
                finished: (@Sendable ([DoctorCheck]) -> Void)? = nil) async throws -> DoctorReport {
        let config = try self.config
        let transport = CurlTransport(configuration: TransportConfiguration())
        defer { transport.shutdown() }
        let held = Token(bytes: Array(token.utf8))
        let client = GitHubClient(transport: RetryingTransport(transport, clock: .system), base: try APIBase(apiURL), credential: held)
        let clock = Locked(Date())
        let snapshot = try LedgerStore.load(path: ledgerPath, secret: config.secret)
        var doctor = Doctor(config: config, repositories: try config.selecting(repositories), token: held, client: client,
                            ledger: ledger ?? snapshot, settings: options.settings)
        doctor.timing = Doctor.Timing(now: { clock.withLock { $0 } },
                                      sleep: { duration in clock.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds)) } })
        doctor.makeNonce = { nonce }
        doctor.finished = finished
        return await doctor.run()
    }
}

extension DoctorReport {
    /// `id` or `id@owner/name` of every check with `status`.
    func ids(_ status: CheckStatus) -> Set<String> {
        Set(checks.filter { $0.status == status }.map { check in check.repository.map { "\(check.id)@\($0.fullName)" } ?? check.id })
    }
}
