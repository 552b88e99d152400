import Foundation
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// `patrol app rollout` (spec §10): the App's id as the Actions variable `APP_ID` and its private key as the
/// secret `APP_PRIVATE_KEY` in every repository, each read back. The key is sealed from guarded memory like the token.
package struct AppRollout: Sendable {
    /// The variable and secret the fleet's workflows read (`actions/create-github-app-token`'s inputs).
    package static let variableName = "APP_ID", secretName = "APP_PRIVATE_KEY"

    let client: GitHubClient
    let credentials: AppCredentials
    let repositories: [RepositoryName]
    var concurrency = 8

    package init(client: GitHubClient, credentials: AppCredentials, repositories: [RepositoryName]) {
        self.client = client
        self.credentials = credentials
        self.repositories = repositories
    }

    /// What happened in one repository.
    package struct Outcome: Sendable {
        package let repository: RepositoryName
        /// `created`, `updated` or `unchanged` for the variable; nil when the repository failed before it.
        package let variable: String?
        package let secretUpdatedAt: Date?
        package let error: String?
        package var succeeded: Bool { error == nil }
    }

    package func run(progress: @escaping @Sendable (Outcome) -> Void) async -> [Outcome] {
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
