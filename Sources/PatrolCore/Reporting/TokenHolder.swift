import FoundationEssentials
import PatrolSecrets
import PatrolGitHub

/// One place that holds the token per the ledger — a repository's Actions secret, an environment's, a Dependabot or
/// Codespaces copy, an organization secret — and the repositories whose runs read it there. `expiry` names every
/// one, since all of them stop working together when the token ends (spec §3.5, §9).
public struct TokenHolder: Sendable, Equatable {
    public let target: SecretTarget
    /// An organization secret's visibility and the repositories it reaches: from the ledger (what patrol last wrote),
    /// or from GitHub with `expiry --live`. nil for the other kinds, and when patrol never recorded the visibility.
    public let reach: OrganizationReach?

    public init(target: SecretTarget, reach: OrganizationReach? = nil) {
        self.target = target
        self.reach = reach
    }

    /// The repositories whose runs read this copy (`owner/name`): the one it lives in; for an organization secret
    /// the fleet's repositories it reaches, then the selected ones outside the fleet.
    public var repositories: [String] {
        if let repository = target.repository { return [repository.fullName] }
        return (reach?.reaches ?? []) + (reach?.extra ?? [])
    }

    /// Every target the ledger says holds `fingerprint`: the config's targets in their order, then any others (a
    /// repository or kind since dropped from the config) by id. An organization secret's reach comes from the
    /// ledger: its recorded visibility and selection, named through the cached repository ids.
    package static func all(holding fingerprint: Fingerprint, in ledger: Ledger, config: FleetConfig) -> [TokenHolder] {
        var held: [String: SecretTarget] = [:]
        for (id, record) in ledger.targets where record.fingerprint == fingerprint {
            guard let target = try? SecretTarget(id: id) else { continue }
            held[target.key] = target
        }
        let configured = config.secretTargets().filter { held[$0.key] != nil }
        let known = Set(configured.map(\.key))
        let others = held.values.filter { !known.contains($0.key) }.sorted { $0.id < $1.id }
        return (configured + others).map { target in
            guard target.kind == .organization else { return TokenHolder(target: target) }
            return TokenHolder(target: target, reach: recordedReach(of: target, in: ledger, fleet: config.repositories))
        }
    }

    /// What the ledger recorded of an organization secret's reach: its visibility and, when `selected`, the
    /// selection patrol left (ids named through ``Ledger/repositoryIDs``); nil without a recorded visibility.
    package static func recordedReach(of target: SecretTarget, in ledger: Ledger, fleet: [RepositoryName]) -> OrganizationReach? {
        guard let record = ledger.record(target), let visibility = record.visibility else { return nil }
        let names = Dictionary(ledger.repositoryIDs.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let selected = (record.selectedRepositoryIDs ?? []).map { SelectedRepository(id: $0, fullName: names[$0]) }
        return OrganizationReach.of(visibility: visibility, selected: selected, ids: ledger.repositoryIDs, fleet: fleet)
    }

    /// Every repository that reads the token through any of `holders`: the fleet's in config order, then the others
    /// by name, each once.
    package static func repositories(of holders: [TokenHolder], fleet: [RepositoryName]) -> [String] {
        var keys: Set<String> = []
        var all: [String] = []
        for name in holders.flatMap(\.repositories) where keys.insert(name.lowercased()).inserted { all.append(name) }
        let inFleet = fleet.map(\.fullName).filter { keys.contains($0.lowercased()) }
        let fleetKeys = Set(fleet.map(\.key))
        return inFleet + all.filter { !fleetKeys.contains($0.lowercased()) }.sorted()
    }

    /// The holder in a line of the report: its id (or, `ids` false, the repository's `owner/name`), and for an
    /// organization secret which repositories it reaches.
    public func label(ids: Bool) -> String {
        let name = RolloutReport.label(target, ids: ids)
        guard target.kind == .organization else { return name }
        guard let reach else { return name + " (visibility not recorded: every repository that can read it)" }
        switch reach.visibility {
        case .selected:
            let all = reach.reaches + reach.extra
            guard !all.isEmpty else { return name + " (selected, shared with no repository)" }
            return name + " (selected, read by \(all.count == 1 ? "1 repository" : "\(all.count) repositories"): " + all.joined(separator: ", ") + ")"
        case .private: return name + " (private: every private and internal repository of \(target.organization ?? "the organization"))"
        case .all: return name + " (all: every repository of \(target.organization ?? "the organization"))"
        }
    }
}
