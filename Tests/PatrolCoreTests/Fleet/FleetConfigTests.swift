import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The shipped config's text, which most error cases mutate in one place.
private let shippedConfigPath: String = {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/fleet.json").path
}()

private func shippedText() throws -> String {
    try String(contentsOfFile: shippedConfigPath, encoding: .utf8)
}

private func parse(_ text: String, path: String = "config/fleet.json") throws(ConfigError) -> FleetConfig {
    try FleetConfig.parse(Array(text.utf8), path: path)
}

/// One mistake: replace `old` with `new` in the shipped config and expect `field` and `problem`.
struct ConfigMistake: CustomTestStringConvertible, Sendable {
    let name: String
    let old: String
    let new: String
    let field: String
    let problem: String
    var testDescription: String { name }
}

@Suite("Fleet config")
struct FleetConfigTests {
    @Test("the shipped config/fleet.json loads: 9 repositories and the platform")
    func shippedConfig() throws {
        let config = try FleetConfig.load(path: shippedConfigPath)
        #expect(config.owner == "garrick0")
        #expect(config.secret == "PAT_TOKEN")
        #expect(config.libraries.map(\.name) == ["c3-shared", "c3-parsing", "c3-compliance", "c3-projection",
                                                 "c3-discovery", "c3-wiring"])
        #expect(config.applications.map(\.name) == ["c3-cli", "c3-bff", "c3-web"])
        #expect(config.repositories.count == 9)
        #expect(config.repositories.allSatisfy { $0.owner == "garrick0" })
        #expect(config.platform.repository.fullName == "garrick0/c3-platform")
        #expect(config.platform.handlerWorkflow == ".github/workflows/handle-events.yml")
        #expect(config.platform.eventTypes == ["dependency_updated", "build_completed", "build_failed"])
        #expect(config.workflows == .default)
        #expect(config.policy == .default)
        #expect(config.tokenDescription == "C3_PLATFORM_ORCHESTRATION")
        #expect(config.apiURL == nil)
        #expect(config.ledgerPath.hasSuffix("config/ledger.json"))
        #expect(config.path == shippedConfigPath)
    }

    @Test("only owner, secret and repositories are required; the rest takes §2's defaults")
    func defaults() throws {
        let config = try parse(#"{"owner": "acme", "secret": "S", "repositories": {"applications": ["web"]}}"#)
        #expect(config.libraries.isEmpty)
        #expect(config.applications.map(\.fullName) == ["acme/web"])
        #expect(config.platform == PlatformConfig(repository: try RepositoryName(owner: "acme", name: "c3-platform")))
        #expect(config.platform.eventTypes == ["dependency_updated", "build_completed", "build_failed"])
        #expect(config.workflows.libraries == ".github/workflows/publish.yml")
        #expect(config.workflows.applications == ".github/workflows/ci.yml")
        #expect(config.policy.requiredScopes == ["repo", "workflow"])
        #expect(config.policy.rotationDays == 90)
        #expect(config.policy.warnDays == 14)
        #expect(config.policy.criticalDays == 7)
        #expect(config.policy.allowNoExpiration == false)
        #expect(config.tokenDescription == "C3_PLATFORM_ORCHESTRATION")
        #expect(config.apiURL == nil)
        #expect(config.ledgerPath == "config/ledger.json")
    }

    @Test("optional values are read when given")
    func optionalValues() throws {
        let config = try parse("""
            {"owner": "acme", "secret": "FLEET_PAT", "repositories": {"libraries": ["lib", "other/lib2"]},
             "platform": {"repository": "hub/orchestrator", "handlerWorkflow": ".github/workflows/h.yaml", "eventTypes": ["go"]},
             "workflows": {"libraries": ".github/workflows/release.yml"},
             "policy": {"requiredScopes": ["repo"], "rotationDays": 30, "warnDays": 0, "criticalDays": 0, "allowNoExpiration": true},
             "tokenDescription": "FLEET", "apiURL": "https://ghe.example.com/api/v3", "ledger": "/var/lib/patrol/ledger.json"}
            """)
        #expect(config.libraries.map(\.fullName) == ["acme/lib", "other/lib2"])
        #expect(config.platform.repository.fullName == "hub/orchestrator")
        #expect(config.platform.handlerWorkflow == ".github/workflows/h.yaml")
        #expect(config.platform.eventTypes == ["go"])
        #expect(config.workflows == WorkflowPaths(libraries: ".github/workflows/release.yml", applications: ".github/workflows/ci.yml"))
        #expect(config.policy == TokenPolicy(requiredScopes: ["repo"], rotationDays: 30, warnDays: 0, criticalDays: 0,
                                             allowNoExpiration: true))
        #expect(config.tokenDescription == "FLEET")
        #expect(config.apiURL == "https://ghe.example.com/api/v3")
        #expect(config.ledgerPath == "/var/lib/patrol/ledger.json")
        #expect(config.role(of: try RepositoryName(owner: "other", name: "LIB2")) == .library)
        #expect(config.role(of: config.platform.repository) == .platform)
        #expect(config.workflowPath(of: config.libraries[0]) == ".github/workflows/release.yml")
    }

    @Test("Data and bytes parse alike")
    func dataOverload() throws {
        let text = #"{"owner": "o", "secret": "S", "repositories": {"libraries": ["a"]}}"#
        #expect(try FleetConfig.parse(Data(text.utf8), path: "f.json") == parse(text, path: "f.json"))
    }

    @Test("the ledger path is resolved against the config file's folder", arguments: [
        ("config/fleet.json", "ledger.json", "config/ledger.json"),
        ("fleet.json", "ledger.json", "ledger.json"),
        ("/etc/patrol/fleet.json", "state/ledger.json", "/etc/patrol/state/ledger.json"),
        ("config/fleet.json", "../ledger.json", "config/../ledger.json"),
        ("config/fleet.json", "/srv/ledger.json", "/srv/ledger.json"),
        ("./config/fleet.json", "l.json", "./config/l.json"),
    ])
    func ledgerResolution(configPath: String, ledger: String, expected: String) throws {
        let text = #"{"owner": "o", "secret": "S", "repositories": {"libraries": ["a"]}, "ledger": "\#(ledger)"}"#
        #expect(try parse(text, path: configPath).ledgerPath == expected)
    }

    static let policyBlock = """
        "policy": {
            "requiredScopes": ["repo", "workflow"],
            "rotationDays": 90,
            "warnDays": 14,
            "criticalDays": 7,
            "allowNoExpiration": false
          }
        """
    static let repositoriesBlock = """
        "repositories": {
            "libraries": ["c3-shared", "c3-parsing", "c3-compliance", "c3-projection", "c3-discovery", "c3-wiring"],
            "applications": ["c3-cli", "c3-bff", "c3-web"]
          }
        """

    static let mistakes: [ConfigMistake] = [
        .init(name: "unknown top-level key with suggestion", old: #""ledger""#, new: #""ledgr""#,
              field: "ledgr", problem: #"unknown key; did you mean "ledger"?"#),
        .init(name: "unknown nested key with suggestion", old: #""warnDays""#, new: #""warnDay""#,
              field: "policy.warnDay", problem: #"unknown key; did you mean "warnDays"?"#),
        .init(name: "unknown key without a close match lists the keys", old: #""ledger": "ledger.json""#,
              new: #""ledger": "ledger.json", "colour": "blue""#,
              field: "colour", problem: #"unknown key; the keys allowed here are "owner", "secret""#),
        .init(name: "unknown key in repositories", old: #""applications": ["#, new: #""aplications": ["#,
              field: "repositories.aplications", problem: #"did you mean "applications"?"#),
        .init(name: "repeated key", old: #""secret": "PAT_TOKEN","#, new: #""secret": "PAT_TOKEN", "secret": "OTHER","#,
              field: "secret", problem: "appears twice"),
        .init(name: "missing owner", old: #""owner": "garrick0","#, new: "",
              field: "owner", problem: "required key is missing"),
        .init(name: "missing secret", old: #""secret": "PAT_TOKEN","#, new: "",
              field: "secret", problem: "required key is missing"),
        .init(name: "missing repositories", old: #""repositories": {"#, new: #""unused": {"#,
              field: "unused", problem: "unknown key"),
        .init(name: "wrong type: string for a number", old: #""rotationDays": 90"#, new: #""rotationDays": "90""#,
              field: "policy.rotationDays", problem: "expected a whole number, found a string"),
        .init(name: "wrong type: string for a bool", old: #""allowNoExpiration": false"#, new: #""allowNoExpiration": "no""#,
              field: "policy.allowNoExpiration", problem: "expected true or false, found a string"),
        .init(name: "wrong type: number for a string", old: #""tokenDescription": "C3_PLATFORM_ORCHESTRATION""#,
              new: #""tokenDescription": 5"#, field: "tokenDescription", problem: "expected a string, found a number"),
        .init(name: "wrong type: array for an object", old: policyBlock, new: #""policy": []"#,
              field: "policy", problem: "expected an object, found an array"),
        .init(name: "wrong type: string for an array", old: #""eventTypes": ["dependency_updated", "build_completed", "build_failed"]"#,
              new: #""eventTypes": "build_failed""#, field: "platform.eventTypes", problem: "expected an array, found a string"),
        .init(name: "wrong type: null for a string", old: #""owner": "garrick0""#, new: #""owner": null"#,
              field: "owner", problem: "expected a string, found null"),
        .init(name: "fractional number", old: #""rotationDays": 90"#, new: #""rotationDays": 90.5"#,
              field: "policy.rotationDays", problem: "90.5 is not a whole number"),
        .init(name: "invalid repository name", old: #""c3-compliance""#, new: #""c3 compliance""#,
              field: "repositories.libraries[2]",
              problem: #""c3 compliance" is not a valid repository name (letters, digits, "-", "_" and "." only)"#),
        .init(name: "repository name \".\"", old: #""c3-bff""#, new: #"".""#,
              field: "repositories.applications[1]", problem: #"".\" and \"..\" are reserved"#.replacingOccurrences(of: "\\", with: "")),
        .init(name: "repository name \"..\" with owner", old: #""c3-bff""#, new: #""garrick0/..""#,
              field: "repositories.applications[1]", problem: #"".." is not a valid repository name"#),
        .init(name: "repository name too long", old: #""c3-bff""#, new: "\"" + String(repeating: "a", count: 101) + "\"",
              field: "repositories.applications[1]", problem: "longer than 100 characters"),
        .init(name: "invalid owner in owner/name", old: #""c3-bff""#, new: #""bad_owner/c3-bff""#,
              field: "repositories.applications[1]", problem: #""bad_owner" is not a valid account name"#),
        .init(name: "owner ending with a dash", old: #""c3-bff""#, new: #""owner-/c3-bff""#,
              field: "repositories.applications[1]", problem: #"starts or ends with "-""#),
        .init(name: "two slashes", old: #""c3-bff""#, new: #""a/b/c""#,
              field: "repositories.applications[1]", problem: #""a/b/c" is not a repository; write "name" or "owner/name""#),
        .init(name: "empty repository name", old: #""c3-bff""#, new: #""""#,
              field: "repositories.applications[1]", problem: "it is empty"),
        .init(name: "invalid top-level owner", old: #""owner": "garrick0""#, new: #""owner": "garrick 0""#,
              field: "owner", problem: #""garrick 0" is not a valid GitHub account name"#),
        .init(name: "owner longer than 39", old: #""owner": "garrick0""#, new: "\"owner\": \"\(String(repeating: "g", count: 40))\"",
              field: "owner", problem: "longer than 39 characters"),
        .init(name: "duplicate across lists", old: #""c3-cli""#, new: #""c3-shared""#,
              field: "repositories.applications[0]", problem: "is listed twice (first at repositories.libraries[0]"),
        .init(name: "duplicate spelled owner/name in another case", old: #""c3-web""#, new: #""Garrick0/C3-Parsing""#,
              field: "repositories.applications[2]", problem: "is listed twice (first at repositories.libraries[1]"),
        .init(name: "duplicate inside one list", old: #""c3-wiring""#, new: #""c3-discovery""#,
              field: "repositories.libraries[5]", problem: "first at repositories.libraries[4]"),
        .init(name: "platform listed as a fleet member", old: #""c3-web""#, new: #""c3-platform""#,
              field: "repositories.applications[2]", problem: "is the platform repository"),
        .init(name: "empty repositories", old: repositoriesBlock,
              new: #""repositories": {"libraries": [], "applications": []}"#, field: "repositories", problem: "lists no repository"),
        .init(name: "secret starting with a digit", old: #""PAT_TOKEN""#, new: #""1PAT""#,
              field: "secret", problem: "must not start with a digit"),
        .init(name: "secret with GITHUB_ prefix in lower case", old: #""PAT_TOKEN""#, new: #""github_pat""#,
              field: "secret", problem: #"starting with "GITHUB_" are reserved"#),
        .init(name: "secret with a dash", old: #""PAT_TOKEN""#, new: #""PAT-TOKEN""#,
              field: "secret", problem: #"letters, digits and "_" only"#),
        .init(name: "empty secret", old: #""PAT_TOKEN""#, new: #""""#, field: "secret", problem: "it is empty"),
        .init(name: "rotationDays 0", old: #""rotationDays": 90"#, new: #""rotationDays": 0"#,
              field: "policy.rotationDays", problem: "0 is out of range; use 1 to 366"),
        .init(name: "rotationDays 367", old: #""rotationDays": 90"#, new: #""rotationDays": 367"#,
              field: "policy.rotationDays", problem: "367 is out of range; use 1 to 366"),
        .init(name: "negative warnDays", old: #""warnDays": 14"#, new: #""warnDays": -1"#,
              field: "policy.warnDays", problem: "-1 is out of range; use 0 to"),
        .init(name: "criticalDays above warnDays", old: #""criticalDays": 7"#, new: #""criticalDays": 20"#,
              field: "policy.criticalDays", problem: "20 is more than warnDays (14)"),
        .init(name: "empty eventTypes", old: #"["dependency_updated", "build_completed", "build_failed"]"#, new: "[]",
              field: "platform.eventTypes", problem: "is empty"),
        .init(name: "duplicate event type", old: #""build_failed"]"#, new: #""build_completed"]"#,
              field: "platform.eventTypes[2]", problem: "listed twice (first at platform.eventTypes[1])"),
        .init(name: "empty event type", old: #""build_failed"]"#, new: #"""]"#,
              field: "platform.eventTypes[2]", problem: "1 to 100 characters"),
        .init(name: "event type over 100 characters", old: #""build_failed"]"#, new: "\"\(String(repeating: "e", count: 101))\"]",
              field: "platform.eventTypes[2]", problem: "101 characters long; GitHub allows 1 to 100"),
        .init(name: "event type not a string", old: #""build_failed"]"#, new: "7]",
              field: "platform.eventTypes[2]", problem: "expected a string, found a number"),
        .init(name: "unknown scope with suggestion", old: #""workflow"]"#, new: #""worfklow"]"#,
              field: "policy.requiredScopes[1]", problem: #""worfklow" is not a GitHub token scope (did you mean "workflow"?)"#),
        .init(name: "duplicate scope", old: #""workflow"]"#, new: #""repo"]"#,
              field: "policy.requiredScopes[1]", problem: "listed twice"),
        .init(name: "apiURL not a string", old: #""ledger": "ledger.json""#, new: #""ledger": "ledger.json", "apiURL": 443"#,
              field: "apiURL", problem: "expected a string, found a number"),
        .init(name: "empty apiURL", old: #""ledger": "ledger.json""#, new: #""ledger": "ledger.json", "apiURL": """#,
              field: "apiURL", problem: "is empty"),
        .init(name: "empty ledger", old: #""ledger": "ledger.json""#, new: #""ledger": """#,
              field: "ledger", problem: "is empty"),
        .init(name: "ledger not a string", old: #""ledger": "ledger.json""#, new: #""ledger": false"#,
              field: "ledger", problem: "expected a string, found true or false"),
        .init(name: "handler outside .github/workflows", old: #"".github/workflows/handle-events.yml""#, new: #""handle-events.yml""#,
              field: "platform.handlerWorkflow", problem: "is not a workflow file"),
        .init(name: "workflow without .yml", old: #"".github/workflows/ci.yml""#, new: #"".github/workflows/ci.json""#,
              field: "workflows.applications", problem: "is not a workflow file"),
        .init(name: "invalid platform repository", old: #""repository": "c3-platform""#, new: #""repository": "c3 platform""#,
              field: "platform.repository", problem: #""c3 platform" is not a valid repository name"#),
    ]

    @Test("each mistake names the file, the field path and the problem", arguments: mistakes)
    func mistake(_ mistake: ConfigMistake) throws {
        let text = try shippedText()
        try #require(text.contains(mistake.old), "the shipped config no longer contains \(mistake.old)")
        let error = try #require(throws: ConfigError.self) {
            try parse(text.replacingOccurrences(of: mistake.old, with: mistake.new))
        }
        #expect(error.file == "config/fleet.json")
        #expect(error.field == mistake.field)
        #expect(error.problem.contains(mistake.problem), "\(error.problem)")
        #expect(error.description.hasPrefix("config/fleet.json: \(mistake.field): "))
    }

    @Test("the spec's example message is produced word for word")
    func specExample() throws {
        let text = try shippedText().replacingOccurrences(of: #""c3-compliance""#, with: #""c3 compliance""#)
        let error = try #require(throws: ConfigError.self) { try parse(text) }
        #expect(error.description == #"config/fleet.json: repositories.libraries[2]: "c3 compliance" is not a valid repository name (letters, digits, "-", "_" and "." only)"#)
    }

    @Test("text that is not JSON is reported with line and column")
    func notJSON() throws {
        let error = try #require(throws: ConfigError.self) {
            try parse("{\n  \"owner\": \"garrick0\",\n  \"secret\": PAT_TOKEN\n}")
        }
        #expect(error.field == "")
        #expect(error.description.hasPrefix("config/fleet.json: not valid JSON: line 3, column 13:"))
    }

    @Test("a top level that is not an object is refused")
    func topLevelNotObject() throws {
        let error = try #require(throws: ConfigError.self) { try parse(#"["garrick0"]"#) }
        #expect(error.description == "config/fleet.json: the top level must be a JSON object ({ … }), found an array")
    }

    @Test("a missing file says how to point patrol at one")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-missing-\(UUID()).json").path
        let error = try #require(throws: ConfigError.self) { try FleetConfig.load(path: path) }
        #expect(error.file == path)
        #expect(error.problem.contains("no such file"))
        #expect(error.problem.contains("--config"))
        #expect(error.problem.contains("PATROL_CONFIG"))
    }

    @Test("a folder is not a config file")
    func folder() throws {
        let error = try #require(throws: ConfigError.self) {
            try FleetConfig.load(path: FileManager.default.temporaryDirectory.path)
        }
        #expect(error.problem.contains("is a folder"))
    }

    @Test("an unreadable file is reported as such", .enabled(if: getuid() != 0, "root reads every file"))
    func unreadable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-unreadable-\(UUID()).json").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("{}".utf8), attributes: [.posixPermissions: 0o000]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: ConfigError.self) { try FleetConfig.load(path: path) }
        #expect(error.problem.contains("cannot be read"))
    }

    @Test("a config is found by --config, then PATROL_CONFIG, then config/fleet.json")
    func locate() {
        #expect(FleetConfig.locate(flag: "a.json", environment: ["PATROL_CONFIG": "b.json"]) == "a.json")
        #expect(FleetConfig.locate(flag: nil, environment: ["PATROL_CONFIG": "b.json"]) == "b.json")
        #expect(FleetConfig.locate(flag: nil, environment: ["PATROL_CONFIG": ""]) == "config/fleet.json")
        #expect(FleetConfig.locate(flag: nil, environment: [:]) == "config/fleet.json")
    }
}

@Suite("Fleet selection (--repos)")
struct FleetSelectionTests {
    let config: FleetConfig

    init() throws {
        config = try FleetConfig.load(path: shippedConfigPath)
    }

    @Test("no selection is the whole fleet")
    func whole() throws {
        #expect(try config.selecting(nil) == config.repositories)
    }

    @Test("names and owner/name pick members in fleet order, ignoring case and repeats")
    func subset() throws {
        let chosen = try config.selecting(["c3-web", "garrick0/c3-shared", "C3-WEB"])
        #expect(chosen.map(\.fullName) == ["garrick0/c3-shared", "garrick0/c3-web"])
    }

    @Test("every unknown entry is named, with a suggestion and the fleet's members")
    func unknown() throws {
        let error = try #require(throws: ConfigError.self) { try config.selecting(["c3-wbe", "elsewhere", "c3-cli"]) }
        #expect(error.field == "--repos")
        #expect(error.problem.contains(#""c3-wbe" is not in the fleet (did you mean "c3-web"?)"#))
        #expect(error.problem.contains(#""elsewhere" is not in the fleet"#))
        #expect(!error.problem.contains(#""c3-cli" is not"#))
        #expect(error.problem.contains("the fleet is: c3-shared, c3-parsing, c3-compliance"))
    }

    @Test("another owner's repository of the same name is not a member")
    func otherOwner() throws {
        let error = try #require(throws: ConfigError.self) { try config.selecting(["someone/c3-web"]) }
        #expect(error.problem.contains(#""someone/c3-web" is not in the fleet"#))
    }

    @Test("the platform repository cannot be selected")
    func platform() throws {
        let error = try #require(throws: ConfigError.self) { try config.selecting(["c3-platform"]) }
        #expect(error.problem.contains("is the platform repository"))
    }

    @Test("an invalid name is reported as such")
    func invalidName() throws {
        let error = try #require(throws: ConfigError.self) { try config.selecting(["c3 web"]) }
        #expect(error.problem.contains(#""c3 web" is not a valid repository name"#))
    }
}
