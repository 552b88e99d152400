import PatrolGitHub
/// The one line for a fleet whose every repository answered 404 (spec §3, "Behaving like a Unix tool"): most
/// often a mistyped `owner`, so it names the token's account and the config's owner instead of leaving the user
/// with N identical lines. Shared by rollout, rotate, doctor and status.
package enum OwnerMismatch {
    /// The line, or nil unless every one of `statuses` (one per repository, nil for a non-HTTP failure) is 404.
    package static func line(statuses: [Int?], login: String?, config: FleetConfig) -> String? {
        guard !statuses.isEmpty, statuses.allSatisfy({ $0 == 404 }) else { return nil }
        let every = statuses.count == 1 ? "the only repository" : "every repository (\(statuses.count))"
        guard let login else {
            return "\(every) answered 404: none of them exists under owner \"\(config.owner)\" or the credential cannot see them — "
                + "check owner and the repository names in \(config.path)"
        }
        if login.lowercased() != config.owner.lowercased() {
            return "\(every) answered 404: the token belongs to \(login) but \(config.path) says owner \"\(config.owner)\" — "
                + "check owner (a typo?), or give \(login) access to \(config.owner)'s repositories"
        }
        return "\(every) answered 404: the token belongs to \(login), the owner, yet sees none of them — check the repository "
            + "names in \(config.path), and for a fine-grained token its repository access"
    }

    /// The line for a command that has not asked GitHub whom the credential belongs to: asks (`GET /user`) only
    /// when every repository answered 404.
    package static func line(statuses: [Int?], client: GitHubClient, config: FleetConfig) async -> String? {
        guard !statuses.isEmpty, statuses.allSatisfy({ $0 == 404 }) else { return nil }
        let login = try? await client.authenticatedUser().login
        return line(statuses: statuses, login: login, config: config)
    }
}
