import FoundationEssentials
import GitHubSimulator
import PatrolSecrets
import PatrolGitHub
import PatrolCore
import PatrolCLI

/// `patrol demo`'s last act (spec §10, issue 13): the fleet moves from the token secret to a GitHub App. An App is
/// created in the simulator with a fresh RSA key (as "Generate a private key" makes one) and installed on the owner;
/// `app rollout` runs as the App and puts its id and key in every target of the demo's config (journaled in the demo's
/// ledger); each library's and application's workflow is switched to `actions/create-github-app-token`; and doctor shows
/// the App's wiring green (`app.*` and every `dispatch.target`). The act passes only if every target's key secret
/// decrypts, inside the simulator, to the App's key.
struct DemoAppAct {
    /// The simulated App's id and name.
    static let appID = 1_024_768, slug = "c3-patrol"

    let config: FleetConfig
    let simulator: GitHubSimulator
    let base: APIBase
    let ledger: LedgerStore
    /// The fleet's current token, for doctor's dispatch checks.
    let token: Token
    let client: GitHubClient
    let context: Context
    let narrator: Narrator

    func run() async throws {
        let console = context.console
        let names = config.appNames
        narrator.step("app", "move the fleet from \(config.secret) to a GitHub App: its id and private key in every target, "
                      + "the workflows switched to the App's tokens, doctor on the App's wiring")
        guard var generated = GitHubSimulator.generateAppKeyPair() else {
            narrator.show(["libcrypto could not generate the App's key"], passed: false)
            return
        }
        // The key goes into guarded memory at once; the generator's bytes are wiped.
        let key = try AppPrivateKey(pem: generated.privateKeyPEM, origin: .generated)
        _ = generated.privateKeyPEM.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        // The App asks for what its commands need, and for each kind of target the demo's config has (spec §9).
        let targets = config.secretTargets()
        let scope = AppScope.appCredentialsWrite(config.repositories, kinds: Set(targets.map(\.kind)))
        simulator.addApp(id: Self.appID, slug: Self.slug, publicKeyPEM: generated.publicKeyPEM,
                         permissions: GitHubSimulator.defaultAppPermissions.merging(scope.permissions) { _, kind in kind })
        simulator.installApp(Self.appID, on: config.owner)
        let credentials = AppCredentials(appID: Self.appID, key: key)
        var lines = ["App \(Self.slug) (id \(Self.appID)) installed on \(config.owner); its private key \(key.fingerprint)"]

        // app rollout, with the App itself as the caller.
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: console)
        // Two writes per target (the variable, the secret): a burst that takes the whole fleet at once.
        var pacing = RolloutOptions()
        pacing.writeBurst = 2 * targets.count
        let outcomes = try await context.withConnection(base, as: session.standIn, options: pacing, app: session) { appClient in
            var rollout = AppRollout(client: appClient, credentials: credentials, targets: targets, ledger: ledger)
            rollout.organization = OrganizationSelection(fleet: config.repositories,
                                                         visibility: config.targets.organization?.visibility ?? .selected)
            rollout.names = names
            return try await rollout.run()
        }
        let ids = RolloutReport.showsTargetIDs(targets)
        let width = targets.map { RolloutReport.label($0, ids: ids).count }.max() ?? 0
        lines += outcomes.map { AppRolloutCommand.line($0, width: width, names: names, ids: ids) }

        // The workflows: each dispatch now takes its token from actions/create-github-app-token.
        var switched = 0
        for repository in config.repositories {
            guard let path = config.workflowPath(of: repository), let text = simulator.file(path, in: repository.fullName),
                  let changed = AppWorkflowSwitch.switched(text, secret: config.secret, names: names, owner: config.owner,
                                                           platform: config.platform.repository.name) else { continue }
            simulator.setFile(path, content: changed, in: repository.fullName)
            switched += 1
        }
        lines.append("\(switched)/\(config.repositories.count) workflows switched from secrets.\(config.secret) to the App's token "
                     + "(actions/create-github-app-token with vars.\(names.variable) and secrets.\(names.secret))")

        // Doctor on the App's wiring: its own checks, then each repository's dispatch step.
        console.progress("doctor: the App and \(config.repositories.count) workflows …")
        let appChecks = await AppDoctor.run(credentials, context: context, config: config, base: base, repositories: config.repositories)
        var withApp = config
        withApp.app = AppConfig(id: Self.appID, names: names)
        let tokenReport = await Doctor(config: withApp, repositories: config.repositories, token: token, client: client,
                                       ledger: await ledger.snapshot, settings: DoctorSettings()).run()
        let report = DoctorReport(checks: appChecks.checks + tokenReport.checks.filter { $0.id == CheckID.dispatchTarget })
        lines += report.lines(console: console)

        // Proof: what each target's key secret decrypts to, inside the simulator, and its variable where it has one.
        let held = key.withUnsafePEM { pem in
            targets.filter { target in
                let place = DemoTargets.simulated(target)
                return simulator.secret(names.secret, in: place).map { Token(bytes: $0.plaintextBytes).isSame(as: Token(bytes: pem)) } ?? false
                    && (!target.hasVariables || simulator.variable(names.variable, in: place) == String(Self.appID))
            }.count
        }
        let current = await ledger.snapshot.app.currentKey?.fingerprint == key.fingerprint
        lines.append("\(held)/\(targets.count) targets hold a secret \(names.secret) that decrypts to the App's key (and \(names.variable)=\(Self.appID) "
                     + "where they have variables)" + (current ? "; the ledger records \(key.fingerprint) as the fleet's App key" : ""))
        narrator.show(lines, passed: outcomes.allSatisfy(\.succeeded) && switched == config.repositories.count
                      && report.checks.allSatisfy { $0.status == .pass } && tokenReport.exitCode == .success
                      && held == targets.count && current)
    }
}
