import FoundationEssentials
import GitHubSimulator
import PatrolCore
import PatrolCLI

/// The fleet `patrol demo` and `patrol simulator` serve: the config's, wired as the setup guide describes
/// (the platform's handler, each library's publish workflow, each application's CI), so that every example
/// in the docs, doctor included, can be reproduced against the simulator (spec §3.8).
package enum SimulatedFleet {
    /// What the built-in fleet is called in messages.
    package static let builtInName = "the built-in c3 fleet"

    /// patrol's own c3 fleet, the same as the shipped `config/fleet.json` (a test keeps the two equal).
    package static let builtInText = """
        {
          "owner": "garrick0",
          "secret": "PAT_TOKEN",
          "repositories": {
            "libraries": ["c3-shared", "c3-parsing", "c3-compliance", "c3-projection", "c3-discovery", "c3-wiring"],
            "applications": ["c3-cli", "c3-bff", "c3-web"]
          },
          "platform": {
            "repository": "c3-platform",
            "handlerWorkflow": ".github/workflows/handle-events.yml",
            "eventTypes": ["dependency_updated", "build_completed", "build_failed"]
          },
          "workflows": {
            "libraries": ".github/workflows/publish.yml",
            "applications": ".github/workflows/ci.yml"
          },
          "policy": {
            "requiredScopes": ["repo", "workflow"],
            "rotationDays": 90,
            "warnDays": 14,
            "criticalDays": 7,
            "allowNoExpiration": false
          },
          "tokenDescription": "C3_PLATFORM_ORCHESTRATION",
          "ledger": "ledger.json"
        }
        """

    /// The built-in fleet as a config.
    package static func builtIn() throws(ConfigError) -> FleetConfig {
        try FleetConfig.parse(Array(builtInText.utf8), path: builtInName)
    }

    /// The config named by `--config` or `$PATROL_CONFIG`; when neither names one and there is no
    /// `./config/fleet.json`, the built-in fleet, so that the simulator and the demo run from any folder.
    package static func config(_ invocation: some CommandArguments, context: Context) throws -> (config: FleetConfig, builtIn: Bool) {
        let path = FleetConfig.locate(flag: invocation.global.configPath, environment: context.environment)
        if path == FleetConfig.defaultPath, !FileManager.default.fileExists(atPath: path) {
            return (try builtIn(), true)
        }
        return (try context.fleetConfig(invocation), false)
    }

    /// Adds the fleet's repositories and the platform to `simulator` and writes their workflow files as the guide describes.
    package static func serve(_ config: FleetConfig, on simulator: GitHubSimulator) {
        for repository in config.repositories + [config.platform.repository] {
            simulator.addRepository(repository.fullName)
        }
        simulator.wireFleetAsGuideDescribes(
            owner: config.owner, libraries: config.libraries.map(\.fullName), applications: config.applications.map(\.fullName),
            platform: config.platform.repository.fullName, eventTypes: config.platform.eventTypes, secret: config.secret,
            handlerPath: config.platform.handlerWorkflow, libraryWorkflowPath: config.workflows.libraries,
            applicationWorkflowPath: config.workflows.applications)
    }

    /// A throw-away token for the fleet's owner with the policy's scopes, expiring after `rotationDays`.
    package static func mint(_ config: FleetConfig, on simulator: GitHubSimulator) -> String {
        simulator.mintToken(login: config.owner, scopes: config.policy.requiredScopes,
                            expiresAt: Date().addingTimeInterval(Double(config.policy.rotationDays) * 86_400))
    }
}
