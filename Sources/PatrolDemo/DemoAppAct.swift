import Foundation
import GitHubSimulator
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
import PatrolCLI

/// `patrol demo`'s last act (spec §10, issue 13): the fleet moves from the token secret to a GitHub App. An App is
/// created in the simulator with a fresh RSA key (as "Generate a private key" makes one) and installed on the owner;
/// `app rollout` runs as the App and puts its id and key in every repository (journaled in the demo's ledger); each
/// library's and application's workflow is switched to `actions/create-github-app-token`; and doctor shows the App's
/// wiring green (`app.*` and every `dispatch.target`). The act passes only if every repository's key secret decrypts,
/// inside the simulator, to the App's key.
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
        narrator.step("app", "move the fleet from \(config.secret) to a GitHub App: its id and private key in every repository, "
                      + "the workflows switched to the App's tokens, doctor on the App's wiring")
        guard var generated = GitHubSimulator.generateAppKeyPair() else {
            narrator.show(["libcrypto could not generate the App's key"], passed: false)
            return
        }
        // The key goes into guarded memory at once; the generator's bytes are wiped.
        let key = try AppPrivateKey(pem: generated.privateKeyPEM, origin: .generated)
        generated.privateKeyPEM.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        simulator.addApp(id: Self.appID, slug: Self.slug, publicKeyPEM: generated.publicKeyPEM)
        simulator.installApp(Self.appID, on: config.owner)
        let credentials = AppCredentials(appID: Self.appID, key: key)
        var lines = ["App \(Self.slug) (id \(Self.appID)) installed on \(config.owner); its private key \(key.fingerprint)"]

        // app rollout, with the App itself as the caller.
        let scope = AppScope(repositories: config.repositories, permissions: ["secrets": "write", "actions_variables": "write"])
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: console)
        // Two writes per repository (the variable, the secret): a burst that takes the whole fleet at once.
        var pacing = RolloutOptions()
        pacing.writeBurst = 2 * config.repositories.count
        let outcomes = try await context.withConnection(base, as: session.standIn, options: pacing, app: session) { appClient in
            var rollout = AppRollout(client: appClient, credentials: credentials, repositories: config.repositories, ledger: ledger)
            rollout.names = names
            return try await rollout.run()
        }
        let width = config.repositories.map(\.fullName.count).max() ?? 0
        lines += outcomes.map { AppRolloutCommand.line($0, width: width, names: names) }

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

        // Proof: what each repository's key secret decrypts to, inside the simulator.
        let held = key.withUnsafePEM { pem in
            config.repositories.filter { repository in
                simulator.secret(names.secret, in: repository.fullName).map { Token(bytes: $0.plaintextBytes).isSame(as: Token(bytes: pem)) } ?? false
                    && simulator.variable(names.variable, in: repository.fullName) == String(Self.appID)
            }.count
        }
        let current = await ledger.snapshot.app.currentKey?.fingerprint == key.fingerprint
        lines.append("\(held)/\(config.repositories.count) repositories hold \(names.variable)=\(Self.appID) and a secret \(names.secret) that decrypts to the App's key"
                     + (current ? "; the ledger records \(key.fingerprint) as the fleet's App key" : ""))
        narrator.show(lines, passed: outcomes.allSatisfy(\.succeeded) && switched == config.repositories.count
                      && report.checks.allSatisfy { $0.status == .pass } && tokenReport.exitCode == .success
                      && held == config.repositories.count && current)
    }
}
