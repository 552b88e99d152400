import FoundationEssentials

/// GitHub Apps in the simulator: Apps with RSA public keys (JWTs verified by the simulator's own code),
/// installations, installation tokens with a lifetime and enforced permissions, and Actions variables.
extension GitHubSimulator {
    /// Registers App `id` whose JWTs verify with `publicKeyPEM` (`BEGIN PUBLIC KEY`). `permissions` maps GitHub's
    /// permission names (`secrets`, `actions_variables`, `contents`, …) to `read` or `write`.
    public func addApp(id: Int, slug: String, publicKeyPEM: String, permissions: [String: String] = GitHubSimulator.defaultAppPermissions) {
        state.withLock { $0.apps.apps[id] = AppRecord(id: id, slug: slug, publicKeys: [publicKeyPEM], permissions: permissions) }
    }

    /// Adds another key to App `id` (GitHub lets an App hold several while a new one is rolled out).
    public func addAppKey(_ publicKeyPEM: String, to id: Int) {
        state.withLock { $0.apps.apps[id]?.publicKeys.append(publicKeyPEM) }
    }

    /// Deletes App `id`'s keys except `publicKeyPEM`, as deleting the others in the App's settings does.
    public func keepOnlyAppKey(_ publicKeyPEM: String, of id: Int) {
        state.withLock { $0.apps.apps[id]?.publicKeys.removeAll { $0 != publicKeyPEM } }
    }

    /// Installs App `appID` on `account`, on `repositories` (full names) or, when nil, on all of its repositories,
    /// with the App's permissions unless `permissions` is given. Returns the installation id.
    @discardableResult
    public func installApp(_ appID: Int, on account: String, organization: Bool = true, repositories: [String]? = nil,
                           permissions: [String: String]? = nil) -> Int {
        state.withLock { state in
            let id = state.apps.nextInstallationID
            state.apps.nextInstallationID += 1
            state.apps.installations[id] = InstallationRecord(
                id: id, appID: appID, account: account, targetType: organization ? "Organization" : "User",
                repositories: repositories.map { Set($0.map { $0.lowercased() }) },
                permissions: permissions ?? state.apps.apps[appID]?.permissions ?? [:])
            return id
        }
    }

    /// Removes a repository from a selected-repositories installation (or makes an all-repositories one selected without it).
    public func uninstallApp(_ installationID: Int, from repository: String) {
        state.withLock { state in
            guard let installation = state.apps.installations[installationID] else { return }
            let all = Set(state.repositories.keys.filter { installation.covers($0) })
            state.apps.installations[installationID]?.repositories = (installation.repositories ?? all).subtracting([repository.lowercased()])
        }
    }

    /// How long installation tokens minted from now on live (GitHub: 3,600 seconds).
    public func setInstallationTokenLifetime(_ seconds: TimeInterval) {
        state.withLock { $0.apps.tokenLifetime = seconds }
    }

    /// How many installation tokens were minted.
    public var installationTokensMinted: Int {
        state.withLock { $0.apps.tokensMinted }
    }

    /// Every JWT the simulator refused, with GitHub's message, oldest first.
    public var refusedJWTs: [String] {
        state.withLock { $0.apps.refusals }
    }

    /// A repository's Actions variable's value, or nil. Names are case-insensitive.
    public func variable(_ name: String, in repository: String) -> String? {
        variable(name, in: .repository(repository))
    }

    /// The Actions variable's value in a repository, an environment or an organization, or nil (also for Dependabot and
    /// Codespaces, which have no variables). Names are case-insensitive.
    public func variable(_ name: String, in target: SimulatedTarget) -> String? {
        guard let place = Self.variablePlace(target) else { return nil }
        return state.withLock { $0.apps.variables[place]?[name.uppercased()]?.value }
    }

    /// An organization variable's visibility and selected repositories, or nil when there is no such variable.
    public func organizationVariableAccess(_ name: String, in organization: String) -> SimulatedSecretAccess? {
        state.withLock { state in
            guard let variable = state.apps.variables[VariableKind.organizationPlace(organization)]?[name.uppercased()] else { return nil }
            let reach = variable.reach ?? OrganizationSecretReach(visibility: .private)
            return SimulatedSecretAccess(visibility: reach.visibility, selectedRepositoryIDs: reach.selectedRepositoryIDs)
        }
    }

    /// Sets a variable the way the settings page or another tool would (not through patrol): created or changed, its
    /// `updated_at` now; an organization's with `visibility` and, for `selected`, the repositories (full names) it is
    /// shared with. False when the place has no variables.
    @discardableResult
    public func setVariableOutsidePatrol(_ name: String, in target: SimulatedTarget, value: String,
                                         visibility: SimulatedVisibility = .private, repositories: [String] = []) -> Bool {
        guard let place = Self.variablePlace(target) else { return false }
        return state.withLock { state in
            let now = state.now
            var reach: OrganizationSecretReach?
            if case .organization = target {
                let ids = repositories.compactMap { state.repositories[$0.lowercased()]?.id }.sorted()
                reach = OrganizationSecretReach(visibility: visibility, selectedRepositoryIDs: visibility == .selected ? ids : [])
            }
            let created = state.apps.variables[place]?[name.uppercased()]?.createdAt ?? now
            state.apps.variables[place, default: [:]][name.uppercased()] = VariableRecord(
                name: name.uppercased(), value: value, createdAt: created, updatedAt: now, reach: reach)
            return true
        }
    }

    /// The key of `target`'s variables in `AppsState.variables`; nil for Dependabot and Codespaces.
    static func variablePlace(_ target: SimulatedTarget) -> String? {
        switch target {
        case .repository(let name): name.lowercased()
        case .environment(let repository, let environment): VariableKind.environmentPlace(repository, environment)
        case .organization(let login): VariableKind.organizationPlace(login)
        case .dependabot, .codespaces: nil
        }
    }

    /// What a GitHub App made for patrol asks for (docs/github-app.md).
    public static let defaultAppPermissions: [String: String] = [
        "secrets": "write", "actions_variables": "write", "actions": "read", "contents": "write",
        "issues": "write", "metadata": "read",
    ]
}

extension SimulatorState {
    /// The App a JWT authenticates, or GitHub's 401 for it (recorded in `refusedJWTs`).
    mutating func authenticateApp(jwt: String, now: Date) -> (app: Int?, refusal: GitHubResponse?) {
        switch JWTVerifier.verify(jwt, apps: apps.apps, now: now) {
        case .app(let id):
            return (id, nil)
        case .refused(let message):
            apps.refusals.append(message)
            return (nil, GitHubResponse.error(401, message))
        }
    }
}

extension TokenRecord {
    /// GitHub's 403 message when the token lacks a permission: an installation token is an "integration".
    var notAccessibleMessage: String {
        installationID == nil ? "Resource not accessible by personal access token" : "Resource not accessible by integration"
    }
}
