import FoundationEssentials

extension GitHubSimulator {
    /// Whether `token` is revoked (by `revokeToken` or `POST /credentials/revoke`); false for a token never minted.
    public func isRevoked(_ token: String) -> Bool {
        state.withLock { $0.tokens[token]?.revoked ?? false }
    }

    /// Tokens revoked through `POST /credentials/revoke` since the simulator started.
    public var revocations: Int {
        state.withLock { $0.revocations }
    }

    /// Writes `value` to a repository's Actions secret the way another tool would (not through patrol): the value
    /// is stored as given and `updated_at` moves to now. Returns false when the repository does not exist.
    @discardableResult
    public func writeSecretOutsidePatrol(_ name: String, in repository: String, value: String) -> Bool {
        writeSecretOutsidePatrol(name, in: .repository(repository), value: value)
    }
}
