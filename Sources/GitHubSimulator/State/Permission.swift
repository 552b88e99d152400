/// What a token may do in a repository. For fine-grained tokens this is the repository's **Secrets** permission.
public enum Permission: Int, Sendable, Comparable, CaseIterable {
    case none, read, write, admin

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }
}
