import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
/// Turns config text into a ``FleetConfig``, or into the first ``ConfigError`` a user must fix.
///
/// It walks the document by hand rather than through `Decodable` because `JSONDecoder` ignores unknown
/// keys and reports type errors without the field path a user needs.
package struct FleetConfigReader {
    package let file: String

    private typealias Object = [String: ConfigJSON]

    private static let topKeys = ["owner", "secret", "repositories", "platform", "workflows", "policy",
                                  "tokenDescription", "apiURL", "ledger", "app", "targets"]

    package func read(_ bytes: [UInt8]) throws(ConfigError) -> FleetConfig {
        let document: ConfigJSON
        do {
            document = try ConfigJSON.parse(bytes)
        } catch {
            throw ConfigError(file: file, field: "", problem: "not valid JSON: \(error)")
        }
        guard case .object = document else {
            throw ConfigError(file: file, field: "",
                              problem: "the top level must be a JSON object ({ … }), found \(document.kindDescription)")
        }
        let top = try object(document, at: "", keys: Self.topKeys)

        let owner = try string(required(top, "owner", at: "", hint: "the GitHub account that owns the repositories"), at: "owner")
        if let problem = RepositoryName.ownerProblem(owner) {
            throw ConfigError(file: file, field: "owner", problem: "\"\(owner)\" is not a valid GitHub account name (\(problem))")
        }
        let secret = try string(required(top, "secret", at: "", hint: "the Actions secret's name, e.g. \"PAT_TOKEN\""), at: "secret")
        if let problem = Self.secretNameProblem(secret) {
            throw ConfigError(file: file, field: "secret", problem: "\"\(secret)\" is not a valid secret name (\(problem))")
        }

        let platform = try readPlatform(top["platform"], owner: owner)
        let (libraries, applications) = try readRepositories(
            required(top, "repositories", at: "", hint: "an object with \"libraries\" and \"applications\" lists"),
            owner: owner, platform: platform.repository)
        let workflows = try readWorkflows(top["workflows"])
        let policy = try readPolicy(top["policy"])

        let tokenDescription = try top["tokenDescription"].map { value throws(ConfigError) in
            try nonEmptyString(value, at: "tokenDescription")
        } ?? FleetConfig.defaultTokenDescription
        let apiURL = try top["apiURL"].map { value throws(ConfigError) in try nonEmptyString(value, at: "apiURL") }
        let ledger = try top["ledger"].map { value throws(ConfigError) in try nonEmptyString(value, at: "ledger") }
            ?? FleetConfig.defaultLedger

        var config = FleetConfig(path: file, owner: owner, secret: secret, libraries: libraries, applications: applications,
                                 platform: platform, workflows: workflows, policy: policy,
                                 tokenDescription: tokenDescription, apiURL: apiURL,
                                 ledgerPath: Self.resolve(ledger, besides: file))
        config.app = try top["app"].map { value throws(ConfigError) in try readApp(value, fleetSecret: secret) }
        if let targets = top["targets"] { config.targets = try readTargets(targets, fleet: libraries + applications, owner: owner) }
        return config
    }

    /// The `app` section (spec §10); its key file is resolved next to the config, like the ledger.
    private func readApp(_ value: ConfigJSON, fleetSecret: String) throws(ConfigError) -> AppConfig {
        let section = try object(value, at: "app", keys: AppConfig.keys)
        let why = "the number GitHub shows on the App's settings page"
        let id = try integer(required(section, "id", at: "app", hint: "the App's id, \(why)"), at: "app.id", in: 1...Int(Int32.max), why: why)
        let keyFile = try section["privateKeyFile"].map { value throws(ConfigError) in try nonEmptyString(value, at: "app.privateKeyFile") }
        let installation = try section["installationId"].map { value throws(ConfigError) in
            try integer(value, at: "app.installationId", in: 1...Int.max, why: "the installation's id, or leave it out to find it")
        }
        // The names the fleet's workflows read the App by: GitHub's rules for variable names are those for secrets.
        var names = AppCredentialNames.standard
        for (key, kind, path) in [("variable", "variable", \AppCredentialNames.variable), ("secret", "secret", \AppCredentialNames.secret)]
        as [(String, String, WritableKeyPath<AppCredentialNames, String>)] {
            guard let field = section[key] else { continue }
            let name = try string(field, at: "app.\(key)")
            if let problem = Self.secretNameProblem(name) {
                throw ConfigError(file: file, field: "app.\(key)", problem: "\"\(name)\" is not a valid \(kind) name (\(problem))")
            }
            names[keyPath: path] = name
        }
        if names.secret.uppercased() == fleetSecret.uppercased() {
            throw ConfigError(file: file, field: "app.secret",
                              problem: "\"\(names.secret)\" is the fleet's token secret (\"secret\"); the App's private key needs a name of its own, e.g. \"\(AppCredentialNames.defaultSecret)\"")
        }
        return AppConfig(id: id, privateKeyPath: keyFile.map { Self.resolve($0, besides: file) }, installationID: installation, names: names)
    }

    /// `ledger` relative to the folder of `configPath`; absolute paths are kept.
    package static func resolve(_ ledger: String, besides configPath: String) -> String {
        if ledger.hasPrefix("/") { return ledger }
        guard let slash = configPath.lastIndex(of: "/") else { return ledger }
        return String(configPath[...slash]) + ledger
    }

    /// Why `name` breaks GitHub's secret-name rules, or nil.
    package static func secretNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        let allowed = name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
        if !allowed { return "letters, digits and \"_\" only" }
        if let first = name.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            return "it must not start with a digit"
        }
        if name.uppercased().hasPrefix("GITHUB_") { return "names starting with \"GITHUB_\" are reserved by GitHub" }
        return nil
    }

    // MARK: Sections

    /// The `targets` section (spec §9): every repository it names must be in the fleet.
    private func readTargets(_ value: ConfigJSON, fleet: [RepositoryName], owner: String) throws(ConfigError) -> TargetsConfig {
        let section = try object(value, at: "targets", keys: ["repository", "environments", "dependabot", "codespaces", "organization"])
        var targets = TargetsConfig()
        targets.organization = try section["organization"].map { value throws(ConfigError) in
            try readOrganization(value, fleet: fleet)
        }
        // One organization secret replaces the repository copies unless the config keeps both.
        targets.repository = try section["repository"].map { value throws(ConfigError) in try bool(value, at: "targets.repository") }
            ?? (targets.organization == nil)
        if let value = section["environments"] {
            guard case let .object(members) = value else { throw wrongType(value, at: "targets.environments", expected: "an object") }
            var seen: [String: String] = [:]
            for member in members {
                let path = "targets.environments.\(member.key)"
                let repository = try fleetMember(member.key, at: path, fleet: fleet, owner: owner)
                if let first = seen[repository.key] {
                    throw ConfigError(file: file, field: path, problem: "\"\(member.key)\" is listed twice (first as \"\(first)\"); keep one")
                }
                seen[repository.key] = member.key
                var names: [String] = []
                let elements = try array(member.value, at: path)
                if elements.isEmpty {
                    throw ConfigError(file: file, field: path, problem: "is empty; list the environments' names, or leave the repository out")
                }
                for (index, element) in elements.enumerated() {
                    let name = try string(element, at: "\(path)[\(index)]")
                    if let problem = SecretTarget.environmentProblem(name) {
                        throw ConfigError(file: file, field: "\(path)[\(index)]", problem: "\"\(name)\" is not a valid environment name (\(problem))")
                    }
                    // GitHub's environment names ignore case.
                    if let first = names.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                        throw ConfigError(file: file, field: "\(path)[\(index)]",
                                          problem: "\"\(name)\" is listed twice (first at \(path)[\(first)]; environment names ignore case); remove one")
                    }
                    names.append(name)
                }
                targets.environments.append(.init(repository: repository, names: names))
            }
        }
        targets.dependabot = try section["dependabot"].map { value throws(ConfigError) in
            try repositorySelection(value, at: "targets.dependabot", fleet: fleet, owner: owner)
        } ?? []
        targets.codespaces = try section["codespaces"].map { value throws(ConfigError) in
            try repositorySelection(value, at: "targets.codespaces", fleet: fleet, owner: owner)
        } ?? []
        if targets.kinds.isEmpty {
            throw ConfigError(file: file, field: "targets", problem:
                "names no place for the secret (repository is false and no other kind is set); set \"repository\": true or add a kind")
        }
        return targets
    }

    /// `true` (every repository of the fleet), `false` (none) or a list of fleet repositories, in fleet order.
    private func repositorySelection(_ value: ConfigJSON, at path: String, fleet: [RepositoryName], owner: String)
        throws(ConfigError) -> [RepositoryName] {
        switch value {
        case .bool(let all): return all ? fleet : []
        case .array(let elements):
            var chosen: [RepositoryName] = []
            for (index, element) in elements.enumerated() {
                let text = try string(element, at: "\(path)[\(index)]")
                let repository = try fleetMember(text, at: "\(path)[\(index)]", fleet: fleet, owner: owner)
                if chosen.contains(repository) {
                    throw ConfigError(file: file, field: "\(path)[\(index)]", problem: "\"\(text)\" is listed twice; remove one")
                }
                chosen.append(repository)
            }
            return fleet.filter(chosen.contains)
        default:
            throw wrongType(value, at: path, expected: "true, false or a list of the fleet's repositories")
        }
    }

    /// The fleet repository `text` names, or an error that says it is not one.
    private func fleetMember(_ text: String, at path: String, fleet: [RepositoryName], owner: String) throws(ConfigError) -> RepositoryName {
        let repository: RepositoryName
        do {
            repository = try RepositoryName(parsing: text, defaultOwner: owner)
        } catch {
            throw ConfigError(file: file, field: path, problem: error.description)
        }
        guard fleet.contains(repository) else {
            let names = fleet.map { $0.owner.lowercased() == owner.lowercased() ? $0.name : $0.fullName }
            let hint = Suggestion.closest(to: text, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ConfigError(file: file, field: path, problem:
                "\"\(text)\" is not a repository of the fleet\(hint); add it to \"repositories\" first, or remove it here")
        }
        return repository
    }

    /// `targets.organization`: `{"name": ORG, "visibility": "selected"|"private"|"all"}`. An organization secret
    /// reaches only the organization's own repositories, so every repository of the fleet must belong to it.
    private func readOrganization(_ value: ConfigJSON, fleet: [RepositoryName]) throws(ConfigError) -> OrganizationTarget {
        let section = try object(value, at: "targets.organization", keys: ["name", "visibility"])
        let name = try string(required(section, "name", at: "targets.organization", hint: "the organization's login, e.g. \"c3-org\""),
                              at: "targets.organization.name")
        if let problem = RepositoryName.ownerProblem(name) {
            throw ConfigError(file: file, field: "targets.organization.name", problem: "\"\(name)\" is not a valid organization name (\(problem))")
        }
        let visibility = try section["visibility"].map { value throws(ConfigError) -> SecretVisibility in
            let text = try string(value, at: "targets.organization.visibility")
            guard let visibility = SecretVisibility(rawValue: text) else {
                throw ConfigError(file: file, field: "targets.organization.visibility", problem:
                    "\"\(text)\" is not a visibility; use \"selected\" (exactly the fleet's repositories), \"private\" or \"all\"")
            }
            return visibility
        } ?? .selected
        let outside = fleet.filter { $0.owner.lowercased() != name.lowercased() }
        if !outside.isEmpty {
            throw ConfigError(file: file, field: "targets.organization.name", problem:
                "an organization secret reaches only the organization's own repositories, and "
                    + outside.map(\.fullName).joined(separator: ", ") + " \(outside.count == 1 ? "is" : "are") not in \(name); "
                    + "set \"owner\" to \(name) or keep repository secrets for the others")
        }
        return OrganizationTarget(name: name, visibility: visibility)
    }

    private func readRepositories(_ value: ConfigJSON, owner: String, platform: RepositoryName)
        throws(ConfigError) -> ([RepositoryName], [RepositoryName]) {
        let section = try object(value, at: "repositories", keys: ["libraries", "applications"])
        var seen: [String: String] = [:]
        var lists: [[RepositoryName]] = []
        for key in ["libraries", "applications"] {
            let listPath = "repositories.\(key)"
            var list: [RepositoryName] = []
            let elements = try section[key].map { value throws(ConfigError) in try array(value, at: listPath) } ?? []
            for (index, element) in elements.enumerated() {
                let path = "\(listPath)[\(index)]"
                let text = try string(element, at: path)
                let repository: RepositoryName
                do {
                    repository = try RepositoryName(parsing: text, defaultOwner: owner)
                } catch {
                    throw ConfigError(file: file, field: path, problem: error.description)
                }
                if let first = seen[repository.key] {
                    throw ConfigError(file: file, field: path, problem:
                        "\"\(text)\" is listed twice (first at \(first); GitHub repository names ignore case); remove one")
                }
                if repository == platform {
                    throw ConfigError(file: file, field: path, problem:
                        "\"\(text)\" is the platform repository (platform.repository), which receives the events "
                            + "and does not hold the secret; remove it from this list")
                }
                seen[repository.key] = path
                list.append(repository)
            }
            lists.append(list)
        }
        if lists.allSatisfy(\.isEmpty) {
            throw ConfigError(file: file, field: "repositories",
                              problem: "lists no repository; add at least one to \"libraries\" or \"applications\"")
        }
        return (lists[0], lists[1])
    }

    private func readPlatform(_ value: ConfigJSON?, owner: String) throws(ConfigError) -> PlatformConfig {
        let section = try value.map { value throws(ConfigError) in
            try object(value, at: "platform", keys: ["repository", "handlerWorkflow", "eventTypes"])
        } ?? [:]
        let text = try section["repository"].map { value throws(ConfigError) in try string(value, at: "platform.repository") }
            ?? PlatformConfig.defaultRepositoryName
        let repository: RepositoryName
        do {
            repository = try RepositoryName(parsing: text, defaultOwner: owner)
        } catch {
            throw ConfigError(file: file, field: "platform.repository", problem: error.description)
        }
        let handler = try section["handlerWorkflow"].map { value throws(ConfigError) in
            try workflowPath(value, at: "platform.handlerWorkflow")
        } ?? PlatformConfig.defaultHandlerWorkflow
        let eventTypes = try section["eventTypes"].map { value throws(ConfigError) in try readEventTypes(value) }
            ?? PlatformConfig.defaultEventTypes
        return PlatformConfig(repository: repository, handlerWorkflow: handler, eventTypes: eventTypes)
    }

    private func readEventTypes(_ value: ConfigJSON) throws(ConfigError) -> [String] {
        let elements = try array(value, at: "platform.eventTypes")
        if elements.isEmpty {
            throw ConfigError(file: file, field: "platform.eventTypes",
                              problem: "is empty; list the repository_dispatch event types the fleet sends")
        }
        var types: [String] = []
        for (index, element) in elements.enumerated() {
            let path = "platform.eventTypes[\(index)]"
            let type = try string(element, at: path)
            guard (1...100).contains(type.count) else {
                throw ConfigError(file: file, field: path, problem: type.isEmpty
                    ? "is empty; an event type has 1 to 100 characters"
                    : "is \(type.count) characters long; GitHub allows 1 to 100")
            }
            if let first = types.firstIndex(of: type) {
                throw ConfigError(file: file, field: path,
                                  problem: "\"\(type)\" is listed twice (first at platform.eventTypes[\(first)]); remove one")
            }
            types.append(type)
        }
        return types
    }

    private func readWorkflows(_ value: ConfigJSON?) throws(ConfigError) -> WorkflowPaths {
        guard let value else { return .default }
        let section = try object(value, at: "workflows", keys: ["libraries", "applications"])
        let libraries = try section["libraries"].map { value throws(ConfigError) in
            try workflowPath(value, at: "workflows.libraries")
        } ?? WorkflowPaths.default.libraries
        let applications = try section["applications"].map { value throws(ConfigError) in
            try workflowPath(value, at: "workflows.applications")
        } ?? WorkflowPaths.default.applications
        return WorkflowPaths(libraries: libraries, applications: applications)
    }

    private func readPolicy(_ value: ConfigJSON?) throws(ConfigError) -> TokenPolicy {
        guard let value else { return .default }
        let defaults = TokenPolicy.default
        let section = try object(value, at: "policy", keys: ["requiredScopes", "rotationDays", "warnDays",
                                                              "criticalDays", "allowNoExpiration"])
        let scopes = try section["requiredScopes"].map { value throws(ConfigError) in try readScopes(value) }
            ?? defaults.requiredScopes
        let rotation = try section["rotationDays"].map { value throws(ConfigError) in
            try integer(value, at: "policy.rotationDays", in: TokenPolicy.rotationDaysRange,
                        why: "a token lives 1 to 366 days")
        } ?? defaults.rotationDays
        let warn = try section["warnDays"].map { value throws(ConfigError) in
            try integer(value, at: "policy.warnDays", in: 0...3660, why: "days before expiry")
        } ?? defaults.warnDays
        let critical = try section["criticalDays"].map { value throws(ConfigError) in
            try integer(value, at: "policy.criticalDays", in: 0...3660, why: "days before expiry")
        } ?? defaults.criticalDays
        if critical > warn {
            throw ConfigError(file: file, field: "policy.criticalDays", problem:
                "\(critical) is more than warnDays (\(warn)); the critical threshold must be at most the warning one")
        }
        let allow = try section["allowNoExpiration"].map { value throws(ConfigError) in
            try bool(value, at: "policy.allowNoExpiration")
        } ?? defaults.allowNoExpiration
        return TokenPolicy(requiredScopes: scopes, rotationDays: rotation, warnDays: warn, criticalDays: critical,
                           allowNoExpiration: allow)
    }

    private func readScopes(_ value: ConfigJSON) throws(ConfigError) -> [String] {
        var scopes: [String] = []
        for (index, element) in try array(value, at: "policy.requiredScopes").enumerated() {
            let path = "policy.requiredScopes[\(index)]"
            let scope = try string(element, at: path)
            guard TokenPolicy.knownScopes.contains(scope) else {
                let hint = Suggestion.closest(to: scope, among: TokenPolicy.knownScopes).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ConfigError(file: file, field: path, problem:
                    "\"\(scope)\" is not a GitHub token scope\(hint); patrol needs \"repo\" and \"workflow\"")
            }
            if let first = scopes.firstIndex(of: scope) {
                throw ConfigError(file: file, field: path,
                                  problem: "\"\(scope)\" is listed twice (first at policy.requiredScopes[\(first)]); remove one")
            }
            scopes.append(scope)
        }
        return scopes
    }

    // MARK: Typed access

    private func required(_ object: Object, _ key: String, at parent: String, hint: String) throws(ConfigError) -> ConfigJSON {
        guard let value = object[key] else {
            throw ConfigError(file: file, field: parent.isEmpty ? key : "\(parent).\(key)",
                              problem: "required key is missing; add it (\(hint))")
        }
        return value
    }

    /// The members of an object, refusing unknown and repeated keys.
    private func object(_ value: ConfigJSON, at path: String, keys: [String]) throws(ConfigError) -> Object {
        guard case let .object(members) = value else { throw wrongType(value, at: path, expected: "an object") }
        var result: Object = [:]
        for member in members {
            let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
            guard keys.contains(member.key) else {
                let problem: String
                if let near = Suggestion.closest(to: member.key, among: keys) {
                    problem = "unknown key; did you mean \"\(near)\"?"
                } else {
                    problem = "unknown key; the keys allowed here are " + keys.map { "\"\($0)\"" }.joined(separator: ", ")
                }
                throw ConfigError(file: file, field: memberPath, problem: problem)
            }
            guard result[member.key] == nil else {
                throw ConfigError(file: file, field: memberPath, problem: "appears twice; keep one")
            }
            result[member.key] = member.value
        }
        return result
    }

    private func array(_ value: ConfigJSON, at path: String) throws(ConfigError) -> [ConfigJSON] {
        guard case let .array(elements) = value else { throw wrongType(value, at: path, expected: "an array") }
        return elements
    }

    private func string(_ value: ConfigJSON, at path: String) throws(ConfigError) -> String {
        guard case let .string(text) = value else { throw wrongType(value, at: path, expected: "a string") }
        return text
    }

    private func nonEmptyString(_ value: ConfigJSON, at path: String) throws(ConfigError) -> String {
        let text = try string(value, at: path)
        if text.isEmpty { throw ConfigError(file: file, field: path, problem: "is empty; give a value or leave the key out") }
        return text
    }

    private func workflowPath(_ value: ConfigJSON, at path: String) throws(ConfigError) -> String {
        let text = try nonEmptyString(value, at: path)
        guard text.hasPrefix(".github/workflows/"), text.hasSuffix(".yml") || text.hasSuffix(".yaml"),
              text.count > ".github/workflows/.yml".count - 1 else {
            throw ConfigError(file: file, field: path, problem:
                "\"\(text)\" is not a workflow file; GitHub runs only \".github/workflows/NAME.yml\" (or .yaml)")
        }
        return text
    }

    private func bool(_ value: ConfigJSON, at path: String) throws(ConfigError) -> Bool {
        guard case let .bool(flag) = value else { throw wrongType(value, at: path, expected: "true or false") }
        return flag
    }

    private func integer(_ value: ConfigJSON, at path: String, in range: ClosedRange<Int>, why: String) throws(ConfigError) -> Int {
        guard case let .number(text) = value else { throw wrongType(value, at: path, expected: "a whole number") }
        guard let number = Int(text) else {
            throw ConfigError(file: file, field: path, problem: "\(text) is not a whole number; write it without a fraction or exponent")
        }
        guard range.contains(number) else {
            throw ConfigError(file: file, field: path,
                              problem: "\(number) is out of range; use \(range.lowerBound) to \(range.upperBound) (\(why))")
        }
        return number
    }

    private func wrongType(_ value: ConfigJSON, at path: String, expected: String) -> ConfigError {
        ConfigError(file: file, field: path.isEmpty ? "" : path, problem: "expected \(expected), found \(value.kindDescription)")
    }

    package init(file: String) {
        self.file = file
    }
}
