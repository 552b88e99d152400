import FoundationEssentials
import Glibc
import PatrolSupport
import PatrolGitHub

/// The fleet patrol manages, read from `config/fleet.json` (spec §2).
public struct FleetConfig: Sendable, Equatable {
    /// The file this config came from, as the user named it.
    public let path: String
    /// The account that owns repositories written without an owner.
    public let owner: String
    /// The Actions secret's name, e.g. `PAT_TOKEN`.
    public let secret: String
    /// Repositories that publish packages, in config order.
    public let libraries: [RepositoryName]
    /// Repositories that build and deploy, in config order.
    public let applications: [RepositoryName]
    /// The orchestrator that receives the fleet's events.
    public let platform: PlatformConfig
    /// The workflow file in each library and application that dispatches events.
    public let workflows: WorkflowPaths
    /// What a token must have and when it counts as near expiry.
    public let policy: TokenPolicy
    /// The description pre-filled on GitHub's new-token page.
    public let tokenDescription: String
    /// The API base from the config, if it sets one; `--api-url` and `GITHUB_API_URL` come first.
    public let apiURL: String?
    /// The ledger file, resolved against the config file's folder (an absolute path stays as it is).
    public let ledgerPath: String
    /// The GitHub App that calls the API instead of a token, when the config has an `app` section (spec §10).
    public var app: AppConfig?
    /// Where copies of the secret live (spec §9): the `targets` section, or a repository Actions secret in every
    /// repository when the config has none.
    public var targets: TargetsConfig = .repositoryOnly

    /// Every repository that holds the secret: libraries, then applications.
    public var repositories: [RepositoryName] { libraries + applications }

    /// The config path used when neither `--config` nor `PATROL_CONFIG` names one.
    public static let defaultPath = "config/fleet.json"

    public init(path: String, owner: String, secret: String, libraries: [RepositoryName],
                applications: [RepositoryName], platform: PlatformConfig, workflows: WorkflowPaths = .default,
                policy: TokenPolicy = .default, tokenDescription: String = FleetConfig.defaultTokenDescription,
                apiURL: String? = nil, ledgerPath: String) {
        self.path = path
        self.owner = owner
        self.secret = secret
        self.libraries = libraries
        self.applications = applications
        self.platform = platform
        self.workflows = workflows
        self.policy = policy
        self.tokenDescription = tokenDescription
        self.apiURL = apiURL
        self.ledgerPath = ledgerPath
    }

    /// `tokenDescription` when the config gives none.
    public static let defaultTokenDescription = "C3_PLATFORM_ORCHESTRATION"
    /// `ledger` when the config gives none.
    public static let defaultLedger = "ledger.json"

    /// The config file to read: `--config`, else `$PATROL_CONFIG`, else `config/fleet.json`.
    public static func locate(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let variable = environment["PATROL_CONFIG"], !variable.isEmpty { return variable }
        return defaultPath
    }

    /// Reads and validates the config at `path`.
    public static func load(path: String) throws(ConfigError) -> FleetConfig {
        let pointer = "name the config with --config PATH or the PATROL_CONFIG variable"
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigError(file: path, field: "", problem: "no such file; \(pointer)")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            throw ConfigError(file: path, field: "", problem: "is a folder, not a file; \(pointer)")
        }
        guard access(path, R_OK) == 0 else {
            throw ConfigError(file: path, field: "", problem: "cannot be read (permission denied); check its permissions or \(pointer)")
        }
        // A fleet config is a few kilobytes; a huge file is a wrong path, and is not read into memory.
        if case let size = Int(info.st_size), size > maximumBytes {
            throw ConfigError(file: path, field: "", problem: "is \(size) bytes, larger than the \(maximumBytes >> 20) MiB a fleet config may be; \(pointer)")
        }
        let data: [UInt8]
        do {
            data = try FileBytes.read(path, limit: maximumBytes)
        } catch {
            throw ConfigError(file: path, field: "", problem: "cannot be read (\(error)); check its permissions or \(pointer)")
        }
        return try parse(data, path: path)
    }

    /// The largest config file ``load(path:)`` reads: room for 100,000 repositories.
    public static let maximumBytes = 8 << 20

    /// Validates config text; `path` is used in messages and to resolve the ledger.
    public static func parse(_ bytes: [UInt8], path: String) throws(ConfigError) -> FleetConfig {
        try FleetConfigReader(file: path).read(bytes)
    }

    /// Validates config text held in `data`.
    public static func parse(_ data: Data, path: String) throws(ConfigError) -> FleetConfig {
        try parse(Array(data), path: path)
    }

    /// The part `repository` plays in this fleet, or nil when it is not part of it.
    public func role(of repository: RepositoryName) -> RepositoryRole? {
        if libraries.contains(repository) { return .library }
        if applications.contains(repository) { return .application }
        if platform.repository == repository { return .platform }
        return nil
    }

    /// The dispatching workflow file of a library or application.
    public func workflowPath(of repository: RepositoryName) -> String? {
        switch role(of: repository) {
        case .library: workflows.libraries
        case .application: workflows.applications
        case .platform, nil: nil
        }
    }

    /// The fleet members named by `--repos` (`name` or `owner/name`), in fleet order; nil selects all.
    ///
    /// Every entry that is not a fleet member is named in one error, together with the fleet's members.
    public func selecting(_ names: [String]?) throws(ConfigError) -> [RepositoryName] {
        guard let names else { return repositories }
        var chosen = Set<RepositoryName>()
        var problems: [String] = []
        let shortNames = repositories.map(displayName)
        for entry in names {
            let repository: RepositoryName
            do {
                repository = try RepositoryName(parsing: entry, defaultOwner: owner)
            } catch {
                problems.append(error.description)
                continue
            }
            if repositories.contains(repository) {
                chosen.insert(repository)
            } else if repository == platform.repository {
                problems.append("\"\(entry)\" is the platform repository, which does not hold the secret")
            } else if let near = Suggestion.closest(to: entry, among: shortNames) {
                problems.append("\"\(entry)\" is not in the fleet (did you mean \"\(near)\"?)")
            } else {
                problems.append("\"\(entry)\" is not in the fleet")
            }
        }
        if names.isEmpty { problems.append("names no repository") }
        guard problems.isEmpty else {
            let members = shortNames.joined(separator: ", ")
            throw ConfigError(file: path, field: "--repos",
                              problem: problems.joined(separator: "; ") + "; the fleet is: \(members)")
        }
        return repositories.filter(chosen.contains)
    }

    /// `name` for repositories of the default owner, `owner/name` otherwise.
    public func displayName(_ repository: RepositoryName) -> String {
        repository.owner.lowercased() == owner.lowercased() ? repository.name : repository.fullName
    }
}

/// The orchestrator repository and what it listens for.
public struct PlatformConfig: Sendable, Equatable {
    /// The repository that receives `repository_dispatch` events.
    public let repository: RepositoryName
    /// Its workflow that handles the events.
    public let handlerWorkflow: String
    /// The event types the fleet sends, in config order.
    public let eventTypes: [String]

    public init(repository: RepositoryName, handlerWorkflow: String = PlatformConfig.defaultHandlerWorkflow,
                eventTypes: [String] = PlatformConfig.defaultEventTypes) {
        self.repository = repository
        self.handlerWorkflow = handlerWorkflow
        self.eventTypes = eventTypes
    }

    /// `platform.repository` when the config gives none (under `owner`).
    public static let defaultRepositoryName = "c3-platform"
    /// `platform.handlerWorkflow` when the config gives none.
    public static let defaultHandlerWorkflow = ".github/workflows/handle-events.yml"
    /// `platform.eventTypes` when the config gives none.
    public static let defaultEventTypes = ["dependency_updated", "build_completed", "build_failed"]
}

/// The dispatching workflow file, per role.
public struct WorkflowPaths: Sendable, Equatable {
    /// The workflow in each library, e.g. `.github/workflows/publish.yml`.
    public let libraries: String
    /// The workflow in each application, e.g. `.github/workflows/ci.yml`.
    public let applications: String

    public init(libraries: String, applications: String) {
        self.libraries = libraries
        self.applications = applications
    }

    /// The spec's defaults.
    public static let `default` = WorkflowPaths(libraries: ".github/workflows/publish.yml",
                                                applications: ".github/workflows/ci.yml")
}

/// What a token must have and when its expiry warrants a warning.
public struct TokenPolicy: Sendable, Equatable {
    /// Classic scopes the token must carry, e.g. `repo`, `workflow`.
    public let requiredScopes: [String]
    /// The lifetime to pick for a new token, in days.
    public let rotationDays: Int
    /// `expiry` warns (exit 3) at this many days left or fewer.
    public let warnDays: Int
    /// `expiry` is critical (exit 4) at this many days left or fewer.
    public let criticalDays: Int
    /// Whether a token without an expiry date is accepted.
    public let allowNoExpiration: Bool

    public init(requiredScopes: [String], rotationDays: Int, warnDays: Int, criticalDays: Int, allowNoExpiration: Bool) {
        self.requiredScopes = requiredScopes
        self.rotationDays = rotationDays
        self.warnDays = warnDays
        self.criticalDays = criticalDays
        self.allowNoExpiration = allowNoExpiration
    }

    /// The spec's defaults: `repo` and `workflow`, 90 days, warn at 14, critical at 7, expiry required.
    public static let `default` = TokenPolicy(requiredScopes: ["repo", "workflow"], rotationDays: 90,
                                              warnDays: 14, criticalDays: 7, allowNoExpiration: false)

    /// The longest lifetime GitHub allows an organization to require, in days.
    public static let rotationDaysRange = 1...366

    /// The classic OAuth scope names GitHub knows.
    public static let knownScopes: [String] = [
        "repo", "repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events",
        "workflow",
        "write:packages", "read:packages", "delete:packages",
        "admin:org", "write:org", "read:org", "manage_runners:org",
        "admin:public_key", "write:public_key", "read:public_key",
        "admin:repo_hook", "write:repo_hook", "read:repo_hook",
        "admin:org_hook",
        "gist", "notifications",
        "user", "read:user", "user:email", "user:follow",
        "delete_repo",
        "write:discussion", "read:discussion",
        "admin:enterprise", "manage_runners:enterprise", "manage_billing:enterprise", "read:enterprise",
        "scim:enterprise", "audit_log", "read:audit_log",
        "codespace", "codespace:secrets",
        "copilot", "manage_billing:copilot",
        "project", "read:project",
        "admin:gpg_key", "write:gpg_key", "read:gpg_key",
        "admin:ssh_signing_key", "write:ssh_signing_key", "read:ssh_signing_key",
    ]
}
