import Foundation

/// Everything the simulator knows about one minted token.
struct TokenRecord: Sendable {
    let token: String
    let login: String
    let userID: Int
    let kind: TokenKind
    let scopes: [String]
    var expiresAt: Date?
    let accountType: String
    var revoked = false
    var expirationFormat: ExpirationFormat
    /// Per-repository permission (keyed by lower-cased full name), overriding the repository's default.
    var permissions: [String: Permission] = [:]

    /// Whether GitHub would accept the token at `now`.
    func isValid(at now: Date) -> Bool {
        guard !revoked else { return false }
        if let expiresAt, expiresAt <= now { return false }
        return true
    }

    /// Whether a classic token holds `scope`, counting `repo` as implying its sub-scopes.
    func hasScope(_ scope: String) -> Bool {
        scopes.contains(scope)
    }
}
