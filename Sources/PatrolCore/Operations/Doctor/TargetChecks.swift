import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub

/// The checks of spec §9 for a fleet with a `targets` section: per target `environment.exists`, `secret.present`
/// and `secret.current`; for the organization secret `org.owner`, `org.visibility` and `org.selection`; per fleet
/// repository `secret.shadowed` (a repository or environment copy overrides the organization's) and
/// `dependabot.needed` (a workflow Dependabot starts reads the secret, and no Dependabot copy exists).
extension DoctorRun {
    /// Whether this run checks targets: a config with a `targets` section (without one, doctor reads as before).
    package var checksTargets: Bool { config.targets != .repositoryOnly }

    /// The fleet's organization secret, if the config has one and `--targets` keeps it.
    package var organizationTarget: SecretTarget? {
        doctor.settings.checks(.organization) ? config.targets.organization.map { SecretTarget(.organization($0.name)) } : nil
    }

    /// The repository-bound targets of `repository` other than its Actions secret, in config order, narrowed by `--targets`.
    package func otherTargets(of repository: RepositoryName) -> [SecretTarget] {
        Self.otherTargets(config, doctor.settings, of: repository)
    }

    private static func otherTargets(_ config: FleetConfig, _ settings: DoctorSettings, of repository: RepositoryName) -> [SecretTarget] {
        config.secretTargets(of: [repository], kinds: settings.kinds).filter { $0.kind != .repository && $0.kind != .organization }
    }

    /// The per-target checks planned for one fleet repository, after its own.
    package static func plannedTargetChecks(_ config: FleetConfig, _ settings: DoctorSettings, repository: RepositoryName) -> [PlannedCheck] {
        var planned: [PlannedCheck] = []
        for target in otherTargets(config, settings, of: repository) {
            if target.kind == .environment { planned.append((CheckID.environmentExists, repository, target.id)) }
            planned += [CheckID.secretPresent, CheckID.secretCurrent].map { ($0, repository, target.id) }
        }
        if config.targets.organization != nil, settings.checks(.organization) { planned.append((CheckID.secretShadowed, repository, nil)) }
        if settings.checks(.dependabot) { planned.append((CheckID.dependabotNeeded, repository, nil)) }
        return planned
    }

    /// The organization secret's checks, after the fleet's.
    package static func plannedOrganizationChecks(_ config: FleetConfig, _ settings: DoctorSettings) -> [PlannedCheck] {
        guard let organization = config.targets.organization, settings.checks(.organization) else { return [] }
        let id = SecretTarget(.organization(organization.name)).id
        return [CheckID.orgOwner, CheckID.orgVisibility, CheckID.orgSelection, CheckID.secretPresent, CheckID.secretCurrent]
            .map { ($0, nil, id) }
    }

    // MARK: Repository-bound targets

    /// `environment.exists`, `secret.present` and `secret.current` for each of the repository's other targets, then
    /// `dependabot.needed`. Runs after `repo.access` passed.
    package func checkTargets(of repository: RepositoryName, info: RepositoryInfo) async {
        if let id = info.id { notes.state.withLock { $0.repositoryIDs[repository.key] = id } }
        for target in otherTargets(of: repository) {
            if let environment = target.environment {
                guard let exists = await lockout.call({ try await client.environmentExists(environment, in: repository) }) else { return }
                switch exists {
                case .success(true):
                    book.pass(CheckID.environmentExists, repository, "the environment \"\(environment)\" exists", target: target.id)
                case .success(false):
                    book.fail(CheckID.environmentExists, repository, "the environment \"\(environment)\" does not exist in \(repository.fullName)",
                              fix: "run `patrol rollout --create-environments --targets environment --repos \(short(repository))` (creating one needs admin on the repository), or create it in \(webPage(repository, "/settings/environments"))",
                              target: target.id)
                    book.skip([CheckID.secretPresent, CheckID.secretCurrent], repository, target: target.id,
                              because: "environment.exists failed", fix: "fix environment.exists first")
                    continue
                case .failure(let error):
                    book.fail(CheckID.environmentExists, repository, Self.describe(error), fix: Self.fix(for: error), target: target.id)
                    book.skip([CheckID.secretPresent, CheckID.secretCurrent], repository, target: target.id,
                              because: "environment.exists failed", fix: "fix environment.exists first")
                    continue
                }
            }
            await checkTargetSecret(target, repository: repository)
        }
        if doctor.settings.checks(.dependabot) { await checkDependabotNeeded(repository, info: info) }
    }

    /// `secret.present` and `secret.current` of one target: the kind's write permission (probed with an empty
    /// write, which GitHub refuses with 422 when the permission is there), the secret's dates, the ledger.
    private func checkTargetSecret(_ target: SecretTarget, repository: RepositoryName?) async {
        let secret = config.secret
        guard let probe = await lockout.call({ try await probeWrite(target) }) else { return }
        if case .failure(let error) = probe {
            notePermission(error, target)
            let github = error as? GitHubError
            let detail = github?.acceptedPermissions != nil
                ? "the token lacks the \(target.kind.permissionDisplay) for \(target.id): \(Self.describe(error))"
                : "the token may not write \(target.id): \(Self.describe(error))"
            book.fail(CheckID.secretPresent, repository, detail,
                      fix: github?.status == 403 ? permissionFix(target) : Self.fix(for: error), target: target.id)
            book.skip([CheckID.secretCurrent], repository, target: target.id, because: "secret.present failed", fix: "fix secret.present first")
            return
        }
        guard let result = await lockout.call({ try await client.secret(secret, in: target) }) else { return }
        let metadata: SecretMetadata
        switch result {
        case .success(.some(let found)):
            metadata = found
            book.pass(CheckID.secretPresent, repository, "\(secret) is set (updated \(ISO8601.format(found.updatedAt)))", target: target.id)
        case .success(.none):
            book.fail(CheckID.secretPresent, repository, "\(secret) is not set in \(target.id)",
                      fix: "run `\(rolloutCommand(target))`", target: target.id)
            book.skip([CheckID.secretCurrent], repository, target: target.id, because: "secret.present failed", fix: "fix secret.present first")
            return
        case .failure(let error):
            book.fail(CheckID.secretPresent, repository, Self.describe(error), fix: Self.fix(for: error), target: target.id)
            book.skip([CheckID.secretCurrent], repository, target: target.id, because: "secret.present failed", fix: "fix secret.present first")
            return
        }
        if target.kind == .organization { notes.state.withLock { $0.organizationSecret = metadata } }
        checkTargetCurrent(target, repository: repository, metadata: metadata)
    }

    /// `secret.current` of one target against the ledger, as for a repository's Actions secret.
    private func checkTargetCurrent(_ target: SecretTarget, repository: RepositoryName?, metadata: SecretMetadata) {
        let rollout = "`\(rolloutCommand(target))`"
        guard let record = doctor.ledger.record(target), let held = record.fingerprint else {
            book.warn(CheckID.secretCurrent, repository, "patrol has no record of writing \(config.secret) to \(target.id), so it may hold any token",
                      fix: "run \(rollout) so that it holds this token and patrol knows it", target: target.id)
            return
        }
        guard held == token.fingerprint else {
            book.fail(CheckID.secretCurrent, repository, "stale: per the ledger \(target.id) holds token \(held.short), not this token \(token.fingerprint.short)",
                      fix: "run `patrol rollout --resume` to give the targets that lack it this token", target: target.id)
            return
        }
        if let written = record.secretUpdatedAt, metadata.updatedAt.timeIntervalSince(written) > 1 {
            book.warn(CheckID.secretCurrent, repository,
                      "changed outside patrol: \(target.id) updated \(ISO8601.format(metadata.updatedAt)), after patrol wrote this token at \(ISO8601.format(written))",
                      fix: "someone set \(config.secret) by hand; run \(rollout) to write this token again", target: target.id)
            return
        }
        book.pass(CheckID.secretCurrent, repository, "holds this token \(token.fingerprint.short), as patrol wrote it", target: target.id)
    }

    /// Whether the token may write `target`'s secrets, found without writing: a `PUT` of an empty body to a name
    /// no one uses answers 422 when it may (the body is wrong); anything else (403 naming the permission) throws.
    private func probeWrite(_ target: SecretTarget) async throws {
        _ = try await client.send(.put, target.secretPath(GitHubClient.probeSecretName), body: Array("{}".utf8), expecting: [422])
    }

    /// Notes a permission GitHub asked for, so that `token.scopes` names it too.
    private func notePermission(_ error: any Error, _ target: SecretTarget) {
        guard let wanted = (error as? GitHubError)?.acceptedPermissions else { return }
        notes.state.withLock { $0.missingPermissions.append("\(wanted) on \(target.id)") }
    }

    /// How to give the token the permission `target`'s kind needs.
    private func permissionFix(_ target: SecretTarget) -> String {
        if target.kind == .organization, let organization = target.organization {
            return "the token needs the \(target.kind.permissionDisplay), and its account must be an owner of \(organization) — fine-grained tokens: \(webHostPage("/settings/personal-access-tokens")); classic tokens: \(newTokenPage) with admin:org"
        }
        return "give the token the \(target.kind.permissionDisplay) on \(target.repository?.fullName ?? "") at \(webHostPage("/settings/personal-access-tokens"))"
    }

    /// The rollout that writes `target`.
    private func rolloutCommand(_ target: SecretTarget) -> String {
        let repos = target.repository.map { " --repos \(short($0))" } ?? ""
        return "patrol rollout --targets \(target.kind.rawValue)\(repos)"
    }

    // MARK: dependabot.needed

    /// `dependabot.needed`: a workflow Dependabot starts (a pull request or push event) reads `secrets.<secret>`,
    /// Dependabot is set up in the repository (`.github/dependabot.yml`), and the fleet keeps no Dependabot copy
    /// there: such runs read Dependabot secrets only, so the workflow gets an empty string.
    private func checkDependabotNeeded(_ repository: RepositoryName, info: RepositoryInfo) async {
        let secret = config.secret
        if config.targets.dependabot.contains(repository) {
            book.pass(CheckID.dependabotNeeded, repository, "the fleet keeps a Dependabot copy (dependabot:\(repository.fullName))")
            return
        }
        guard let path = config.workflowPath(of: repository) else {
            book.pass(CheckID.dependabotNeeded, repository, "no workflow of the fleet's to read here")
            return
        }
        guard let read = await lockout.call({ try await client.fileText(path, in: repository, ref: info.defaultBranch) }) else { return }
        guard case .success(.some(let text)) = read, let workflow = try? Workflow(text: text),
              let triggers = try? workflow.dependabotTriggers() else {
            book.pass(CheckID.dependabotNeeded, repository, "\(path) could not be read (see dispatch.target), so no Dependabot run of it is known")
            return
        }
        let reads = workflow.lines(reading: secret)
        guard !triggers.isEmpty, let line = reads.first else {
            book.pass(CheckID.dependabotNeeded, repository,
                      triggers.isEmpty ? "\(path) is not started by Dependabot's pull requests or pushes" : "\(path) does not read secrets.\(secret)")
            return
        }
        var configured: String?
        for candidate in [".github/dependabot.yml", ".github/dependabot.yaml"] {
            guard let found = await lockout.call({ try await client.fileText(candidate, in: repository, ref: info.defaultBranch) }) else { return }
            if case .success(.some) = found { configured = candidate; break }
        }
        guard let configured else {
            book.pass(CheckID.dependabotNeeded, repository, "Dependabot is not set up here (no .github/dependabot.yml), so no run of \(path) is Dependabot's")
            return
        }
        book.warn(CheckID.dependabotNeeded, repository,
                  "\(path) runs on \(triggers.joined(separator: ", ")) and reads secrets.\(secret) (line \(line)); Dependabot is set up (\(configured)), and a run Dependabot starts reads Dependabot secrets only, so \(secret) is empty there",
                  fix: "add \"\(short(repository))\" to \"dependabot\" in the targets of \(config.path), then run `patrol rollout --targets dependabot --repos \(short(repository))`")
    }

    // MARK: The organization secret

    /// `org.owner`, the organization secret's `secret.present`/`secret.current`, `org.visibility`, `org.selection`,
    /// then `secret.shadowed` per fleet repository. Runs after the fleet's checks (they learn the repositories' ids).
    package func checkOrganization(login: String) async {
        guard let target = organizationTarget, let organization = config.targets.organization else { return }
        let dependents = [CheckID.orgVisibility, CheckID.orgSelection, CheckID.secretPresent, CheckID.secretCurrent]
        guard let isOrganization = await lockout.call({ try await client.isOrganization(organization.name) }) else { return }
        switch isOrganization {
        case .success(true): break
        case .success(false):
            book.fail(CheckID.orgOwner, nil, "\(organization.name) is not an organization on GitHub (a user account, or no account): organization secrets exist only in organizations",
                      fix: "set the organization's name in the targets of \(config.path), or remove \"organization\" there and keep repository copies (\"repository\": true)",
                      target: target.id)
            book.skip(dependents, target: target.id, because: "org.owner failed", fix: "fix org.owner first")
            skipShadowed("org.owner failed")
            return
        case .failure(let error):
            book.fail(CheckID.orgOwner, nil, Self.describe(error), fix: Self.fix(for: error), target: target.id)
            book.skip(dependents, target: target.id, because: "org.owner failed", fix: "fix org.owner first")
            skipShadowed("org.owner failed")
            return
        }
        guard let key = await lockout.call({ try await client.publicKey(of: target) }) else { return }
        switch key {
        case .success:
            book.pass(CheckID.orgOwner, nil, "\(organization.name) is an organization and \(login) administers its secrets", target: target.id)
        case .failure(let error):
            notePermission(error, target)
            let status = (error as? GitHubError)?.status
            let why = status == 404 ? "\(login) is not a member of \(organization.name)" : Self.describe(error)
            book.fail(CheckID.orgOwner, nil, "\(login) may not administer the secrets of \(organization.name): \(why)",
                      fix: permissionFix(target), target: target.id)
            book.skip(dependents, target: target.id, because: "org.owner failed", fix: "fix org.owner first")
            skipShadowed("org.owner failed")
            return
        }
        await checkTargetSecret(target, repository: nil)
        guard let metadata = notes.state.withLock({ $0.organizationSecret }) else {
            book.skip([CheckID.orgVisibility, CheckID.orgSelection], target: target.id, because: "secret.present failed", fix: "fix secret.present first")
            skipShadowed("the organization's secret is not set")
            return
        }
        let visibility = metadata.visibility ?? .private
        if visibility == organization.visibility {
            book.pass(CheckID.orgVisibility, nil, "visibility \(visibility.rawValue), as the config says", target: target.id)
        } else {
            book.warn(CheckID.orgVisibility, nil,
                      "visibility \(visibility.rawValue), but the config says \(organization.visibility.rawValue)"
                        + (visibility == .selected ? "" : ": it reaches every \(visibility == .private ? "private " : "")repository of \(organization.name), not only the fleet's"),
                      fix: "change the secret's repository access at \(webHostPage("/organizations/\(organization.name)/settings/secrets/actions/\(config.secret)")), or set \"visibility\": \"\(visibility.rawValue)\" in the targets of \(config.path)",
                      target: target.id)
        }
        guard let reach = await checkSelection(target, organization: organization.name, visibility: visibility) else {
            skipShadowed("org.selection failed")
            return
        }
        await checkShadowed(target, reach: reach)
    }

    /// Which fleet repositories the organization secret reaches: nil ids means every repository of the organization.
    package struct OrganizationReach: Sendable {
        let selected: Set<Int>?
    }

    /// `org.selection`: every fleet repository can read the secret.
    private func checkSelection(_ target: SecretTarget, organization: String, visibility: SecretVisibility) async -> OrganizationReach? {
        let outside = doctor.repositories.filter { $0.owner.lowercased() != organization.lowercased() }
        guard visibility == .selected else {
            if outside.isEmpty {
                book.pass(CheckID.orgSelection, nil, "visibility \(visibility.rawValue): every fleet repository can read it", target: target.id)
            } else {
                book.fail(CheckID.orgSelection, nil, "\(outside.map(\.fullName).joined(separator: ", ")) \(outside.count == 1 ? "is" : "are") not in \(organization), so \(outside.count == 1 ? "it" : "they") cannot read its secret",
                          fix: "keep repository copies for them (\"repository\": true in the targets of \(config.path))", target: target.id)
            }
            return OrganizationReach(selected: nil)
        }
        guard let listed = await lockout.call({ try await client.selectedRepositories(of: config.secret, in: organization) }) else { return nil }
        let selected: Set<Int>
        switch listed {
        case .success(let repositories): selected = Set(repositories.map(\.id))
        case .failure(let error):
            book.fail(CheckID.orgSelection, nil, Self.describe(error), fix: Self.fix(for: error), target: target.id)
            return nil
        }
        let known = notes.state.withLock { $0.repositoryIDs }
        var missing: [RepositoryName] = []
        var unknown: [RepositoryName] = []
        for repository in doctor.repositories {
            guard let id = known[repository.key] ?? doctor.ledger.repositoryIDs[repository.key] else { unknown.append(repository); continue }
            if !selected.contains(id) { missing.append(repository) }
        }
        let fleetIDs = Set(doctor.repositories.compactMap { known[$0.key] ?? doctor.ledger.repositoryIDs[$0.key] })
        let extra = selected.subtracting(fleetIDs).count
        let extraNote = extra == 0 ? "" : "; it is also shared with \(extra) repositor\(extra == 1 ? "y" : "ies") outside the fleet (`patrol rollout --prune-selection` removes them)"
        if !missing.isEmpty {
            book.fail(CheckID.orgSelection, nil,
                      "selected, and not shared with \(missing.map(\.fullName).joined(separator: ", ")): \(missing.count == 1 ? "its" : "their") workflows read an empty \(config.secret)\(extraNote)",
                      fix: "run `patrol rollout --targets organization` to add the fleet's repositories to the selection", target: target.id)
        } else if !unknown.isEmpty {
            book.warn(CheckID.orgSelection, nil, "the ids of \(unknown.map(\.fullName).joined(separator: ", ")) are unknown (repo.access did not pass), so their place in the selection is not known\(extraNote)",
                      fix: "fix repo.access first", target: target.id)
        } else {
            book.pass(CheckID.orgSelection, nil, "selected: shared with every fleet repository (\(doctor.repositories.count))\(extraNote)", target: target.id)
        }
        return OrganizationReach(selected: selected)
    }

    /// `secret.shadowed` per fleet repository the organization secret reaches: a repository copy, or an
    /// environment copy, of the same name overrides it there.
    private func checkShadowed(_ target: SecretTarget, reach: OrganizationReach) async {
        let known = notes.state.withLock { $0.repositoryIDs }
        let organization = target.organization ?? ""
        _ = await FleetRunner(concurrency: doctor.concurrency, lockout: lockout).run(doctor.repositories, notStarted: { _, _ in () }, job: { repository in
            let reached = repository.owner.lowercased() == organization.lowercased()
                && (reach.selected.map { selected in (known[repository.key] ?? doctor.ledger.repositoryIDs[repository.key]).map { selected.contains($0) } ?? false } ?? true)
            guard reached else {
                book.pass(CheckID.secretShadowed, repository, "the organization's \(config.secret) does not reach it (see org.selection), so nothing shadows it")
                return
            }
            await checkShadowed(repository, organization: organization)
        })
    }

    private func checkShadowed(_ repository: RepositoryName, organization: String) async {
        let secret = config.secret
        var copies: [SecretTarget] = []
        guard let own = await lockout.call({ try await client.secret(secret, in: .repository(repository)) }) else { return }
        switch own {
        case .success(.some): copies.append(.repository(repository))
        case .success(.none): break
        case .failure(let error):
            book.fail(CheckID.secretShadowed, repository, Self.describe(error), fix: Self.fix(for: error))
            return
        }
        guard let environments = await lockout.call({ try await client.environmentNames(in: repository) }) else { return }
        switch environments {
        case .success(let names):
            for name in names {
                let place = SecretTarget(.environment(repository, name))
                guard let found = await lockout.call({ try await client.secret(secret, in: place) }) else { return }
                if case .success(.some) = found { copies.append(place) }
            }
        case .failure(let error):
            book.fail(CheckID.secretShadowed, repository, Self.describe(error), fix: Self.fix(for: error))
            return
        }
        guard !copies.isEmpty else {
            book.pass(CheckID.secretShadowed, repository, "no repository or environment copy of \(secret): its workflows read the organization's")
            return
        }
        let pages = copies.map { copy in
            copy.environment.map { webPage(repository, "/settings/environments") + " (\($0))" } ?? webPage(repository, "/settings/secrets/actions")
        }
        book.warn(CheckID.secretShadowed, repository,
                  "\(copies.map(\.id).joined(separator: " and ")) override\(copies.count == 1 ? "s" : "") the organization's \(secret) (org:\(organization)) in \(repository.fullName)",
                  fix: "delete \(secret) from \(copies.map(\.id).joined(separator: " and ")) (\(pages.joined(separator: ", "))), and keep only the organization's copy"
                    + (config.targets.repository && copies.contains(.repository(repository)) ? "; set \"repository\": false in the targets of \(config.path) so rollout stops writing it" : ""))
    }

    /// Skips `secret.shadowed` for every fleet repository.
    private func skipShadowed(_ reason: String) {
        for repository in doctor.repositories {
            book.skip([CheckID.secretShadowed], repository, because: reason, fix: "fix it first")
        }
    }
}
