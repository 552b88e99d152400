import Foundation
import Testing
@testable import GitHubSimulator

/// Which copy of a secret a workflow run reads: environment over repository over organization (only where the
/// organization secret reaches the repository); a Dependabot-triggered run reads Dependabot secrets only.
@Suite("Secret precedence in workflow runs")
struct SecretPrecedenceTests {
    static func simulator() -> GitHubSimulator {
        let simulator = GitHubSimulator()
        simulator.addOrganization("octo-org")
        simulator.addRepository("octo-org/app")
        simulator.addRepository("octo-org/web")
        simulator.addRepository("octo/tools")
        simulator.addEnvironment("production", to: "octo-org/app")
        return simulator
    }

    @Test func environmentOverRepositoryOverOrganization() {
        let simulator = Self.simulator()
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app") == nil)
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization("octo-org"), value: "from-org")
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "octo-org", visibility: .all)
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app")?.source == .organization("octo-org"))
        #expect(simulator.secretSeenByWorkflow("pat_token", in: "octo-org/app")?.plaintext == "from-org")

        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .repository("octo-org/app"), value: "from-repo")
        let repository = simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", environment: "production")
        #expect(repository?.source == .repository("octo-org/app"))
        #expect(repository?.plaintext == "from-repo")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/web")?.plaintext == "from-org")

        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .environment(repository: "octo-org/app", name: "production"), value: "from-env")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", environment: "Production")?.plaintext == "from-env")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", environment: "Production")?.source
            == .environment(repository: "octo-org/app", name: "production"))
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app")?.plaintext == "from-repo", "a job outside the environment")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", environment: "staging")?.plaintext == "from-repo")
    }

    @Test func anOrganizationSecretReachesOnlyWhatItsVisibilityAndSelectionAllow() throws {
        let simulator = Self.simulator()
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization("octo-org"), value: "from-org")
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "octo-org", visibility: .selected, repositories: ["octo-org/web"])
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/web")?.plaintext == "from-org")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app") == nil)
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo/tools") == nil, "another owner's repository")
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "octo-org", visibility: .selected)
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/web") == nil, "selected, reaching nothing")
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "octo-org", visibility: .private)
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app")?.plaintext == "from-org")
    }

    @Test func aDependabotRunReadsDependabotSecretsOnly() {
        let simulator = Self.simulator()
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .organization("octo-org"), value: "from-org")
        simulator.setOrganizationSecretAccess("PAT_TOKEN", in: "octo-org", visibility: .all)
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .repository("octo-org/app"), value: "from-repo")
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .environment(repository: "octo-org/app", name: "production"), value: "from-env")
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .codespaces("octo-org/app"), value: "from-codespaces")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", environment: "production", triggeredByDependabot: true) == nil)
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .dependabot("octo-org/app"), value: "from-dependabot")
        let seen = simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app", triggeredByDependabot: true)
        #expect(seen?.source == .dependabot("octo-org/app"))
        #expect(seen?.plaintext == "from-dependabot")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app")?.plaintext == "from-repo", "Dependabot copies are not Actions copies")
    }

    @Test func codespacesSecretsNeverReachAWorkflow() {
        let simulator = Self.simulator()
        simulator.writeSecretOutsidePatrol("PAT_TOKEN", in: .codespaces("octo-org/app"), value: "from-codespaces")
        #expect(simulator.secretSeenByWorkflow("PAT_TOKEN", in: "octo-org/app") == nil)
    }
}
