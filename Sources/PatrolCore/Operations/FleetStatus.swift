import Foundation

/// Where the fleet stands (spec §3.7): per repository, whether the secret is there, since when, which
/// token the ledger says it holds, and whether that can still be trusted.
public enum FleetStatus {
    /// One repository's state.
    public enum State: String, Sendable, CaseIterable {
        /// Holds the fleet's token, and GitHub's `updated_at` is the one patrol read after its own write.
        case current
        /// Holds an older token, per the ledger.
        case stale
        /// Updated after patrol's last write (or never written by patrol): someone else wrote it.
        case drifted
        /// The repository has no such secret.
        case missing
        /// The token cannot see the repository's secrets (404 or 403).
        case noAccess = "no-access"
    }

    /// The token the fleet should hold: the ledger's current token or, while a rotation is under way,
    /// the newer pending token it is rolling out. The ledger lists tokens in the order patrol first saw them.
    public static func expectedToken(in ledger: Ledger) -> TokenRecord? {
        let currentIndex = ledger.tokens.firstIndex { $0.state == .current }
        let newerPending = ledger.tokens.indices.last { index in
            ledger.tokens[index].state == .pending && index > (currentIndex ?? -1)
        }
        return (newerPending ?? currentIndex).map { ledger.tokens[$0] }
    }

    /// The state of a repository whose secret GitHub describes as `secret` (nil: absent), given what the ledger recorded.
    public static func state(secret: SecretMetadata?, record: RepositoryRecord?, expected: Fingerprint?) -> State {
        guard let secret else { return .missing }
        // GitHub's dates have second precision, as the ledger's do.
        guard let record, let written = record.secretUpdatedAt, abs(secret.updatedAt.timeIntervalSince(written)) < 1 else {
            return .drifted
        }
        return record.fingerprint != nil && record.fingerprint == expected ? .current : .stale
    }

    /// Asks GitHub for each repository's secrets (one request each) and compares with `ledger`.
    /// Stops at a 401, as every command does; a 404 or 403 is that repository's `no-access`.
    public static func survey(client: GitHubClient, secret: String, repositories: [RepositoryName], ledger: Ledger) async throws -> StatusReport {
        let expected = expectedToken(in: ledger)
        var lines: [StatusReport.Line] = []
        for repository in repositories {
            let record = ledger.repositories[repository.fullName]
            do {
                let found = try await client.secrets(in: repository).first { $0.name.uppercased() == secret.uppercased() }
                lines.append(StatusReport.Line(repository: repository, secret: found, record: record,
                                               state: state(secret: found, record: record, expected: expected.map(\.fingerprint)), problem: nil))
            } catch let error as GitHubError where error.status == 404 || error.status == 403 {
                lines.append(StatusReport.Line(repository: repository, secret: nil, record: record, state: .noAccess, problem: error))
            }
        }
        return StatusReport(secret: secret, expected: expected, ledgerTokens: ledger.tokens, lines: lines)
    }
}
