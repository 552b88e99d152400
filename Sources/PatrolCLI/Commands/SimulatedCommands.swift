import FoundationEssentials
import PatrolCore

/// The two commands that serve the GitHub simulator, `patrol demo` and `patrol simulator`. They live in
/// PatrolDemo, the one target that links the simulator, and reach ``Patrol/run(arguments:context:simulated:)``
/// through this value, so that no library holding patrol's logic depends on the simulator.
package struct SimulatedCommands: Sendable {
    /// Runs one command with its parsed arguments.
    package typealias Runner<Arguments> = @Sendable (Arguments, Context) async throws -> ExitCode

    /// `patrol demo`.
    package let demo: Runner<DemoArguments>
    /// `patrol simulator`.
    package let simulator: Runner<SimulatorArguments>

    package init(demo: @escaping Runner<DemoArguments>, simulator: @escaping Runner<SimulatorArguments>) {
        self.demo = demo
        self.simulator = simulator
    }

    /// A build of patrol without the simulator was asked for `demo` or `simulator`.
    package struct Missing: Error, CustomStringConvertible {
        /// The command that was asked for.
        package let command: String
        package var description: String {
            "patrol \(command) needs the GitHub simulator, which this build of patrol does not include; run the patrol executable"
        }

        package init(command: String) {
            self.command = command
        }
    }
}
