import Foundation

/// One simulated repository: its key pair, its secrets and who may touch them.
struct RepositoryRecord: Sendable {
    /// `owner/name` as added.
    let fullName: String
    let id: Int
    var keyPair: KeyPair
    var keyID: String
    /// The permission every token has here unless the token overrides it.
    var permission: Permission
    /// Secrets keyed by upper-cased name.
    var secrets: [String: StoredSecret] = [:]
}
