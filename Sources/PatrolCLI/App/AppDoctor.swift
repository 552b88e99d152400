import FoundationEssentials
import PatrolGitHub
import PatrolCore

/// `patrol doctor`'s checks of the GitHub App that calls the API (spec §10): `app.key` (the PEM parses; its
/// fingerprint), `app.jwt` (`GET /app` accepts the JWT), `app.installation` (installed on the owner, reaching the
/// fleet and the platform repository) and `app.permissions` (what the installation was granted against what each
/// command needs, and an installation token minted with it). Each failure has a fix; later checks are skipped.
package enum AppDoctor {
    /// The checks' ids, in report order.
    static let keyID = "app.key", jwtID = "app.jwt", installationID = "app.installation", permissionsID = "app.permissions"
    static let ids = [keyID, jwtID, installationID, permissionsID]

    /// What each command needs of the installation, in GitHub's permission names.
    static let needs: [(command: String, permission: String, level: String)] = [
        ("rollout, rotate", "secrets", "write"),
        ("doctor", "actions", "read"),
        ("doctor", "contents", "read"),
        ("dispatches (doctor --send-test-event, the fleet's workflows)", "contents", "write"),
        ("expiry --open-issue", "issues", "write"),
        ("app rollout (the App id variable)", "actions_variables", "write"),
    ]

    /// What each command needs of the installation for this config: ``needs``, and for each other kind of target the
    /// config's `targets` name (spec §9) its secrets' permission — and the organization's variable for `app rollout`.
    static func needs(for config: FleetConfig) -> [(command: String, permission: String, level: String)] {
        var needs = Self.needs
        for kind in config.targets.kinds where kind != .repository {
            needs.append(("rollout, rotate, app rollout (\(kind.rawValue) secrets)", kind.permission, "write"))
            if kind == .organization {
                needs.append(("app rollout (the organization's App id variable)", "organization_actions_variables", "write"))
            }
        }
        return needs
    }

    /// The result of the App's checks; `credentialRefused` when GitHub refused the App's key or id (exit 4).
    package struct Outcome {
        package let checks: [DoctorCheck]
        package let credentialRefused: Bool
    }

    /// The App's checks, or nil when the invocation names no App.
    static func run(_ invocation: DoctorArguments, context: Context, config: FleetConfig, base: APIBase,
                    repositories: [RepositoryName]) async -> Outcome? {
        let credentials: AppCredentials?
        do {
            credentials = try context.appCredentials(invocation, config: config)
        } catch let error as AppKeyError {
            return Outcome(checks: [DoctorCheck(id: keyID, status: .fail, detail: error.description,
                                                fix: "give the App's private key as GitHub downloaded it (App settings → Private keys → Generate a private key), in a file only you can read")]
                + skipped(after: keyID), credentialRefused: false)
        } catch {
            return Outcome(checks: [DoctorCheck(id: keyID, status: .fail, detail: "\(error)", fix: "name both the App id and its private key")]
                + skipped(after: keyID), credentialRefused: false)
        }
        guard let credentials else { return nil }
        return await run(credentials, context: context, config: config, base: base, repositories: repositories)
    }

    /// The App's checks for `credentials` (the key already read: `app.key` passes with its fingerprint).
    package static func run(_ credentials: AppCredentials, context: Context, config: FleetConfig, base: APIBase,
                    repositories: [RepositoryName]) async -> Outcome {
        let checks = [DoctorCheck(id: keyID, status: .pass,
                                  detail: "RSA \(credentials.key.bits)-bit private key, fingerprint \(credentials.key.fingerprint) (listed under Private keys in the App's settings)")]
        let platform = config.platform.repository
        let scope = AppScope(repositories: repositories + [platform], permissions: [:])
        let session = AppSession(credentials: credentials, owner: config.owner, scope: scope, console: context.console)
        let prefix = checks
        let outcome = try? await context.withConnection(base, as: session.standIn, app: session, mintFirst: false) { _ -> Outcome in
            var checks = prefix

            let app: AppFacts
            do {
                app = try await session.app()
                checks.append(DoctorCheck(id: jwtID, status: .pass, detail: "GitHub accepted the App's token: App \(app.slug) (id \(app.id))"))
            } catch {
                checks.append(failure(jwtID, error))
                return Outcome(checks: checks + skipped(after: jwtID), credentialRefused: (error as? AppCallerError)?.isCredentialProblem ?? false)
            }

            let installation: InstallationFacts
            do {
                installation = try await session.findInstallation()
            } catch {
                checks.append(failure(installationID, error))
                return Outcome(checks: checks + skipped(after: installationID), credentialRefused: (error as? AppCallerError)?.isCredentialProblem ?? false)
            }
            let wanted = (repositories + [platform]).filter { $0.owner.lowercased() == installation.account.lowercased() }
            var missing: [RepositoryName] = []
            if installation.repositorySelection == "selected" {
                do {
                    let reached = try await session.reachable(installation, among: wanted)
                    missing = wanted.filter { !reached.contains($0.name.lowercased()) }
                } catch {
                    checks.append(failure(installationID, error))
                    return Outcome(checks: checks + skipped(after: installationID), credentialRefused: false)
                }
            }
            let settings = base.webPage("/organizations/\(installation.account)/settings/installations/\(installation.id)")
            if missing.isEmpty {
                checks.append(DoctorCheck(id: installationID, status: .pass,
                                          detail: "installed on \(installation.account) (installation \(installation.id), \(installation.repositorySelection == "all" ? "all repositories" : "\(wanted.count) selected repositories of the fleet and the platform"))"))
            } else {
                let names = missing.map(\.fullName).joined(separator: ", ")
                let what = missing.contains(platform) ? " (the platform repository: dispatches to it fail)" : ""
                checks.append(DoctorCheck(id: installationID, status: .fail,
                                          detail: "the App is not installed on \(names)\(what): patrol's requests there answer 404",
                                          fix: "add \(names) under \"Repository access\" in the installation's settings (\(settings)), or choose \"All repositories\""))
            }

            let needs = Self.needs(for: config)
            let lacking = needs.filter { AppScope.rank(installation.permissions[$0.permission]) < AppScope.rank($0.level) }
            if lacking.isEmpty {
                do {
                    _ = try await session.token()
                    checks.append(DoctorCheck(id: permissionsID, status: .pass,
                                              detail: "granted everything patrol's commands need (\(needs.map { "\($0.permission): \($0.level)" }.uniqued().joined(separator: ", "))); an installation token was minted"))
                } catch {
                    checks.append(failure(permissionsID, error))
                }
            } else {
                let list = lacking.map { "\($0.permission): \($0.level) (for \($0.command))" }.joined(separator: "; ")
                // Without a secrets permission of a kind the fleet uses, rollout and rotate fail there.
                let secretKinds = Set(config.targets.kinds.map(\.permission))
                let core = lacking.contains { secretKinds.contains($0.permission) || $0.permission == "secrets" }
                let fix = "add \(lacking.map { "\($0.permission): \($0.level)" }.uniqued().joined(separator: ", ")) under the App's Permissions & events, then accept the new permissions in the installation's settings (\(settings))"
                checks.append(DoctorCheck(id: permissionsID, status: core ? .fail : .warn, detail: "the installation lacks \(list)", fix: fix))
            }
            return Outcome(checks: checks, credentialRefused: false)
        }
        return outcome ?? Outcome(checks: checks + [DoctorCheck(id: jwtID, status: .fail, detail: "could not reach GitHub", fix: "check the API URL and the network")]
                                  + skipped(after: jwtID), credentialRefused: false)
    }

    /// A failed check whose detail is the error and whose fix says what to do about it.
    static func failure(_ id: String, _ error: any Error) -> DoctorCheck {
        let fix: String
        switch error as? AppCallerError {
        case .unknownApp: fix = "use the App ID from the App's settings page (--app-id, PATROL_APP_ID or app.id)"
        case .wrongKey: fix = "use a private key of this App: generate one in the App's settings and point --app-key-file at it"
        case .clockSkew: fix = "set this machine's clock right (timedatectl set-ntp true) and run patrol doctor again"
        case .notInstalled(let owner, _): fix = "install the App on \(owner) (the App's page → Install App)"
        case .installationNotFound: fix = "fix app.installationId, or leave it out so patrol finds the installation"
        case .permissionsNotGranted: fix = "grant the permissions under the App's settings and accept them in the installation"
        default: fix = "check the App id and private key, then run patrol doctor again"
        }
        return DoctorCheck(id: id, status: .fail, detail: "\(error)", fix: fix)
    }

    /// The App's checks after `id`, skipped because it failed.
    static func skipped(after id: String) -> [DoctorCheck] {
        ids.drop { $0 != id }.dropFirst().map {
            DoctorCheck(id: $0, status: .skip, detail: "skipped: \(id) failed", fix: "fix \(id) first")
        }
    }
}

private extension Array where Element == String {
    /// The strings in order, each once.
    func uniqued() -> [String] {
        var seen = Set<String>()
        return filter { seen.insert($0).inserted }
    }
}
