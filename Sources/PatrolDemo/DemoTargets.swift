import FoundationEssentials
import GitHubSimulator
import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
import PatrolCore
import PatrolCLI

/// Where `patrol demo` puts copies of the secret (spec §9): beside each repository's Actions secret, one
/// environment's (`production` of the last application) and one Dependabot copy (the first library); with
/// `--organization`, one organization secret shared with the fleet's repositories instead of a copy in each.
/// A config that already has a `targets` section keeps its own.
enum DemoTargets {
    /// The environment the demo fills.
    static let environment = "production"

    /// `config` with the demo's targets, and `simulator` set up for them: the environment exists; with
    /// `organization` the owner is an organization the token's account owns.
    static func apply(to config: FleetConfig, organization: Bool, simulator: GitHubSimulator) -> FleetConfig {
        var config = config
        if organization {
            simulator.addOrganization(config.owner, owners: [config.owner])
            config.targets = TargetsConfig(repository: false, organization: OrganizationTarget(name: config.owner, visibility: .selected))
        } else if config.targets == .repositoryOnly, let application = config.applications.last, let library = config.libraries.first {
            config.targets = TargetsConfig(repository: true,
                                           environments: [.init(repository: application, names: [environment])],
                                           dependabot: [library])
        }
        for list in config.targets.environments {
            for name in list.names { simulator.addEnvironment(name, to: list.repository.fullName) }
        }
        return config
    }

    /// A throw-away token for the fleet's owner: the policy's scopes, and `admin:org` when an organization secret
    /// is to be written.
    static func mint(_ config: FleetConfig, on simulator: GitHubSimulator) -> String {
        let scopes = config.policy.requiredScopes + (config.targets.organization == nil ? [] : ["admin:org"])
        return simulator.mintToken(login: config.owner, scopes: scopes,
                                   expiresAt: Date().addingTimeInterval(Double(config.policy.rotationDays) * 86_400))
    }

    /// The simulator's name for a target.
    static func simulated(_ target: SecretTarget) -> SimulatedTarget {
        switch target.place {
        case .repository(let repository): .repository(repository.fullName)
        case .environment(let repository, let name): .environment(repository: repository.fullName, name: name)
        case .dependabot(let repository): .dependabot(repository.fullName)
        case .codespaces(let repository): .codespaces(repository.fullName)
        case .organization(let name): .organization(name)
        }
    }

    /// The proof: what every target's secret decrypts to inside the simulator, and for an organization secret which
    /// fleet repositories its workflows read it in (GitHub's precedence, as the simulator applies it).
    static func proof(_ config: FleetConfig, simulator: GitHubSimulator, token: Token, console: Console)
        -> (lines: [String], json: [JSONValue], proven: Int, total: Int) {
        let targets = config.secretTargets()
        let width = targets.map(\.id.count).max() ?? 0
        var lines: [String] = [], json: [JSONValue] = []
        var proven = 0
        for target in targets {
            let stored = simulator.secret(config.secret, in: simulated(target))
            let matches = stored.map { Token(bytes: $0.plaintextBytes).isSame(as: token) } ?? false
            if matches { proven += 1 }
            json.append(.object([("target", .string(target.id)), ("kind", .string(target.kind.rawValue)),
                                 ("repository", .optional(target.repository?.fullName)), ("present", .bool(stored != nil)),
                                 ("decryptsToCurrentToken", .bool(matches))]))
            let detail = matches ? "decrypts to the current token \(token.fingerprint.short)"
                : stored == nil ? "holds no \(config.secret)" : "decrypts to something else"
            lines.append("\(console.paint(matches ? "✓" : "✗", matches ? .green : .red)) \(target.id.padded(toWidth: width))  \(detail)")
        }
        if let organization = config.targets.organization {
            let reading = config.repositories.filter { repository in
                let seen = simulator.secretSeenByWorkflow(config.secret, in: repository.fullName)
                return seen?.source == .organization(organization.name) && Token(bytes: seen?.plaintextBytes ?? []).isSame(as: token)
            }
            let all = reading.count == config.repositories.count
            if !all { proven -= 1 }
            lines.append("\(console.paint(all ? "✓" : "✗", all ? .green : .red)) a workflow run in \(reading.count)/\(config.repositories.count) fleet repositories reads the organization's \(config.secret) as the current token")
        }
        return (lines, json, proven, targets.count)
    }
}
