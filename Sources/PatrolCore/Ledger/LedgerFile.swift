import FoundationEssentials
import PatrolGitHub

/// The ledger's on-disk shape, version 2 (spec §6, §9): what each secret target holds, keyed by target id, and the
/// repository ids an organization secret's selection uses. Kept apart from ``Ledger`` so the domain model can
/// change while old files still decode.
package struct LedgerFileV2: Codable {
    package var version: Int = 2
    package var secret: String
    package var tokens: [TokenRecord]
    /// Keyed by target id: `repo:OWNER/NAME`, `env:OWNER/NAME/ENV`, `dependabot:…`, `codespaces:…`, `org:ORG`.
    package var targets: [String: TargetRecord]
    /// `owner/name` (lower case) → GitHub's repository id.
    package var repositoryIDs: [String: Int]
    package var history: [RunRecord]
    /// Left out until an App key is rolled out.
    package var app: AppKeyLedger?

    package init(_ ledger: Ledger) {
        secret = ledger.secret
        tokens = ledger.tokens
        targets = ledger.targets
        repositoryIDs = ledger.repositoryIDs
        history = ledger.history
        app = ledger.app.isEmpty ? nil : ledger.app
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        secret = try container.decode(String.self, forKey: .secret)
        tokens = try container.decode([TokenRecord].self, forKey: .tokens)
        targets = try container.decode([String: TargetRecord].self, forKey: .targets)
        repositoryIDs = try container.decodeIfPresent([String: Int].self, forKey: .repositoryIDs) ?? [:]
        history = try container.decode([RunRecord].self, forKey: .history)
        app = try container.decodeIfPresent(AppKeyLedger.self, forKey: .app)
    }

    package var ledger: Ledger {
        var ledger = Ledger(secret: secret)
        ledger.tokens = tokens
        ledger.targets = targets
        ledger.repositoryIDs = repositoryIDs
        ledger.history = history
        ledger.app = app ?? AppKeyLedger()
        return ledger
    }
}

/// The ledger's on-disk shape, version 1 (before secret targets): one record per repository, keyed by
/// `owner/name`. patrol still reads it, as `repo:` targets, and writes version 2 from then on (``LedgerMigration``).
package struct LedgerFileV1: Codable {
    package var version: Int = 1
    package var secret: String
    package var tokens: [TokenRecord]
    package var repositories: [String: TargetRecord]
    package var history: [RunRecord]
    /// Written by a version-1 patrol that rolled out an App key.
    package var app: AppKeyLedger?

    /// The same ledger with every repository a `repo:` target.
    package var ledger: Ledger {
        var ledger = Ledger(secret: secret)
        ledger.tokens = tokens
        ledger.targets = Dictionary(repositories.map { ("\(SecretTargetKind.repository.idPrefix):\($0.key)", $0.value) },
                                    uniquingKeysWith: { first, _ in first })
        ledger.history = history
        ledger.app = app ?? AppKeyLedger()
        return ledger
    }
}

extension Ledger {
    /// This ledger as a reload of its file reads it (``LedgerStore/write(_:to:)`` returns it, so that a reload compares
    /// equal): every date at the whole second the file's ISO 8601 text keeps (`JSONDecoder` reads `JSONEncoder`'s
    /// `.iso8601` back rounded down), and an App ledger with nothing in it as the empty one the file leaves out.
    /// A test checks that no date of any record keeps a fraction.
    package var asWritten: Ledger {
        var ledger = self
        ledger.tokens = tokens.map { token in
            var token = token
            token.expiresAt = token.expiresAt.map(Self.wholeSecond)
            token.firstSeen = Self.wholeSecond(token.firstSeen)
            token.lastSeen = Self.wholeSecond(token.lastSeen)
            return token
        }
        ledger.targets = targets.mapValues { record in
            var record = record
            record.uploadedAt = record.uploadedAt.map(Self.wholeSecond)
            record.secretUpdatedAt = record.secretUpdatedAt.map(Self.wholeSecond)
            return record
        }
        ledger.history = history.map { run in
            var run = run
            run.startedAt = Self.wholeSecond(run.startedAt)
            run.finishedAt = Self.wholeSecond(run.finishedAt)
            return run
        }
        guard !app.isEmpty else {
            ledger.app = AppKeyLedger()
            return ledger
        }
        ledger.app.keys = app.keys.map { key in
            var key = key
            key.firstRolledOut = Self.wholeSecond(key.firstRolledOut)
            key.currentSince = key.currentSince.map(Self.wholeSecond)
            key.retiredAt = key.retiredAt.map(Self.wholeSecond)
            return key
        }
        let holding = { (holding: AppKeyHolding) -> AppKeyHolding in
            var holding = holding
            holding.uploadedAt = Self.wholeSecond(holding.uploadedAt)
            holding.secretUpdatedAt = Self.wholeSecond(holding.secretUpdatedAt)
            return holding
        }
        ledger.app.repositories = app.repositories.mapValues(holding)
        ledger.app.targets = app.targets.mapValues(holding)
        return ledger
    }

    /// `date` at the second the file writes (the fraction dropped, toward the past).
    private static func wholeSecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
