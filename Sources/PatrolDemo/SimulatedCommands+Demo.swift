import PatrolCLI

extension SimulatedCommands {
    /// The demo and simulator commands of this target, for ``Patrol/main(arguments:simulated:)``.
    package static let builtIn = SimulatedCommands(
        demo: { try await DemoCommand.run($0, context: $1) },
        simulator: { try await SimulatorCommand.run($0, context: $1) })
}
