import FoundationEssentials

/// Files, branches, workflows, runs, dispatches, fine-grained permissions and SAML SSO: what `patrol
/// doctor` reads, planted and inspected by tests and the demo.
extension GitHubSimulator {
    // MARK: Files and branches

    /// Writes a file on `ref` (the default branch when nil).
    public func setFile(_ path: String, content: String, in repository: String, ref: String? = nil) {
        withActions(repository) { record in
            record.files[ref ?? record.defaultBranch, default: [:]][path] = content
        }
    }

    /// Deletes a file from `ref` (the default branch when nil).
    public func removeFile(_ path: String, in repository: String, ref: String? = nil) {
        withActions(repository) { record in
            _ = record.files[ref ?? record.defaultBranch]?.removeValue(forKey: path)
        }
    }

    /// A file's text on `ref` (the default branch when nil), or nil.
    public func file(_ path: String, in repository: String, ref: String? = nil) -> String? {
        withActions(repository) { record in record.files[ref ?? record.defaultBranch]?[path] }
    }

    /// Makes `branch` the repository's default branch (`main` until changed).
    public func setDefaultBranch(_ branch: String, of repository: String) {
        withActions(repository) { $0.defaultBranch = branch }
    }

    // MARK: Workflows and runs

    /// Sets the state `GET …/actions/workflows/{file}` reports, e.g. `.disabledManually`; a disabled
    /// workflow starts no run.
    public func setWorkflowState(_ state: WorkflowState, of path: String, in repository: String) {
        withActions(repository) { $0.workflowStates[path] = state }
    }

    /// What the runs started by later dispatches conclude with (`success` until changed), e.g. `failure`.
    public func setRunConclusion(_ conclusion: String, in repository: String) {
        withActions(repository) { $0.runConclusion = conclusion }
    }

    /// Settings → Actions → "Disable actions": dispatches are still accepted (204) but start no run.
    public func setActionsEnabled(_ enabled: Bool, in repository: String) {
        withActions(repository) { $0.actionsEnabled = enabled }
    }

    /// Adds a finished run to a workflow's history, as if it had happened `ago` seconds before now.
    @discardableResult
    public func addRun(of path: String, in repository: String, event: String = "repository_dispatch",
                       conclusion: String = "success", displayTitle: String? = nil, ago: TimeInterval = 3600) -> SimulatedRun {
        let fullName = self.repository(repository)?.fullName ?? repository
        return withState { state in
            let key = repository.lowercased()
            let id = state.makeActionsID()
            var record = state.actions[key] ?? ActionsRecord()
            let name = record.defaultFiles[path].flatMap(HandlerTriggers.name) ?? path
            let run = SimulatedRun(
                id: id, path: path, name: name, event: event, status: "completed", conclusion: conclusion,
                displayTitle: displayTitle ?? name, createdAt: state.now.addingTimeInterval(-ago),
                headBranch: record.defaultBranch, htmlURL: "https://github.com/\(fullName)/actions/runs/\(id)")
            record.runs.append(run)
            record.runs.sort { $0.createdAt < $1.createdAt }
            state.actions[key] = record
            return run
        }
    }

    /// Every run of the repository's workflows, oldest first.
    public func runs(in repository: String) -> [SimulatedRun] {
        withActions(repository) { $0.runs }
    }

    /// Every dispatch the repository received, oldest first, with the runs each started.
    public func dispatches(to repository: String) -> [SimulatedDispatch] {
        withActions(repository) { $0.dispatches }
    }

    // MARK: Tokens, secrets, fine-grained permissions and SSO

    /// Changes a classic token's scopes, as editing the token on GitHub's settings page does.
    public func setScopes(_ scopes: [String], for token: String) {
        withState { $0.tokens[token]?.scopes = scopes }
    }

    /// Deletes a repository's Actions secret, as `gh secret delete` does.
    public func deleteSecret(_ name: String, in repository: String) {
        deleteSecret(name, in: .repository(repository))
    }

    /// Sets a fine-grained token's permissions on one repository, area by area (e.g. Secrets: read,
    /// Contents: write). Areas not named keep falling back to the token's Secrets permission there.
    public func setFineGrainedPermissions(_ permissions: [FineGrainedArea: Permission], on repository: String, for token: String) {
        withState { state in
            let key = repository.lowercased()
            for (area, permission) in permissions {
                if area == .secrets {
                    state.tokens[token]?.permissions[key] = permission
                } else {
                    state.tokens[token]?.areaPermissions[key, default: [:]][area.rawValue] = permission
                }
            }
        }
    }

    /// Makes the organization enforce SAML SSO: tokens not authorized for it get 403 with `X-GitHub-SSO`
    /// on its repositories.
    public func requireSingleSignOn(for organization: String) {
        withState { _ = $0.ssoOrganizations.insert(organization.lowercased()) }
    }

    /// Authorizes a token for SAML SSO (what the page in `X-GitHub-SSO` does).
    public func authorizeSingleSignOn(_ token: String) {
        withState { _ = $0.ssoAuthorizedTokens.insert(token) }
    }
}

extension GitHubSimulator {
    func withState<R: Sendable>(_ body: (inout SimulatorState) -> R) -> R {
        state.withLock { body(&$0) }
    }

    func withActions<R: Sendable>(_ repository: String, _ body: (inout ActionsRecord) -> R) -> R {
        withState { state in body(&state.actions[repository.lowercased(), default: ActionsRecord()]) }
    }
}
