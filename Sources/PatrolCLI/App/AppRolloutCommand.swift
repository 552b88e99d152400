import Foundation
import PatrolCore
import PatrolHTTP
import PatrolGitHub
import PatrolSecrets
import PatrolSupport

/// `patrol app rollout`: runs ``AppRollout`` with the App itself as the caller and prints one line per repository.
enum AppRolloutCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        guard invocation.token.appAction == "rollout" else {
            throw UsageError.missingRequirement(option: "app", needs: "an action: patrol app rollout", command: .app)
        }
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.app.repositories)
        guard let credentials = try context.appCredentials(invocation, config: config) else {
            throw AppCallerError.incomplete(missing: "App id or private key")
        }
        let scope = AppScope(repositories: repositories, permissions: ["secrets": "write", "actions_variables": "write"])
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: context.console)
        let console = context.console
        let json = invocation.global.json
        let width = repositories.map(\.fullName.count).max() ?? 0
        let outcomes = try await context.withConnection(base, as: session.standIn, app: session) { client in
            await AppRollout(client: client, credentials: credentials, repositories: repositories).run { outcome in
            guard !json else { return }
            let name = outcome.repository.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
            if let error = outcome.error {
                console.result("✗ \(name)  failed: \(error)")
            } else {
                console.result("✓ \(name)  \(AppRollout.variableName) \(outcome.variable ?? "?"), \(AppRollout.secretName) set, "
                               + "verified: updated_at \(outcome.secretUpdatedAt.map(ISO8601.format) ?? "?")")
            }
            }
        }
        let failed = outcomes.filter { !$0.succeeded }.count
        if json {
            console.result(document(outcomes, credentials: credentials, failed: failed).text)
        } else {
            console.result("app rollout: \(outcomes.count - failed)/\(outcomes.count) repositories hold \(AppRollout.variableName)=\(credentials.appID) "
                           + "and the key \(credentials.key.fingerprint) as \(AppRollout.secretName)")
            if failed > 0 {
                console.error("fix what the failed lines say, then run `patrol app rollout` again; it sets only what differs")
            } else {
                // GitHub has no API for an App's keys: after a new key is out, the old one is deleted by hand (spec §10).
                console.note("if this key replaces another, delete the App's other private keys in its settings (Private keys), "
                             + "keeping \(credentials.key.fingerprint); every repository now holds this one")
            }
        }
        return failed == 0 ? .success : .failure
    }

    /// The `--json` document: the App, its key's fingerprint, one row per repository, the summary.
    static func document(_ outcomes: [AppRollout.Outcome], credentials: AppCredentials, failed: Int) -> JSONValue {
        let rows: [JSONValue] = outcomes.map { outcome in
            let updated: String? = outcome.secretUpdatedAt.map(ISO8601.format)
            return JSONValue.object([
                ("repository", JSONValue.string(outcome.repository.fullName)),
                ("status", JSONValue.string(outcome.succeeded ? "verified" : "failed")),
                ("variable", JSONValue.optional(outcome.variable)),
                ("secretUpdatedAt", JSONValue.optional(updated)),
                ("error", JSONValue.optional(outcome.error)),
            ])
        }
        let summary: [(String, JSONValue)] = [("total", .number(Double(outcomes.count))),
                                              ("succeeded", .number(Double(outcomes.count - failed))), ("failed", .number(Double(failed)))]
        return JSONValue.object([
            ("command", JSONValue.string("app rollout")),
            ("appId", JSONValue.number(Double(credentials.appID))),
            ("keyFingerprint", JSONValue.string(credentials.key.fingerprint.value)),
            ("repositories", JSONValue.array(rows)),
            ("summary", JSONValue.object(summary)),
        ])
    }
}
