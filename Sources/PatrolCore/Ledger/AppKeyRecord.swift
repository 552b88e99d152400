import FoundationEssentials
import PatrolGitHub

/// The ledger's memory of the fleet's GitHub App credentials (spec §10): every App private key `patrol app rollout`
/// put in the fleet, by GitHub's fingerprint (SHA-256 of the public half), and per repository which key it holds
/// and since when. Fingerprints only, never a key; safe to commit like the rest of the ledger.
public struct AppKeyLedger: Sendable, Equatable, Codable {
    /// The keys rolled out, oldest first.
    public var keys: [AppKeyRecord] = []
    /// Keyed by `owner/name`: what the last verified `app rollout` put in the repository's Actions secrets and variables.
    public var repositories: [String: AppKeyHolding] = [:]
    /// The other targets of spec §9 (environment, Dependabot, Codespaces, organization), keyed by target id
    /// (``SecretTarget/id``): what the last verified `app rollout` put there.
    public var targets: [String: AppKeyHolding] = [:]

    public init() {}

    private enum CodingKeys: String, CodingKey { case keys, repositories, targets }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keys = try container.decodeIfPresent([AppKeyRecord].self, forKey: .keys) ?? []
        repositories = try container.decodeIfPresent([String: AppKeyHolding].self, forKey: .repositories) ?? [:]
        // Absent from ledgers written before the App's credentials went to every kind of target.
        targets = try container.decodeIfPresent([String: AppKeyHolding].self, forKey: .targets) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keys, forKey: .keys)
        try container.encode(repositories, forKey: .repositories)
        if !targets.isEmpty { try container.encode(targets, forKey: .targets) }
    }

    /// True when no App key was ever rolled out (the ledger file then leaves the section out).
    public var isEmpty: Bool { keys.isEmpty && repositories.isEmpty && targets.isEmpty }

    /// The key the whole fleet holds, if any.
    public var currentKey: AppKeyRecord? { keys.last { $0.state == .current } }

    /// The record of `fingerprint`, if it was ever rolled out.
    public func key(_ fingerprint: AppKeyFingerprint) -> AppKeyRecord? { keys.first { $0.fingerprint == fingerprint } }

    /// Notes a key about to be rolled out: added (pending) when new, its App id refreshed otherwise.
    public mutating func noteKey(_ fingerprint: AppKeyFingerprint, appID: Int, at now: Date) {
        if let index = keys.firstIndex(where: { $0.fingerprint == fingerprint }) {
            keys[index].appID = appID
        } else {
            keys.append(AppKeyRecord(fingerprint: fingerprint, appID: appID, firstRolledOut: now, state: .pending))
        }
    }

    /// Marks `fingerprint` current from `now` (when it was not already) and any other current key retired at `now`.
    public mutating func makeCurrent(_ fingerprint: AppKeyFingerprint, at now: Date) {
        for index in keys.indices {
            if keys[index].fingerprint == fingerprint {
                if keys[index].state != .current { keys[index].currentSince = now }
                keys[index].state = .current
                keys[index].retiredAt = nil
            } else if keys[index].state == .current {
                keys[index].state = .retired
                keys[index].retiredAt = now
            }
        }
    }

    /// True when, per the ledger, `repository` holds the key `fingerprint` for App `appID` under these names.
    public func holds(_ repository: RepositoryName, _ fingerprint: AppKeyFingerprint, appID: Int, names: AppCredentialNames) -> Bool {
        holds(.repository(repository), fingerprint, appID: appID, names: names)
    }

    /// What the last verified `app rollout` put in `target`, if anything.
    public func holding(_ target: SecretTarget) -> AppKeyHolding? {
        if target.kind == .repository, let repository = target.repository { return repositories[repository.fullName] }
        return targets[target.id]
    }

    /// True when, per the ledger, `target` holds the key `fingerprint` for App `appID` under these names (a target
    /// without variables holds the secret only).
    public func holds(_ target: SecretTarget, _ fingerprint: AppKeyFingerprint, appID: Int, names: AppCredentialNames) -> Bool {
        guard let held = holding(target) else { return false }
        return held.fingerprint == fingerprint && held.appID == appID && held.variable == names.variable && held.secret == names.secret
    }
}

/// One App private key the fleet was given.
public struct AppKeyRecord: Sendable, Equatable, Codable {
    /// GitHub's fingerprint, `SHA256:…`: the string beside the key in the App's settings.
    public var fingerprint: AppKeyFingerprint
    public var appID: Int
    /// When `patrol app rollout` first put it in a repository: the start of its age (GitHub has no API for a key's
    /// creation date).
    public var firstRolledOut: Date
    /// When every repository of the fleet held it.
    public var currentSince: Date?
    public var retiredAt: Date?
    public var state: TokenRecord.State

    package init(fingerprint: AppKeyFingerprint, appID: Int, firstRolledOut: Date, currentSince: Date? = nil, retiredAt: Date? = nil,
                 state: TokenRecord.State) {
        self.fingerprint = fingerprint
        self.appID = appID
        self.firstRolledOut = firstRolledOut
        self.currentSince = currentSince
        self.retiredAt = retiredAt
        self.state = state
    }

    /// Whole days since the key was first rolled out, at `now`.
    public func ageDays(at now: Date) -> Int { max(0, Int(now.timeIntervalSince(firstRolledOut) / 86_400)) }
}

/// What one repository holds of the App's credentials, as the last verified `app rollout` left it.
public struct AppKeyHolding: Sendable, Equatable, Codable {
    public var fingerprint: AppKeyFingerprint
    public var appID: Int
    /// The Actions variable holding the App id (named also where the target has no variables), and the secret holding the key.
    public var variable: String
    public var secret: String
    public var uploadedAt: Date
    /// The secret's `updated_at` read right after the upload.
    public var secretUpdatedAt: Date

    package init(fingerprint: AppKeyFingerprint, appID: Int, variable: String, secret: String, uploadedAt: Date, secretUpdatedAt: Date) {
        self.fingerprint = fingerprint
        self.appID = appID
        self.variable = variable
        self.secret = secret
        self.uploadedAt = uploadedAt
        self.secretUpdatedAt = secretUpdatedAt
    }
}

extension LedgerStore {
    /// Records that `repository` verifiably holds the App key `holding` describes: one journal line, on disk before this returns.
    public func recordAppKey(_ repository: RepositoryName, _ holding: AppKeyHolding) async throws {
        try await recordAppKey(.repository(repository), holding)
    }

    /// Records that `target` verifiably holds the App key `holding` describes, and the repository ids learnt for an
    /// organization's selection: one journal line, on disk before this returns. A repository's line names the repository
    /// (as before targets), any other target's its id.
    public func recordAppKey(_ target: SecretTarget, _ holding: AppKeyHolding, repositoryIDs: [String: Int]? = nil) async throws {
        var entry = target.kind == .repository && target.repository != nil
            ? LedgerJournal.Entry(repository: target.repository!.fullName, appKey: holding)
            : LedgerJournal.Entry(target: target.id, appKey: holding)
        entry.repositoryIDs = repositoryIDs
        try await append(entry)
    }
}

extension Ledger {
    /// Replays one journal entry of `app rollout`: a repository's (`repository`) or another target's (`target`).
    package mutating func applyAppKey(_ entry: LedgerJournal.Entry) {
        guard let holding = entry.appKey else { return }
        if let repository = entry.repository {
            app.repositories[repository] = holding
        } else if let target = entry.target {
            app.targets[target] = holding
        }
    }
}
