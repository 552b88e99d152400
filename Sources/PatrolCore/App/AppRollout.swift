import Foundation

/// `patrol app rollout` (spec §10): the App's id as the Actions variable `APP_ID` and its private key as the
/// secret `APP_PRIVATE_KEY` in every repository, each read back. The key is sealed from guarded memory like the token.
struct AppRollout: Sendable {
    /// The variable and secret the fleet's workflows read (`actions/create-github-app-token`'s inputs).
    static let variableName = "APP_ID", secretName = "APP_PRIVATE_KEY"

    let client: GitHubClient
    let credentials: AppCredentials
    let repositories: [RepositoryName]
    var concurrency = 8

    /// What happened in one repository.
    struct Outcome: Sendable {
        let repository: RepositoryName
        /// `created`, `updated` or `unchanged` for the variable; nil when the repository failed before it.
        let variable: String?
        let secretUpdatedAt: Date?
        let error: String?
        var succeeded: Bool { error == nil }
    }

    func run(progress: @escaping @Sendable (Outcome) -> Void) async -> [Outcome] {
        // One guarded copy of the PEM to seal, shared by every repository.
        let pem = credentials.key.withUnsafePEM { Token(bytes: $0) }
        var outcomes: [RepositoryName: Outcome] = [:]
        await withTaskGroup(of: Outcome.self) { group in
            var pending = repositories[...]
            for _ in 0..<max(1, concurrency) {
                guard let repository = pending.popFirst() else { break }
                group.addTask { await deliver(to: repository, pem: pem) }
            }
            for await outcome in group {
                outcomes[outcome.repository] = outcome
                progress(outcome)
                if let repository = pending.popFirst() { group.addTask { await deliver(to: repository, pem: pem) } }
            }
        }
        return repositories.compactMap { outcomes[$0] }
    }

    private func deliver(to repository: RepositoryName, pem: Token) async -> Outcome {
        let id = String(credentials.appID)
        var variableState: String?
        do {
            let current = try await client.variable(Self.variableName, in: repository)
            if current != id {
                try await client.setVariable(Self.variableName, to: id, in: repository, exists: current != nil)
            }
            variableState = current == nil ? "created" : current == id ? "unchanged" : "updated"
            let key = try await client.publicKey(of: repository)
            let sealed = try SealedBox.seal(pem, publicKey: key.key)
            _ = try await client.putSecret(Self.secretName, in: repository, encryptedValue: sealed, keyID: key.keyID)
            // Read both back: the variable's value, and the secret's updated_at (its value GitHub never returns).
            guard let written = try await client.secret(Self.secretName, in: repository) else {
                return Outcome(repository: repository, variable: variableState, secretUpdatedAt: nil,
                               error: "\(Self.secretName) is absent right after it was written; run patrol app rollout again")
            }
            guard try await client.variable(Self.variableName, in: repository) == id else {
                return Outcome(repository: repository, variable: variableState, secretUpdatedAt: written.updatedAt,
                               error: "\(Self.variableName) does not read back as \(id); run patrol app rollout again")
            }
            return Outcome(repository: repository, variable: variableState, secretUpdatedAt: written.updatedAt, error: nil)
        } catch {
            return Outcome(repository: repository, variable: variableState, secretUpdatedAt: nil, error: "\(error)")
        }
    }
}

/// `patrol app rollout`: runs ``AppRollout`` with the App itself as the caller and prints one line per repository.
enum AppRolloutCommand {
    static func run(_ invocation: Invocation, context: Context) async throws -> ExitCode {
        guard invocation.token.appAction == "rollout" else {
            throw UsageError.missingRequirement(option: "app", needs: "an action: patrol app rollout", command: .app)
        }
        let config = try context.fleetConfig(invocation)
        let base = try context.apiBase(invocation, config: config)
        let repositories = try config.selecting(invocation.rollout.repositories)
        guard let credentials = try context.appCredentials(invocation, config: config) else {
            throw AppCallerError.incomplete(missing: "App id or private key")
        }
        let scope = AppScope(repositories: repositories, permissions: ["secrets": "write", "actions_variables": "write"])
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: context.console)
        let (client, transport) = try await context.connect(base, as: session.standIn, app: session)
        defer { transport.shutdown() }
        let console = context.console
        let json = invocation.global.json
        let width = repositories.map(\.fullName.count).max() ?? 0
        let outcomes = await AppRollout(client: client, credentials: credentials, repositories: repositories).run { outcome in
            guard !json else { return }
            let name = outcome.repository.fullName.padding(toLength: width, withPad: " ", startingAt: 0)
            if let error = outcome.error {
                console.result("✗ \(name)  failed: \(error)")
            } else {
                console.result("✓ \(name)  \(AppRollout.variableName) \(outcome.variable ?? "?"), \(AppRollout.secretName) set, "
                               + "verified: updated_at \(outcome.secretUpdatedAt.map(ISO8601.format) ?? "?")")
            }
        }
        let failed = outcomes.filter { !$0.succeeded }.count
        if json {
            console.result(JSONValue.object([
                ("command", "app rollout"),
                ("appId", .number(Double(credentials.appID))),
                ("keyFingerprint", .string(credentials.key.fingerprint.value)),
                ("repositories", .array(outcomes.map { outcome in
                    .object([
                        ("repository", .string(outcome.repository.fullName)),
                        ("status", .string(outcome.succeeded ? "verified" : "failed")),
                        ("variable", .optional(outcome.variable)),
                        ("secretUpdatedAt", .optional(outcome.secretUpdatedAt.map(ISO8601.format))),
                        ("error", .optional(outcome.error)),
                    ])
                })),
                ("summary", .object([("total", .number(Double(outcomes.count))), ("succeeded", .number(Double(outcomes.count - failed))),
                                     ("failed", .number(Double(failed)))])),
            ]).text)
        } else {
            console.result("app rollout: \(outcomes.count - failed)/\(outcomes.count) repositories hold \(AppRollout.variableName)=\(credentials.appID) "
                           + "and the key \(credentials.key.fingerprint) as \(AppRollout.secretName)")
            if failed > 0 { console.error("fix what the failed lines say, then run `patrol app rollout` again; it sets only what differs") }
        }
        return failed == 0 ? .success : .failure
    }
}
