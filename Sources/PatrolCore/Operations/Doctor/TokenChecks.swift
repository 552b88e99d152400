import FoundationEssentials
import PatrolSupport
import PatrolSecrets
import PatrolGitHub

/// `token.format`, `token.valid`, `token.scopes`, `token.expiry`, `token.owner`, `token.sso`, `ratelimit`.
extension DoctorRun {
    /// Offline: prefix, characters and (classic) checksum, before any request. Nil when damaged.
    package func checkFormat() -> TokenKind? {
        do {
            let kind = try TokenFormat.check(token)
            book.pass(CheckID.tokenFormat, kind == .classic
                ? "a classic personal access token; its checksum is valid"
                : "a \(kind.displayName); prefix and characters are valid (GitHub publishes no checksum for this kind)")
            return kind
        } catch {
            book.fail(CheckID.tokenFormat, "\(error) (found offline, before any request)",
                      fix: "copy the token again from where you saved it; if it is lost, \(replaceToken)")
            return nil
        }
    }

    /// `GET /user` → 200. A 401 is the guide's "Bad credentials".
    package func checkUser() async -> AuthenticatedUser? {
        guard let result = await lockout.call({ try await client.authenticatedUser() }) else { return nil }
        switch result {
        case .success(let user):
            book.pass(CheckID.tokenValid, "GET /user answered 200: GitHub accepts the token (\(user.login))")
            return user
        case .failure(let error as GitHubError) where error.isBadCredentials:
            let recorded = doctor.ledger.tokens.first { $0.fingerprint == token.fingerprint }?.expiresAt
            let why = recorded.map { $0 <= doctor.timing.now() ? "it expired at \(ISO8601.format($0)) (per the ledger)" : nil } ?? nil
            book.fail(CheckID.tokenValid,
                      "GET /user answered 401 \"\(error.message)\" — \(why ?? "the token is expired, revoked or mistyped") (guide: \"Bad credentials\")",
                      fix: replaceToken)
        case .failure(let error):
            book.fail(CheckID.tokenValid, "GET /user failed: \(Self.describe(error))", fix: Self.fix(for: error))
        }
        for (id, repository, target) in doctor.plan where lockout.error == nil {
            book.skip([id], repository, target: target, because: "token.valid failed", fix: "fix token.valid first")
        }
        return nil
    }

    /// Classic tokens: `X-OAuth-Scopes` against the policy. Returns false when `repo` is missing, which hides
    /// every private repository. Fine-grained tokens are probed per repository (see `checkFineGrainedScopes`).
    package func checkScopes(user: AuthenticatedUser, kind: TokenKind) -> Bool {
        let required = config.policy.requiredScopes
        guard let scopes = user.scopes, kind == .classic || !scopes.isEmpty else {
            if kind != .fineGrained {
                book.warn(CheckID.tokenScopes, "this \(kind.displayName) reports no scopes, so patrol cannot tell what it may do",
                          fix: "use a classic token with the scopes \(required.joined(separator: ", ")) (\(newTokenPage))")
            }
            return true
        }
        let missing = Scopes.missing(required, granted: scopes)
        let has = scopes.isEmpty ? "none" : scopes.joined(separator: ", ")
        if missing.isEmpty {
            book.pass(CheckID.tokenScopes, "scopes \(has) cover the policy's \(required.joined(separator: ", "))")
            return true
        }
        book.fail(CheckID.tokenScopes, "missing scope\(missing.count == 1 ? "" : "s"): \(missing.joined(separator: ", ")) (the token has \(has)) — guide: \"Ensure token has repo and workflow scopes\"",
                  fix: "edit the token at \(tokensPage) and tick \(missing.joined(separator: ", ")) (the token stays the same), or \(replaceToken)")
        return !missing.contains("repo")
    }

    /// Fine-grained tokens: what the per-repository probes found (§5.3).
    package func checkFineGrainedScopes() {
        let (missing, probed) = notes.state.withLock { ($0.missingPermissions, $0.probedRepositories) }
        if missing.isEmpty && probed == 0 {
            book.skip([CheckID.tokenScopes], because: "no repository could be probed for the fine-grained token's permissions",
                      fix: "fix the repository checks first")
        } else if missing.isEmpty {
            book.pass(CheckID.tokenScopes, "fine-grained token, probed: Secrets read and write on \(probed) repositor\(probed == 1 ? "y" : "ies"), Contents read, and Contents write on \(platform.fullName)")
        } else {
            book.fail(CheckID.tokenScopes, "fine-grained token lacks: " + missing.joined(separator: "; ")
                        + " (every job's permissions: docs/getting-started.md)",
                      fix: "edit the token at \(webHostPage("/settings/personal-access-tokens")) and grant those repository permissions; "
                        + "patrol needs, on the fleet and the platform repository: \(Self.fineGrainedPermissionList)")
        }
    }

    /// What each job needs of a fine-grained token (spec §5.3), as GitHub's settings page names the permissions.
    package static let fineGrainedPermissionList = "Metadata: Read (always), Secrets: Read and write (rollout, rotate, status), "
        + "Actions: Read (doctor's workflow state and runs), Contents: Read (doctor's workflow files) and Read and write "
        + "(--send-test-event and the fleet's dispatches), Issues: Read and write (expiry --open-issue)"

    /// Days left against the policy; "no expiration" warns (the guide: don't set it).
    package func checkExpiry(user: AuthenticatedUser) {
        let policy = config.policy
        switch user.expiry {
        case .at(let date):
            let days = Int((date.timeIntervalSince(doctor.timing.now()) / 86_400).rounded(.down))
            let when = "expires \(ISO8601.format(date)), \(days) day\(days == 1 ? "" : "s") left"
            if days <= policy.criticalDays {
                book.fail(CheckID.tokenExpiry, "\(when): within the policy's critical \(policy.criticalDays) days",
                          fix: "rotate now: \(replaceToken)")
            } else if days <= policy.warnDays {
                book.warn(CheckID.tokenExpiry, "\(when): within the policy's \(policy.warnDays) warning days", fix: "rotate soon: \(replaceToken)")
            } else {
                book.pass(CheckID.tokenExpiry, "\(when) (warns at \(policy.warnDays))")
            }
        case .none:
            book.warn(CheckID.tokenExpiry, "the token never expires (guide: don't set \"no expiration\")",
                      fix: "make a token that expires in \(policy.rotationDays) days at \(newTokenPage), then run `patrol rotate`")
        case .suspect, .unreadable:
            book.warn(CheckID.tokenExpiry, "\(user.expiry)", fix: "look up the token's expiry at \(tokensPage)")
        }
    }

    /// The account and its type, with the guide's advice as information.
    package func checkOwner(user: AuthenticatedUser) {
        let advice = user.accountType == "Bot" ? "an automation account, as the guide advises"
            : "the guide advises a dedicated bot account for automation"
        book.pass(CheckID.tokenOwner, "belongs to \(user.login) (\(user.accountType) account); \(advice)")
    }

    /// Remaining primary quota (`GET /rate_limit` costs none).
    package func checkRateLimit() async {
        guard let result = await lockout.call({ try await client.rateLimit() }) else { return }
        switch result {
        case .success(let limit):
            let reset = ISO8601.format(limit.resetAt)
            let needed = 10 + 6 * doctor.repositories.count
            if limit.remaining == 0 {
                book.fail(CheckID.rateLimit, "0 of \(limit.limit) requests left this hour",
                          fix: "wait until \(reset), when GitHub resets the limit (it is per account, shared by all its tokens)")
            } else if limit.remaining < needed {
                book.warn(CheckID.rateLimit, "\(limit.remaining) of \(limit.limit) requests left this hour; this run needs about \(needed)",
                          fix: "wait until \(reset), or check what else spends this account's quota")
            } else {
                book.pass(CheckID.rateLimit, "\(limit.remaining) of \(limit.limit) requests left this hour (resets \(reset))")
            }
        case .failure(let error):
            book.warn(CheckID.rateLimit, "GET /rate_limit failed: \(Self.describe(error))", fix: Self.fix(for: error))
        }
    }

    /// A rate-limit answer that outlasted the retries: `ratelimit` fails with it, whatever it said before.
    package func noteRateLimited(_ error: GitHubError) {
        book.fail(CheckID.rateLimit, "GitHub kept refusing requests for its rate limit (\(error.request) answered \(error.status) \(error.attempts) times)",
                  fix: "wait for the limit to reset (it is per account, shared by all its tokens), then run `patrol doctor` again")
    }

    /// A 403 with `X-GitHub-SSO` on any repository → the token needs SAML SSO authorization.
    package func checkSSO() {
        guard lockout.error == nil else { return }
        let blocked = notes.state.withLock { $0.sso }
        if blocked.isEmpty {
            book.pass(CheckID.tokenSSO, "no organization asked for SAML SSO authorization")
        } else {
            let organizations = blocked.keys.sorted()
            book.fail(CheckID.tokenSSO, "\(organizations.joined(separator: ", ")) require\(organizations.count == 1 ? "s" : "") SAML SSO, and the token is not authorized for it",
                      fix: organizations.map { "authorize the token for \($0) at \(blocked[$0]!) (the link lives one hour; or Settings → Tokens → Configure SSO)" }
                          .joined(separator: "; "))
        }
    }

    /// Records, for `token.scopes`, a permission a fine-grained token lacked (GitHub's `X-Accepted-GitHub-Permissions`).
    package func noteMissingPermission(_ error: any Error, on repository: RepositoryName) {
        guard let github = error as? GitHubError, github.status == 403, !github.isRateLimited,
              let wanted = github.acceptedPermissions else { return }
        notes.state.withLock { $0.missingPermissions.append("\(wanted) on \(repository.fullName)") }
    }

    /// The fix for a check that failed on `error`: when GitHub named the permission it wanted (a 403 with
    /// `X-Accepted-GitHub-Permissions`), that permission, on that repository, and where to grant it.
    package func permissionFix(for error: any Error, on repository: RepositoryName) -> String {
        guard let github = error as? GitHubError, github.status == 403, !github.isRateLimited,
              let wanted = github.acceptedPermissions else { return Self.fix(for: error) }
        return "give the token the repository permission \(Self.permissionName(wanted)) on \(repository.fullName) "
            + "(GitHub asks for \(wanted)) at \(webHostPage("/settings/personal-access-tokens"))"
    }

    /// `actions=read` → `Actions: Read`, `dependabot_secrets=write` → `Dependabot secrets: Write`; alternatives
    /// (separated by `;` or `,`) joined with "or".
    package static func permissionName(_ header: String) -> String {
        header.split(whereSeparator: { $0 == ";" || $0 == "," }).map { part in
            let pieces = part.trimmingSpaces().split(separator: "=", maxSplits: 1).map(String.init)
            let name = pieces[0].replacingEvery("_", with: " ")
            let level = pieces.count > 1 ? pieces[1] : "read"
            return name.prefix(1).uppercased() + name.dropFirst() + ": " + level.prefix(1).uppercased() + level.dropFirst()
        }.joined(separator: " or ")
    }

    /// Records an SSO refusal and skips the checks that needed the repository.
    package func noteSSO(_ error: GitHubError, repository: RepositoryName, checks: [String]) {
        let organization = repository.owner
        notes.state.withLock { $0.sso[organization] = $0.sso[organization] ?? error.ssoURL }
        book.skip(checks, checks.contains(CheckID.repoAccess) ? repository : nil,
                  because: "token.sso failed: \(organization) requires SAML SSO authorization", fix: "fix token.sso first")
    }
}
