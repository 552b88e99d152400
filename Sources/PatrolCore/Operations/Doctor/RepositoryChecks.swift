import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// `repo.access`, `secret.present`, `secret.current`, per fleet repository.
extension DoctorRun {
    /// Runs the repository's checks; returns what GitHub said of it when it is readable (for `dispatch.target`).
    package func checkRepository(_ repository: RepositoryName, kind: TokenKind, login: String) async -> RepositoryInfo? {
        let secretChecks = [CheckID.secretPresent, CheckID.secretCurrent]
        guard let result = await lockout.call({ try await client.repository(repository) }) else { return nil }
        let info: RepositoryInfo
        switch result {
        case .success(let found):
            info = found
        case .failure(let error as GitHubError) where error.ssoURL != nil:
            noteSSO(error, repository: repository, checks: CheckID.perRepository)
            book.skip([CheckID.dispatchTarget], repository, because: "token.sso failed: \(repository.owner) requires SAML SSO authorization",
                      fix: "fix token.sso first")
            return nil
        case .failure(let error as GitHubError) where error.status == 404:
            book.fail(CheckID.repoAccess, repository, "GET /repos/\(repository.fullName) answered 404: it does not exist, or \(login) cannot see it",
                      fix: kind == .fineGrained
                        ? "add \(repository.fullName) to the token's repository access at \(webHostPage("/settings/personal-access-tokens"))"
                        : "check the name in \(config.path), and that \(login) has access to \(repository.fullName) (its Settings → Collaborators and teams)")
            book.skip(secretChecks + [CheckID.dispatchTarget], repository, because: "repo.access failed", fix: "fix repo.access first")
            return nil
        case .failure(let error as GitHubError) where error.isRateLimited:
            skipForRateLimit(error, repository, also: [CheckID.dispatchTarget])
            return nil
        case .failure(let error):
            if lockout.error != nil { return nil }
            book.fail(CheckID.repoAccess, repository, Self.describe(error), fix: Self.fix(for: error))
            book.skip(secretChecks + [CheckID.dispatchTarget], repository, because: "repo.access failed", fix: "fix repo.access first")
            return nil
        }

        let manages = kind == .fineGrained ? await probeSecrets(repository) : classicWrite(info, repository, login: login)
        guard manages else {
            book.skip(secretChecks, repository, because: "repo.access failed", fix: "fix repo.access first")
            return info
        }
        // A `targets` section without `repository` keeps no Actions copy in the repository: nothing to check there.
        if config.targets.repository, doctor.settings.checks(.repository) { await checkSecret(repository) }
        return info
    }

    /// Classic tokens: GitHub lets any collaborator with write (push) or admin access manage a repository's
    /// secrets (admin is not required); read-only may not.
    private func classicWrite(_ info: RepositoryInfo, _ repository: RepositoryName, login: String) -> Bool {
        if info.admin || info.push {
            book.pass(CheckID.repoAccess, repository, "\(login) \(info.admin ? "administers" : "may push to") it, so the token may manage its Actions secrets")
            return true
        }
        book.fail(CheckID.repoAccess, repository,
                  "\(login) may only read it; managing Actions secrets needs write (push) access",
                  fix: "give the token's account write access: have an owner of \(repository.fullName) give \(login) the Write role (Settings → Collaborators and teams), or use a token of an account that has it")
        return false
    }

    /// Fine-grained tokens (§5.3): GET the public key (Secrets: read), then PUT an empty body to a throw-away
    /// name (422 = Secrets: write; 403 = read only).
    private func probeSecrets(_ repository: RepositoryName) async -> Bool {
        let permissionsPage = webHostPage("/settings/personal-access-tokens")
        guard let read = await lockout.call({ try await client.publicKey(of: repository) }) else { return false }
        if case .failure(let error as GitHubError) = read, error.isRateLimited {
            skipForRateLimit(error, repository)
            return false
        }
        if case .failure(let error) = read {
            let wanted = (error as? GitHubError)?.acceptedPermissions ?? "secrets=read"
            notes.state.withLock { $0.missingPermissions.append("\(wanted) on \(repository.fullName)") }
            notes.state.withLock { $0.probedRepositories += 1 }
            book.fail(CheckID.repoAccess, repository, "cannot read its Actions secrets: \(Self.describe(error))",
                      fix: "give the token Secrets: Read and write on \(repository.fullName) at \(permissionsPage)")
            return false
        }
        guard let write = await lockout.call({ try await client.probeSecretsWrite(in: repository) }) else { return false }
        notes.state.withLock { $0.probedRepositories += 1 }
        switch write {
        case .success(true):
            book.pass(CheckID.repoAccess, repository, "Secrets: read and write (probed: the public key read, a deliberately empty write refused with 422)")
            return true
        case .success(false):
            notes.state.withLock { $0.missingPermissions.append("secrets=write on \(repository.fullName)") }
            book.fail(CheckID.repoAccess, repository, "Secrets: read only — a test write answered 403 (GitHub asks for secrets=write)",
                      fix: "give the token Secrets: Read and write on \(repository.fullName) at \(permissionsPage)")
            return false
        case .failure(let error as GitHubError) where error.isRateLimited:
            skipForRateLimit(error, repository)
            return false
        case .failure(let error):
            book.fail(CheckID.repoAccess, repository, "the write probe failed: \(Self.describe(error))", fix: Self.fix(for: error))
            return false
        }
    }

    /// A rate limit is never an access verdict (spec §4): the repository's checks are skipped, and `ratelimit` fails
    /// saying why.
    private func skipForRateLimit(_ error: GitHubError, _ repository: RepositoryName, also more: [String] = []) {
        noteRateLimited(error)
        book.skip(CheckID.perRepository + more, repository,
                  because: "GitHub's rate limit outlasted \(error.attempts) attempts (not an access verdict)", fix: "fix ratelimit first")
    }

    /// `secret.present` (guide: "Verify PAT_TOKEN is set in repo secrets") and `secret.current` against the ledger.
    private func checkSecret(_ repository: RepositoryName) async {
        let secret = config.secret
        let rollout = "`patrol rollout --repos \(short(repository))`"
        guard let result = await lockout.call({ try await client.secret(secret, in: repository) }) else { return }
        let metadata: SecretMetadata
        switch result {
        case .success(.some(let found)):
            metadata = found
            book.pass(CheckID.secretPresent, repository, "\(secret) is set (updated \(ISO8601.format(found.updatedAt)))")
        case .success(.none):
            book.fail(CheckID.secretPresent, repository, "\(secret) is not set — the guide's \"Verify PAT_TOKEN is set in repo secrets\"; its workflow gets an empty token and GitHub answers \"Bad credentials\"",
                      fix: "run \(rollout)")
            book.skip([CheckID.secretCurrent], repository, because: "secret.present failed", fix: "fix secret.present first")
            return
        case .failure(let error):
            book.fail(CheckID.secretPresent, repository, Self.describe(error), fix: Self.fix(for: error))
            book.skip([CheckID.secretCurrent], repository, because: "secret.present failed", fix: "fix secret.present first")
            return
        }

        guard let record = doctor.ledger.record(.repository(repository)), let held = record.fingerprint else {
            book.warn(CheckID.secretCurrent, repository, "patrol has no record of writing \(secret) here, so it may hold any token",
                      fix: "run \(rollout) so that it holds this token and patrol knows it")
            return
        }
        guard held == token.fingerprint else {
            book.fail(CheckID.secretCurrent, repository, "stale: per the ledger it holds token \(held.short), not this token \(token.fingerprint.short)",
                      fix: "run `patrol rollout --resume` to give the repositories that lack it this token")
            return
        }
        if let written = record.secretUpdatedAt, metadata.updatedAt.timeIntervalSince(written) > 1 {
            book.warn(CheckID.secretCurrent, repository,
                      "changed outside patrol: updated \(ISO8601.format(metadata.updatedAt)), after patrol wrote this token at \(ISO8601.format(written))",
                      fix: "someone set \(secret) by hand (gh secret set or the web page); run \(rollout) to write this token again")
            return
        }
        book.pass(CheckID.secretCurrent, repository, "holds this token \(token.fingerprint.short), as patrol wrote it\(record.secretUpdatedAt.map { " at \(ISO8601.format($0))" } ?? "")")
    }

    /// A page on the web host that goes with the API (``APIBase/webPage(_:)``).
    package func webHostPage(_ path: String) -> String {
        client.base.webPage(path)
    }
}
