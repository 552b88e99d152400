import Foundation

exit(await Benchmark.main(arguments: Array(CommandLine.arguments.dropFirst())))
