import FoundationEssentials
import PatrolCore
import PatrolSupport

/// `patrol rotate --app-key-file NEW.pem` with no token source named: rolls the App's new private key out to every
/// repository as the App (signing with the new key, which proves GitHub has it), records it in the ledger, and names
/// the old key to delete in the App's settings (spec §10). With a token source, `rotate` rotates the token as before.
enum AppKeyRotationCommand {
    /// True when this `rotate` is about the App's key: `--app-key-file` given, and none of the token's sources.
    static func applies(_ invocation: RotateArguments) -> Bool {
        let token = invocation.token
        return token.appKeyFile != nil && !token.fromStandardInput && token.environmentVariable == nil && token.filePath == nil
    }

    static func run(_ invocation: RotateArguments, context: Context) async throws -> ExitCode {
        let options = invocation.rotate
        for (given, option, reason) in [
            (options.revokeOld, "--revoke-old", "GitHub has no API that deletes an App's key; patrol names the key to delete in the App's settings"),
            (options.oldTokenEnvironmentVariable != nil, "--old-token-env", "it names an old token, and there is none here"),
            (options.oldTokenFilePath != nil, "--old-token-file", "it names an old token, and there is none here"),
            (invocation.rollout.dryRun, "--dry-run", "run patrol doctor with the new key to check it without writing anything"),
        ] where given {
            throw AppKeyRotationError.notForAppKey(option: option, reason: reason)
        }
        let console = context.console
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        let kinds = try config.selectingKinds(invocation.rollout.targets)
        guard let credentials = try context.appCredentials(invocation, config: config) else {
            throw AppCallerError.incomplete(missing: "App id")
        }
        let before = try LedgerStore.load(path: config.ledgerPath, secret: config.secret).app
        try AppKeyRotation.check(credentials.key.fingerprint, ledger: before, force: options.force)
        let old = before.currentKey
        if let old, old.appID != credentials.appID {
            console.error("warning: the fleet's current key \(old.fingerprint) belongs to App \(old.appID), the new one to App \(credentials.appID)")
        }
        console.note("rotating the App's private key: \(old.map { "\($0.fingerprint) → " } ?? "")\(credentials.key.fingerprint)")
        let page = Locked<String?>(nil)
        let json = invocation.global.json
        let outcomes = try await AppRolloutCommand.deliver(
            credentials, to: repositories, config: config, base: base,
            settings: .init(resume: invocation.rollout.resume, concurrency: invocation.rollout.concurrency, json: json, kinds: kinds),
            command: "rotate", context: context,
            afterFirstToken: { session in
                // The App's settings page, for the advice at the end; a failure here only loses the link.
                guard let app = try? await session.app() else { return }
                let installation = try? await session.findInstallation()
                page.withLock { $0 = AppKeyRotation.settingsPage(webRoot: base.webRoot, app: app, installation: installation) }
            })
        let after = try LedgerStore.load(path: config.ledgerPath, secret: config.secret).app
        let settingsPage = page.withLock { $0 } ?? "the App's settings (\(base.webRoot)/settings/apps)"
        let advice = AppKeyRotation.advice(old: old, new: credentials.key.fingerprint, after: after, settingsPage: settingsPage,
                                           forced: options.force)
        let failed = outcomes.filter { !$0.succeeded }.count
        if json {
            let extra: [(String, JSONValue)] = [
                ("oldKeyFingerprint", .optional(old?.fingerprint.value)),
                ("deleteKey", .optional(advice.deleteKey?.value)),
                ("settingsURL", .optional(page.withLock { $0 })),
            ]
            console.result(AppRolloutCommand.document(outcomes, credentials: credentials, names: config.appNames, failed: failed,
                                                      command: "rotate", extra: extra).text)
        } else {
            console.result(AppRolloutCommand.summary(outcomes, credentials: credentials, names: config.appNames)
                .replacingEvery("app rollout:", with: "rotate:"))
        }
        if let stopped = AppRolloutCommand.interrupted(outcomes, command: "rotate --app-key-file NEW.pem", context: context) { return stopped }
        for line in advice.lines { console.error(line) }
        return failed == 0 ? .success : .failure
    }
}
