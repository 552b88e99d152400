import PatrolSupport
import PatrolSecrets
import PatrolHTTP

/// What `patrol --version` says of the running binary: patrol's version, the commit it was built from, and the
/// versions of the C libraries it runs with.
public struct BuildInfo: Sendable, Equatable {
    /// The short commit hash (`abc1234`, `abc1234-dirty` for a tree with uncommitted changes); nil when the build did
    /// not know it (a source tarball without git, or a library caller that did not say).
    public let commit: String?

    /// A build whose commit is not known.
    public static let unknown = BuildInfo(commit: nil)

    /// `commit` as the BuildCommit plugin writes it; `unknown` or empty means not known.
    public init(commit: String?) {
        self.commit = commit.flatMap { $0.isEmpty || $0 == "unknown" ? nil : $0 }
    }

    /// `patrol 0.1.0 (abc1234)`, or `patrol 0.1.0 (commit unknown)`.
    public var line: String { "\(HelpText.version) (\(commit ?? "commit unknown"))" }

    /// `patrol --version --json`: the command, patrol's version, the commit (null when unknown) and the linked
    /// libcurl's and libsodium's versions.
    public var json: JSONValue {
        .object([("command", "version"), ("version", .string(PatrolVersion.current)), ("commit", commit.map(JSONValue.string) ?? .null),
                 ("libcurl", .string(CurlVersion.linked)), ("libsodium", .string(SodiumVersion.linked))])
    }
}
