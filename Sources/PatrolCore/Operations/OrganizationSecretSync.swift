import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// What an organization secret is shared with: the fleet's repositories, the config's visibility for a new secret,
/// and whether selected repositories outside the fleet are removed (`--prune-selection`).
public struct OrganizationSelection: Sendable, Equatable {
    /// Every repository of the fleet (not narrowed by `--repos`: the organization's secret is one for the fleet).
    public var fleet: [RepositoryName]
    /// The visibility a new secret is created with; an existing secret keeps its own.
    public var visibility: SecretVisibility
    /// Remove selected repositories that are not in the fleet.
    public var prune = false

    public init(fleet: [RepositoryName], visibility: SecretVisibility, prune: Bool = false) {
        self.fleet = fleet
        self.visibility = visibility
        self.prune = prune
    }
}

/// Writes an organization secret without clobbering it (spec §9): GitHub requires `visibility` on every PUT and
/// empties a `selected` secret's selection when `selected_repository_ids` is left out, so a value update reads the
/// secret's visibility and, when `selected`, its current repositories, and sends both back unchanged. The selection
/// is then reconciled one repository at a time (`PUT`/`DELETE …/repositories/{id}`): the fleet's missing
/// repositories added, those outside the fleet left alone unless `prune`. `app rollout` keeps the App id's organization
/// variable the same way (`shared`: `.variable`).
struct OrganizationSecretSync: Sendable {
    let client: GitHubClient
    /// The secret's name (or the variable's).
    let secret: String
    let target: SecretTarget
    let settings: OrganizationSelection
    /// The ledger as the run began: its cached repository ids.
    let ledger: Ledger
    /// Reads at once: list pages, and repository-id lookups.
    var concurrency = Rollout.readConcurrency
    /// A secret (the default) or a variable of the organization.
    var shared = OrganizationShared.secret

    private var organization: String { target.organization! }

    /// The secret as GitHub has it before the write.
    struct Before: Sendable {
        /// Nil when the organization has no such secret.
        let metadata: SecretMetadata?
        /// Its selection, read when it is `selected`.
        let selected: [SelectedRepository]?
        /// A variable's value (GitHub returns it); nil for a secret, or a variable not set.
        var value: String? = nil
    }

    /// What the PUT sends and what was learnt on the way.
    struct Write: Sendable {
        let access: OrganizationSecretAccess
        /// The fleet's repository ids, `owner/name` (lower case) → id.
        let fleetIDs: [String: Int]
        /// Ids fetched now (not in the ledger yet).
        let learntIDs: [String: Int]
        /// The selection before the write (empty for a new secret, which is created with the fleet's).
        let selectedBefore: [SelectedRepository]
        let created: Bool
    }

    /// Reads the secret's visibility and, when `selected`, its repositories.
    func current() async throws -> Before {
        let metadata: SecretMetadata?
        var value: String?
        switch shared {
        case .secret:
            metadata = try await client.secret(secret, in: target)
        case .variable:
            let found = try await client.variable(secret, in: target)
            value = found?.value
            metadata = found.map { SecretMetadata(name: secret, createdAt: $0.updatedAt ?? .distantPast, updatedAt: $0.updatedAt ?? .distantPast,
                                                  visibility: $0.visibility ?? .private) }
        }
        guard let metadata, metadata.visibility == .selected else { return Before(metadata: metadata, selected: nil, value: value) }
        return Before(metadata: metadata, selected: try await selection(), value: value)
    }

    /// The repositories the secret (or variable) is shared with: the first page of its selection, then the others at once.
    func selection() async throws -> [SelectedRepository] {
        try await client.selectedRepositories(of: secret, in: organization, shared, atOnce: concurrency)
    }

    /// The access of the PUT: an existing secret's visibility and selection unchanged; a new secret the config's
    /// visibility and, when `selected`, the fleet's repositories.
    func access(keeping before: Before?) async throws -> Write {
        let (fleetIDs, learnt) = try await repositoryIDs()
        if let metadata = before?.metadata {
            let visibility = metadata.visibility ?? .private
            let selected = before?.selected ?? []
            return Write(access: OrganizationSecretAccess(visibility: visibility,
                                                          selectedRepositoryIDs: visibility == .selected ? selected.map(\.id) : nil),
                         fleetIDs: fleetIDs, learntIDs: learnt, selectedBefore: selected, created: false)
        }
        let ids = settings.fleet.compactMap { fleetIDs[$0.key] }
        return Write(access: OrganizationSecretAccess(visibility: settings.visibility,
                                                      selectedRepositoryIDs: settings.visibility == .selected ? ids : nil),
                     fleetIDs: fleetIDs, learntIDs: learnt,
                     selectedBefore: settings.visibility == .selected ? ids.map { SelectedRepository(id: $0, fullName: nil) } : [],
                     created: true)
    }

    /// After the value's PUT: adds each fleet repository missing from a `selected` secret's selection, removes those
    /// outside the fleet when pruning, one request per repository that changes. Returns the selection after it.
    func reconcile(after write: Write) async throws -> (selectedIDs: [Int]?, change: SelectionChange) {
        guard write.access.visibility == .selected else { return (nil, SelectionChange()) }
        let change = plan(selected: write.selectedBefore, fleetIDs: write.fleetIDs)
        var ids = write.selectedBefore.map(\.id)
        let byName = Dictionary(settings.fleet.map { ($0.fullName, $0.key) }, uniquingKeysWith: { first, _ in first })
        for name in change.added {
            guard let id = byName[name].flatMap({ write.fleetIDs[$0] }) else { continue }
            try await client.selectRepository(id, for: secret, in: organization, shared)
            ids.append(id)
        }
        let fleet = Set(write.fleetIDs.values)
        for repository in write.selectedBefore where settings.prune && !fleet.contains(repository.id) {
            try await client.deselectRepository(repository.id, for: secret, in: organization, shared)
            ids.removeAll { $0 == repository.id }
        }
        return (ids.sorted(), change)
    }

    /// What a rollout would change in the selection (`rollout --dry-run`): a new `selected` secret selects the fleet.
    func plannedChange(from before: Before) async throws -> SelectionChange {
        let visibility = before.metadata?.visibility ?? (before.metadata == nil ? settings.visibility : .private)
        guard visibility == .selected else { return SelectionChange() }
        let (fleetIDs, _) = try await repositoryIDs()
        return plan(selected: before.selected ?? [], fleetIDs: fleetIDs)
    }

    /// The fleet's repositories missing from `selected` (added) and the selected ones outside the fleet (removed
    /// when pruning, else `extra`).
    private func plan(selected: [SelectedRepository], fleetIDs: [String: Int]) -> SelectionChange {
        let chosen = Set(selected.map(\.id))
        let fleet = Set(fleetIDs.values)
        let outside = selected.filter { !fleet.contains($0.id) }.map { $0.fullName ?? "repository id \($0.id)" }
        return SelectionChange(added: settings.fleet.filter { fleetIDs[$0.key].map { !chosen.contains($0) } ?? false }.map(\.fullName),
                               removed: settings.prune ? outside : [], extra: settings.prune ? [] : outside)
    }

    /// The fleet's repository ids: the ledger's; for the others, the organization's repository list when that costs
    /// fewer requests (``listedIDs(of:)``), and `GET /repos/{o}/{r}` for any it does not name — a repository renamed
    /// or transferred since the config was written, or one the list did not show (`concurrency` at once).
    func repositoryIDs() async throws -> (all: [String: Int], learnt: [String: Int]) {
        var all: [String: Int] = [:]
        var missing: [RepositoryName] = []
        for repository in settings.fleet {
            if let id = ledger.repositoryIDs[repository.key] { all[repository.key] = id } else { missing.append(repository) }
        }
        var learnt = try await listedIDs(of: Set(missing.filter { $0.owner.lowercased() == organization.lowercased() }.map(\.key)))
        let unlisted = missing.filter { learnt[$0.key] == nil }
        for (key, id) in try await concurrentMap(unlisted, atOnce: concurrency, { [client] repository in
            (repository.key, try await client.repositoryID(of: repository))
        }) { learnt[key] = id }
        all.merge(learnt) { _, new in new }
        return (all, learnt)
    }

    /// The ids of `wanted` (lower-case `owner/name` of the organization) that the organization's repository list names:
    /// its first page (100 repositories), then — only when the pages left are fewer than the repositories still
    /// wanted — the others at once. A small fleet in a large organization so costs at most one request more than
    /// looking each repository up; a thousand repositories cost ten. A list the token may not read (403, 404) names none.
    private func listedIDs(of wanted: Set<String>) async throws -> [String: Int] {
        guard wanted.count > 1 else { return [:] }
        let first: FirstPage<ListedRepository>
        do {
            first = try await client.organizationRepositories(firstPageOf: organization)
        } catch let error as GitHubError where error.status == 403 || error.status == 404 {
            return [:]
        }
        var found: [String: Int] = [:]
        let take = { (repositories: [ListedRepository]) in
            for repository in repositories where wanted.contains(repository.key) { found[repository.key] = repository.id }
        }
        take(first.items)
        guard found.count < wanted.count, let last = first.lastPage, last - 1 < wanted.count - found.count else { return found }
        take(try await client.organizationRepositories(after: first, atOnce: concurrency))
        return found
    }
}
