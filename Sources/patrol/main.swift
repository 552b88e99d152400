import Glibc
import PatrolCLI
import PatrolDemo

// All of patrol lives in its libraries; this file only hands it the process, the demo commands and the commit it was
// built from (`buildCommit`, written by the BuildCommit plugin). Patrol.main returns only after its HTTP thread and
// servers have stopped, so exit() races nothing.
// The allocator's limits first, while this is the only thread (MallocTuning says why).
MallocTuning.apply()
await runThenExit()

/// Runs patrol and exits from the thread its last step ran on. Top-level code is on the main actor, and on Linux
/// the main queue has no thread of its own once the run is under way: returning there to call exit() would wait for
/// a new thread to be started for it (up to a few milliseconds on a busy machine, docs/benchmarks.md).
nonisolated func runThenExit() async -> Never {
    exit(await Patrol.main(arguments: Array(CommandLine.arguments.dropFirst()), simulated: .builtIn, build: BuildInfo(commit: buildCommit)))
}
