import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolGitHub
@testable import PatrolCore

@Suite("Fleet config: targets")
struct TargetsConfigTests {
    private static func config(owner: String = "garrick0", targets: String) throws(ConfigError) -> FleetConfig {
        let text = """
            {"owner": "\(owner)", "secret": "PAT_TOKEN",
             "repositories": {"libraries": ["c3-shared", "c3-parsing"], "applications": ["c3-bff", "c3-web"]},
             "targets": \(targets)}
            """
        return try FleetConfig.parse(Array(text.utf8), path: "config/fleet.json")
    }

    @Test("without targets: a repository Actions secret in every repository, as before")
    func noTargets() throws {
        let text = #"{"owner": "garrick0", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared", "c3-web"]}}"#
        let config = try FleetConfig.parse(Array(text.utf8), path: "config/fleet.json")
        #expect(config.targets == .repositoryOnly)
        #expect(config.secretTargets().map(\.id) == ["repo:garrick0/c3-shared", "repo:garrick0/c3-web"])
    }

    @Test("spec §9's example: every kind, in kind order, repositories in fleet order; --targets and --repos narrow them")
    func specExample() throws {
        let config = try Self.config(owner: "c3-org", targets: """
            {"repository": true, "environments": {"c3-web": ["production"], "c3-bff": ["production", "staging"]},
             "dependabot": ["c3-parsing", "c3-shared"], "codespaces": false, "organization": {"name": "c3-org", "visibility": "selected"}}
            """)
        #expect(config.secretTargets().map(\.id) == [
            "repo:c3-org/c3-shared", "repo:c3-org/c3-parsing", "repo:c3-org/c3-bff", "repo:c3-org/c3-web",
            "env:c3-org/c3-bff/production", "env:c3-org/c3-bff/staging", "env:c3-org/c3-web/production",
            "dependabot:c3-org/c3-shared", "dependabot:c3-org/c3-parsing", "org:c3-org",
        ])
        #expect(config.targets.organization == OrganizationTarget(name: "c3-org", visibility: .selected))
        let web = try RepositoryName(parsing: "c3-web", defaultOwner: "c3-org")
        #expect(config.secretTargets(of: [web], kinds: [.environment, .organization]).map(\.id) == ["env:c3-org/c3-web/production", "org:c3-org"])
    }

    @Test("organization alone replaces the repository copies; visibility defaults to selected; true selects every repository")
    func organizationDefaults() throws {
        let config = try Self.config(owner: "c3-org", targets: #"{"organization": {"name": "c3-org"}, "codespaces": true}"#)
        #expect(!config.targets.repository)
        #expect(config.targets.organization?.visibility == .selected)
        #expect(config.secretTargets().map(\.kind) == [.codespaces, .codespaces, .codespaces, .codespaces, .organization])
    }

    @Test("each mistake is named with its field, and loading stops (exit 2)", arguments: [
        (#"{"environments": {"c3-wbe": ["production"]}}"#, "targets.environments.c3-wbe", "is not a repository of the fleet (did you mean \"c3-web\"?)"),
        (#"{"dependabot": ["c3-shared", "c3-other"]}"#, "targets.dependabot[1]", "\"c3-other\" is not a repository of the fleet"),
        (#"{"codespaces": ["c3-platform"]}"#, "targets.codespaces[0]", "is not a repository of the fleet"),
        (#"{"codespaces": "yes"}"#, "targets.codespaces", "expected true, false or a list"),
        (#"{"organization": {"name": "c3-org", "visibility": "public"}}"#, "targets.organization.visibility", "\"public\" is not a visibility"),
        (#"{"organization": {"visibility": "all"}}"#, "targets.organization.name", "required key is missing"),
        (#"{"organization": {"name": "c3-org"}}"#, "targets.organization.name", "garrick0/c3-shared, garrick0/c3-parsing, garrick0/c3-bff, garrick0/c3-web are not in c3-org"),
        (#"{"environments": {"c3-web": []}}"#, "targets.environments.c3-web", "is empty"),
        (#"{"environments": {"c3-web": ["production", "Production"]}}"#, "targets.environments.c3-web[1]", "listed twice"),
        (#"{"repository": false}"#, "targets", "names no place for the secret"),
        (#"{"repositories": true}"#, "targets.repositories", "unknown key; did you mean \"repository\"?"),
    ])
    func mistakes(targets: String, field: String, problem: String) throws {
        let error = try #require(throws: ConfigError.self) { try Self.config(targets: targets) }
        #expect(error.field == field)
        #expect(error.problem.contains(problem), "\(error.problem)")
        #expect(ExitCode.for(error) == .usage)
    }
}
