import Glibc
import PatrolCLI
import PatrolDemo

// All of patrol lives in its libraries; this file only hands it the process, the demo commands and the commit it was
// built from (`buildCommit`, written by the BuildCommit plugin). Patrol.main returns only after its HTTP thread and
// servers have stopped, so exit() races nothing.
// The allocator's limits first, while this is the only thread (MallocTuning says why).
MallocTuning.apply()
exit(await Patrol.main(arguments: Array(CommandLine.arguments.dropFirst()), simulated: .builtIn, build: BuildInfo(commit: buildCommit)))
