import Foundation

/// patrol's entry point.
public enum Patrol {
    /// The version printed by `--version` and sent in `User-Agent`.
    public static let version = "0.1.0"

    /// Runs one invocation and returns the process exit code.
    public static func main(arguments: [String]) async -> Int32 {
        0
    }
}
