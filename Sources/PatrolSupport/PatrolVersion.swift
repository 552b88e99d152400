/// patrol's version: printed by `--version` and sent in `User-Agent: patrol/<version>`.
package enum PatrolVersion {
    /// The version string.
    package static let current = "0.1.0"
}
