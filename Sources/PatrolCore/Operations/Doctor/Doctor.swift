import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// `patrol doctor`'s checks (spec §3.6), run against GitHub with the token under test. The seed guide's
/// troubleshooting section, done for real: every check has a stable id, a status, a one-line detail and,
/// unless it passed, a fix. Checks that depend on a failed one are skipped with the reason; a 401 stops
/// every remote check (GitHub locks an account out after repeated bad credentials).
public struct Doctor: Sendable {
    /// Time for `dispatch.live`'s wait; injected so tests do not sleep.
    public struct Timing: Sendable {
        public var now: @Sendable () -> Date
        public var sleep: @Sendable (Duration) async -> Void

        public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async -> Void) {
            self.now = now
            self.sleep = sleep
        }

        /// `clock`'s time and waits; a cancelled wait ends early (the wait loop then stops at its deadline check).
        public init(_ clock: TimeSource) {
            self.init(now: clock.now, sleep: { duration in try? await clock.sleep(duration) })
        }
    }

    public let config: FleetConfig
    /// The fleet repositories to check (`--repos`, or all).
    public let repositories: [RepositoryName]
    /// The token under test; every request is made with it.
    public let token: Token
    public let client: GitHubClient
    /// What patrol remembers of its uploads (an empty ledger when there is none yet).
    public let ledger: Ledger
    /// The live test event, if any.
    public let settings: DoctorSettings
    /// The client's clock unless a test sets its own.
    public var timing: Timing
    /// Makes the `patrol_probe` value of the test event.
    public var makeNonce: @Sendable () -> String = { String(UInt64.random(in: .min ... .max), radix: 16) }
    /// Repositories checked at once.
    public var concurrency = Rollout.readConcurrency
    /// Told of checks as they finish, for a report that streams: the token's checks once they are done, then each
    /// repository's as that repository completes (on one task, one batch at a time). The final report holds the token's
    /// and the rest; a repository's own checks, once told, only in its tally (``DoctorReport/streamed``).
    public var finished: (@Sendable ([DoctorCheck]) -> Void)?
    /// Asked before each repository starts: true (a signal, a closed stdout) starts nothing more.
    public var shouldStop: @Sendable () -> Bool = { false }

    public init(config: FleetConfig, repositories: [RepositoryName], token: Token, client: GitHubClient, ledger: Ledger, settings: DoctorSettings) {
        self.config = config
        self.repositories = repositories
        self.token = token
        self.client = client.authenticated(with: token)
        self.ledger = ledger
        self.settings = settings
        timing = Timing(client.clock)
    }

    /// The progress line shown while the checks run.
    package static func progressLine(repositories: [RepositoryName], config: FleetConfig) -> String {
        "doctor: checking \(repositories.count) repositories and \(config.platform.repository.fullName) …"
    }

    /// Runs every check that applies and returns the report; never throws — a failure is a check's result.
    public func run() async -> DoctorReport {
        let run = DoctorRun(doctor: self)
        await run.execute()
        let stop = run.lockout.error.map { error in
            ("GitHub answered 401 \"\(error.message)\" to \(error.request); patrol sends nothing more after a 401 (GitHub locks an account out after repeated bad credentials)",
             "fix the token first (see token.valid), then run `patrol doctor` again")
        } ?? ("not run", "run `patrol doctor` again")
        let planned = plan(leavingOut: run.book.wasLetGo)
        return DoctorReport(checks: run.book.ordered(planned, unrecorded: stop.0, fix: stop.1), streamed: run.book.streamed)
    }

    /// Every check of this run, in report order.
    package var plan: [PlannedCheck] { plan(leavingOut: { _ in false }) }

    /// Every check of this run in report order, but the repositories' own checks of those `letGo` says were let go.
    private func plan(leavingOut letGo: (RepositoryName) -> Bool) -> [PlannedCheck] {
        var planned: [PlannedCheck] = CheckID.token.map { ($0, nil, nil) }
        for repository in repositories where !letGo(repository) { planned += plan(of: repository) }
        if config.targets != .repositoryOnly { planned += DoctorRun.plannedOrganizationChecks(config, settings) }
        planned += CheckID.platform.map { ($0, nil, nil) }
        planned += repositories.map { (CheckID.dispatchTarget, $0, nil) }
        if settings.sendTestEvent { planned.append((CheckID.dispatchLive, nil, nil)) }
        return planned
    }

    /// The checks of one fleet repository that the report shows under it (its dispatch target is shown with the others').
    package func plan(of repository: RepositoryName) -> [PlannedCheck] {
        // With a `targets` section the repository's own copy is checked only when it is one of the targets.
        let perRepository = config.targets.repository && settings.checks(.repository) ? CheckID.perRepository : [CheckID.repoAccess]
        let own = perRepository.map { ($0, repository, nil) as PlannedCheck }
        return config.targets != .repositoryOnly ? own + DoctorRun.plannedTargetChecks(config, settings, repository: repository) : own
    }
}

/// One run of the checks: the doctor's inputs plus the results and what the checks tell each other.
package struct DoctorRun: Sendable {
    package let doctor: Doctor
    package let book = CheckBook()
    /// GitHub's first 401 stops every remote check, the fleet's and the others.
    package let lockout = CredentialLockout()
    package let notes = Notes()

    package var config: FleetConfig { doctor.config }
    package var client: GitHubClient { doctor.client }
    package var token: Token { doctor.token }
    package var platform: RepositoryName { config.platform.repository }

    /// Things one check learns that another reports.
    package final class Notes: Sendable {
        package struct State {
            /// Organization → the SSO authorization URL GitHub gave.
            package var sso: [String: String] = [:]
            /// Fine-grained permissions found missing, for `token.scopes`.
            package var missingPermissions: [String] = []
            package var probedRepositories = 0
            /// Fleet repositories' ids (`GET /repos`), keyed by ``RepositoryName/key``, for `org.selection`.
            package var repositoryIDs: [String: Int] = [:]
            /// The organization secret as `secret.present` found it, for `org.visibility`.
            package var organizationSecret: SecretMetadata?
        }
        package let state = Locked(State())
    }

    package func execute() async {
        guard let kind = checkFormat() else {
            for (id, repository, target) in doctor.plan {
                book.skip([id], repository, target: target, because: "token.format failed: the token is damaged, so nothing was sent to GitHub",
                          fix: "fix token.format first")
            }
            return
        }
        guard let user = await checkUser() else { return }
        let canSeeRepositories = checkScopes(user: user, kind: kind)
        checkExpiry(user: user)
        checkOwner(user: user)
        await checkRateLimit()
        if book.result(CheckID.rateLimit, nil)?.status == .fail {
            for (id, repository, target) in doctor.plan {
                book.skip([id], repository, target: target, because: "ratelimit failed: no requests left this hour", fix: "fix ratelimit first")
            }
            return
        }
        guard canSeeRepositories else {
            let reason = "token.scopes failed: without the `repo` scope GitHub hides private repositories"
            for (id, repository, target) in doctor.plan where book.result(id, repository, target: target) == nil && id != CheckID.tokenSSO {
                book.skip([id], repository, target: target, because: reason, fix: "fix token.scopes first")
            }
            book.skip([CheckID.tokenSSO], because: reason, fix: "fix token.scopes first")
            return
        }

        // The token's checks are done (but token.sso and a fine-grained token's scopes, which the repositories tell).
        tell(doctor.plan.filter { CheckGroup.of($0.id, target: $0.target) == .token })
        async let platformReady = checkPlatform(kind: kind, login: user.login)
        // A repository not started after a 401 records nothing: its checks are reported skipped for the 401.
        var fleet = FleetRunner(concurrency: doctor.concurrency, lockout: lockout)
        fleet.shouldStop = doctor.shouldStop
        _ = await fleet.run(doctor.repositories, notStarted: { _, _ in nil }, job: { repository -> RepositoryName? in
            await checkRepositoryAndDispatch(repository, kind: kind, login: user.login)
            return repository
        }, finished: { (repository: RepositoryName?) in
            guard let repository else { return }
            let planned = doctor.plan(of: repository)
            tell(planned)
            // Printed: only their tally is kept to the end (the --json document, not streamed, keeps every check).
            if doctor.finished != nil { book.letGo(planned, of: repository) }
        })
        let platform = await platformReady
        if checksTargets { await checkOrganization(login: user.login) }
        checkSSO()
        var probeRun: Int?
        if doctor.settings.sendTestEvent, let platform {
            probeRun = await checkLive(platform)
        }
        if let platform { await checkEvents(platform, probeRun: probeRun) }
        // Last, so that every check that met a missing permission (workflow state and runs included) has noted it:
        // token.scopes never passes while one of them failed for a permission (spec §5.3).
        if kind == .fineGrained { checkFineGrainedScopes() }
    }

    /// Hands the checks of `planned` that have a result to the doctor's ``Doctor/finished``.
    private func tell(_ planned: [PlannedCheck]) {
        guard let finished = doctor.finished else { return }
        let checks = planned.compactMap { book.result($0.id, $0.repository, target: $0.target) }
        if !checks.isEmpty { finished(checks) }
    }

    private func checkRepositoryAndDispatch(_ repository: RepositoryName, kind: TokenKind, login: String) async {
        guard let info = await checkRepository(repository, kind: kind, login: login) else {
            if checksTargets, lockout.error == nil {
                for (id, _, target) in DoctorRun.plannedTargetChecks(config, doctor.settings, repository: repository) {
                    book.skip([id], repository, target: target, because: "repo.access did not pass", fix: "fix repo.access first")
                }
            }
            return
        }
        await checkDispatchTarget(repository, info: info)
        if checksTargets { await checkTargets(of: repository, info: info) }
    }

    // MARK: Shared wording

    /// The page that makes a classic token with the policy's scopes and description (spec §3.4).
    package var newTokenPage: String {
        TokenPages.newToken(webRoot: client.base.webRoot, scopes: config.policy.requiredScopes, description: config.tokenDescription)
    }

    /// The settings page listing the account's tokens.
    package var tokensPage: String { TokenPages.list(webRoot: client.base.webRoot) }

    /// A repository's page on the web host.
    package func webPage(_ repository: RepositoryName, _ path: String = "") -> String {
        client.base.webPage("/\(repository.fullName)\(path)")
    }

    /// How to make a new token and put it everywhere.
    package var replaceToken: String {
        "make a new token at \(newTokenPage) (expiring in \(config.policy.rotationDays) days), then run `patrol rotate` to put it in every repository"
    }

    /// `name` for the config's owner, `owner/name` otherwise, for commands the user types.
    package func short(_ repository: RepositoryName) -> String { config.displayName(repository) }

    /// A one-line description of an error that is not a check's own finding.
    package static func describe(_ error: any Error) -> String {
        if let github = error as? GitHubError {
            return "\(github.request) answered \(github.status) \"\(github.message)\""
                + (github.acceptedPermissions.map { " (GitHub asks for the permission \($0))" } ?? "")
        }
        return "\(error)"
    }

    /// The fix for an error that is not a check's own finding.
    package static func fix(for error: any Error) -> String {
        if let github = error as? GitHubError, let advice = github.advice { return advice }
        return "check the network and the API URL, then run `patrol doctor` again"
    }

    package init(doctor: Doctor) {
        self.doctor = doctor
    }
}
