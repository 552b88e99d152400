import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// patrol's memory of which token each secret target holds — GitHub never returns a secret's value.
/// Holds fingerprints only, never a token; safe to commit.
///
/// This is the domain model. Its on-disk shape is ``LedgerFileV2`` (``LedgerFileV1`` before targets), decoded
/// by ``LedgerMigration``, which reads the version first.
public struct Ledger: Sendable, Equatable {
    /// The secret name the fleet uses (`PAT_TOKEN`).
    public var secret: String
    public var tokens: [TokenRecord] = []
    /// Keyed by target id (``SecretTarget/id``: `repo:OWNER/NAME`, `env:OWNER/NAME/ENV`, `org:ORG`, …).
    public var targets: [String: TargetRecord] = [:]
    /// Repository ids GitHub gave (`GET /repos/{o}/{r}`), keyed by `owner/name` in lower case: an organization
    /// secret's selection is by id.
    public var repositoryIDs: [String: Int] = [:]
    public var history: [RunRecord] = []
    /// The fleet's GitHub App keys (`patrol app rollout`, ``AppKeyLedger``).
    public var app = AppKeyLedger()

    public init(secret: String) { self.secret = secret }

    /// The token marked current, if any.
    public var currentToken: TokenRecord? { tokens.first { $0.state == .current } }

    /// Records a token seen in a preflight: adds it, or refreshes what GitHub said of it.
    public mutating func noteToken(_ fingerprint: Fingerprint, login: String, kind: TokenKind, scopes: [String]?, expiresAt: Date?, at now: Date) {
        if let index = tokens.firstIndex(where: { $0.fingerprint == fingerprint }) {
            tokens[index].login = login
            tokens[index].scopes = scopes
            tokens[index].expiresAt = expiresAt
            tokens[index].lastSeen = now
        } else {
            tokens.append(TokenRecord(fingerprint: fingerprint, login: login, kind: kind, scopes: scopes,
                                      expiresAt: expiresAt, firstSeen: now, lastSeen: now, state: .pending))
        }
    }

    /// Marks `fingerprint` current and any other current token retired.
    public mutating func makeCurrent(_ fingerprint: Fingerprint) {
        for index in tokens.indices {
            if tokens[index].fingerprint == fingerprint {
                tokens[index].state = .current
            } else if tokens[index].state == .current {
                tokens[index].state = .retired
            }
        }
    }

    /// What patrol last wrote to `target`, if anything.
    public func record(_ target: SecretTarget) -> TargetRecord? {
        targets[target.id]
    }

    /// True when the ledger says `target` already holds the token with `fingerprint`.
    public func holds(_ target: SecretTarget, _ fingerprint: Fingerprint) -> Bool {
        record(target)?.fingerprint == fingerprint
    }

    /// True when the ledger says `repository`'s Actions secret already holds the token with `fingerprint`.
    public func holds(_ repository: RepositoryName, _ fingerprint: Fingerprint) -> Bool {
        holds(.repository(repository), fingerprint)
    }
}

/// What patrol knows of one token.
public struct TokenRecord: Sendable, Equatable, Codable {
    public var fingerprint: Fingerprint
    public var login: String
    public var kind: TokenKind
    public var scopes: [String]?
    public var expiresAt: Date?
    public var firstSeen: Date
    public var lastSeen: Date
    public var state: State

    public enum State: String, Sendable, Codable {
        /// Seen by a preflight, not yet held by the whole fleet.
        case pending
        /// The token the fleet holds.
        case current
        /// Replaced by a rotation.
        case retired
    }

    package init(fingerprint: Fingerprint, login: String, kind: TokenKind, scopes: [String]? = nil, expiresAt: Date? = nil, firstSeen: Date, lastSeen: Date, state: State) {
        self.fingerprint = fingerprint
        self.login = login
        self.kind = kind
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.state = state
    }
}

/// What patrol last wrote to one secret target.
public struct TargetRecord: Sendable, Equatable, Codable {
    /// The token the target holds, by fingerprint.
    public var fingerprint: Fingerprint?
    /// The public key the value was sealed with.
    public var keyID: String?
    public var keyETag: String?
    public var uploadedAt: Date?
    /// The secret's `updated_at` read right after the upload.
    public var secretUpdatedAt: Date?
    /// The public key itself (public, standard base64), reused when a conditional fetch answers 304.
    public var publicKey: String?
    /// An organization secret's visibility after patrol's write.
    public var visibility: SecretVisibility?
    /// A `selected` organization secret's repositories (ids) after patrol reconciled the selection.
    public var selectedRepositoryIDs: [Int]?

    package init(fingerprint: Fingerprint? = nil, keyID: String? = nil, keyETag: String? = nil, uploadedAt: Date? = nil, secretUpdatedAt: Date? = nil,
                 publicKey: String? = nil, visibility: SecretVisibility? = nil, selectedRepositoryIDs: [Int]? = nil) {
        self.fingerprint = fingerprint
        self.keyID = keyID
        self.keyETag = keyETag
        self.uploadedAt = uploadedAt
        self.secretUpdatedAt = secretUpdatedAt
        self.publicKey = publicKey
        self.visibility = visibility
        self.selectedRepositoryIDs = selectedRepositoryIDs
    }
}

/// One run of a command that changed something.
public struct RunRecord: Sendable, Equatable, Codable {
    public var command: String
    public var startedAt: Date
    public var finishedAt: Date
    public var fingerprint: Fingerprint?
    public var succeeded: Int
    public var failed: Int

    package init(command: String, startedAt: Date, finishedAt: Date, fingerprint: Fingerprint? = nil, succeeded: Int, failed: Int) {
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.fingerprint = fingerprint
        self.succeeded = succeeded
        self.failed = failed
    }
}
