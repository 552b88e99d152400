import FoundationEssentials

/// Every place a secret lives — repository Actions, environment, Dependabot, Codespaces and organization Actions
/// secrets, each with its own key pair — with the organizations, environments and account types around them,
/// and the rule that decides which copy a workflow run reads.
extension GitHubSimulator {
    // MARK: Organizations

    /// Makes `login` an organization (repositories `login/…` become its repositories, `GET /orgs/{login}` answers
    /// 200, and owners are `type: Organization`) with its own Actions secrets key pair. `owners` administer its
    /// secrets; `members` belong but may not.
    public func addOrganization(_ login: String, owners: [String] = ["garrick0"], members: [String] = []) {
        withState { state in
            let key = login.lowercased()
            guard state.organizations[key] == nil else { return }
            var record = OrganizationRecord(login: login, id: state.userID(for: login), secrets: state.makeStore())
            for member in members { record.roles[member.lowercased()] = .member }
            for owner in owners { record.roles[owner.lowercased()] = .owner }
            state.organizations[key] = record
        }
    }

    /// Sets `login`'s role in the organization; nil removes the account from it.
    public func setOrganizationRole(_ role: SimulatedOrganizationRole?, of login: String, in organization: String) {
        withState { $0.organizations[organization.lowercased()]?.roles[login.lowercased()] = role }
    }

    /// Sets a fine-grained token's organization permission `organization_secrets` in one organization (by default
    /// write where the token's account is an owner, none elsewhere).
    public func setOrganizationSecretsPermission(_ permission: Permission, in organization: String, for token: String) {
        withState { $0.tokens[token]?.organizationSecretsPermissions[organization.lowercased()] = permission }
    }

    /// Whether `login` is an organization here (otherwise an owner is a user account).
    public func isOrganization(_ login: String) -> Bool {
        withState { $0.organizations[login.lowercased()] != nil }
    }

    // MARK: Environments

    /// Creates the environment `name` (case kept; names are case-insensitive) in a repository, with its own key
    /// pair. False when there is no such repository.
    @discardableResult
    public func addEnvironment(_ name: String, to repository: String) -> Bool {
        withState { state in state.addEnvironment(name, to: repository.lowercased(), now: state.now) != nil }
    }

    /// Deletes an environment and its secrets.
    public func removeEnvironment(_ name: String, from repository: String) {
        withState { _ = $0.repositories[repository.lowercased()]?.environments.removeValue(forKey: name.lowercased()) }
    }

    /// The names of a repository's environments, sorted.
    public func environments(in repository: String) -> [String] {
        withState { ($0.repositories[repository.lowercased()]?.environments.values.map(\.name) ?? []).sorted() }
    }

    // MARK: Secrets in any place

    /// The secret `name` in `target` as stored (value decrypted), or nil. Names are case-insensitive.
    public func secret(_ name: String, in target: SimulatedTarget) -> StoredSecret? {
        withState { $0.store(target)?.secrets[name.uppercased()] }
    }

    /// Every secret in `target`, sorted by name; empty when the place does not exist.
    public func secrets(in target: SimulatedTarget) -> [StoredSecret] {
        withState { ($0.store(target)?.secrets.values).map { $0.sorted { $0.name < $1.name } } ?? [] }
    }

    /// The public key `target` answers now, or nil when the place does not exist.
    public func publicKey(of target: SimulatedTarget) -> SimulatedPublicKey? {
        withState { $0.store(target).map(SimulatedPublicKey.init) }
    }

    /// Gives `target` a new key pair and `key_id`; uploads sealed for the old key are refused (422).
    @discardableResult
    public func rotatePublicKey(of target: SimulatedTarget) -> SimulatedPublicKey? {
        withState { state in
            let keyID = state.makeKeyID()
            return state.withStore(target) { store in
                store.rotateKey(keyID: keyID)
                return SimulatedPublicKey(store)
            }
        }
    }

    /// Answers `target`'s next public-key fetch, then rotates its key: the upload that follows is stale.
    public func rotatePublicKeyAfterNextFetch(of target: SimulatedTarget) {
        withState { _ = $0.withStore(target) { $0.rotateAfterNextKeyFetch = true } }
    }

    /// Answers each of `target`'s next `count` public-key fetches, then rotates its key.
    public func rotatePublicKeyAfterFetches(of target: SimulatedTarget, count: Int) {
        withState { _ = $0.withStore(target) { $0.rotationsAfterKeyFetches = max(0, count) } }
    }

    /// Answers `target`'s next secret upload with 201/204 but keeps nothing: a lost write.
    public func loseNextWrite(to target: SimulatedTarget) {
        withState { _ = $0.withStore(target) { $0.loseNextWrite = true } }
    }

    /// Writes `value` to `target` the way another tool would (not through patrol): stored as given, `updated_at`
    /// moves to now. A new organization secret gets `private` visibility (`setOrganizationSecretAccess` changes
    /// it). False when the place does not exist.
    @discardableResult
    public func writeSecretOutsidePatrol(_ name: String, in target: SimulatedTarget, value: String) -> Bool {
        withState { state in
            let now = state.now, stored = name.uppercased()
            guard state.withStore(target, { store in
                _ = store.write(stored, plaintext: Array(value.utf8), keyID: store.keyID, now: now, lagReads: 0)
            }) != nil else { return false }
            if case .organization(let login) = target, state.organizations[login.lowercased()]?.access[stored] == nil {
                state.organizations[login.lowercased()]?.access[stored] = OrganizationSecretReach(visibility: .private)
            }
            return true
        }
    }

    /// Deletes the secret `name` from `target`, as `gh secret delete` does.
    public func deleteSecret(_ name: String, in target: SimulatedTarget) {
        withState { state in
            _ = state.withStore(target) { $0.secrets.removeValue(forKey: name.uppercased()) }
            if case .organization(let login) = target { state.organizations[login.lowercased()]?.access[name.uppercased()] = nil }
        }
    }

    // MARK: Organization secrets' reach

    /// An organization secret's visibility and selected repositories, or nil when there is no such secret.
    public func organizationSecretAccess(_ name: String, in organization: String) -> SimulatedSecretAccess? {
        withState { state in
            guard let record = state.organizations[organization.lowercased()], record.secrets.secrets[name.uppercased()] != nil
            else { return nil }
            let access = record.access[name.uppercased()] ?? OrganizationSecretReach(visibility: .private)
            return SimulatedSecretAccess(visibility: access.visibility, selectedRepositoryIDs: access.selectedRepositoryIDs)
        }
    }

    /// Sets an organization secret's visibility and, for `selected`, the repositories (full names) it is shared
    /// with, as the organization's settings page would; the secret's `updated_at` does not move.
    public func setOrganizationSecretAccess(_ name: String, in organization: String, visibility: SimulatedVisibility,
                                            repositories: [String] = []) {
        withState { state in
            let ids = repositories.compactMap { state.repositories[$0.lowercased()]?.id }.sorted()
            state.organizations[organization.lowercased()]?.access[name.uppercased()] =
                OrganizationSecretReach(visibility: visibility, selectedRepositoryIDs: visibility == .selected ? ids : [])
        }
    }

    /// The full names of the repositories an organization secret reaches by its visibility and selection, sorted.
    public func repositoriesReached(by name: String, in organization: String) -> [String] {
        withState { state in
            state.repositories.values.filter { $0.owner.lowercased() == organization.lowercased() && state.organizationSecret(name.uppercased(), reaches: $0) }
                .map(\.fullName).sorted()
        }
    }

    /// The repository with integer id `id`, or nil.
    public func repository(id: Int) -> SimulatedRepository? {
        withState { $0.repositories.values.first { $0.id == id }.map(SimulatedRepository.init) }
    }

    // MARK: Which copy a run reads

    /// The value a workflow run in `repository` reads as `secrets.NAME`, and the place it comes from; nil when
    /// the run gets an empty string. GitHub's rule: an environment secret (when the job runs in `environment`)
    /// over a repository secret over an organization secret that reaches the repository by its visibility and
    /// selection. A run triggered by Dependabot reads Dependabot secrets only.
    public func secretSeenByWorkflow(_ name: String, in repository: String, environment: String? = nil,
                                     triggeredByDependabot: Bool = false) -> SimulatedWorkflowSecret? {
        withState { state in
            let stored = name.uppercased()
            guard let record = state.repositories[repository.lowercased()] else { return nil }
            if triggeredByDependabot {
                return record.dependabotSecrets.secrets[stored].map { SimulatedWorkflowSecret(source: .dependabot(record.fullName), secret: $0) }
            }
            if let environment, let place = record.environments[environment.lowercased()], let secret = place.secrets.secrets[stored] {
                return SimulatedWorkflowSecret(source: .environment(repository: record.fullName, name: place.name), secret: secret)
            }
            if let secret = record.actionsSecrets.secrets[stored] {
                return SimulatedWorkflowSecret(source: .repository(record.fullName), secret: secret)
            }
            if state.organizationSecret(stored, reaches: record), let organization = state.organization(owning: record),
               let secret = organization.secrets.secrets[stored] {
                return SimulatedWorkflowSecret(source: .organization(organization.login), secret: secret)
            }
            return nil
        }
    }

    // MARK: Log

    /// The requests that could change something (every method but GET and HEAD), oldest first: empty after a
    /// run that wrote nothing.
    public var writeRequests: [LoggedRequest] {
        requests.filter { $0.method != "GET" && $0.method != "HEAD" }
    }
}

/// A place's public key as the simulator holds it.
public struct SimulatedPublicKey: Sendable, Equatable {
    /// The current `key_id`.
    public let keyID: String
    /// The current public key, standard base64.
    public let key: String

    init(_ store: SecretStore) {
        keyID = store.keyID
        key = SimulatorCrypto.encodeBase64(store.keyPair.publicKey)
    }
}

/// An organization secret's reach as the simulator holds it.
public struct SimulatedSecretAccess: Sendable, Equatable {
    public let visibility: SimulatedVisibility
    /// Sorted; empty unless `visibility` is `selected` (and then empty means it reaches nothing).
    public let selectedRepositoryIDs: [Int]
}

/// What a workflow run reads for a secret, and which copy it comes from.
public struct SimulatedWorkflowSecret: Sendable, Equatable {
    public let source: SimulatedTarget
    /// The decrypted bytes.
    public let plaintextBytes: [UInt8]
    /// The value (lossy UTF-8 decoding of `plaintextBytes`).
    public var plaintext: String { String(decoding: plaintextBytes, as: UTF8.self) }

    init(source: SimulatedTarget, secret: StoredSecret) {
        self.source = source
        plaintextBytes = secret.plaintextBytes
    }
}
