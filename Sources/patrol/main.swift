import Foundation
import PatrolCore

// All of patrol lives in PatrolCore; this file only hands it the process.
// Patrol.main returns only after its HTTP thread and servers have stopped, so exit() races nothing.
exit(await Patrol.main(arguments: Array(CommandLine.arguments.dropFirst())))
