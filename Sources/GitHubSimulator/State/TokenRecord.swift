import FoundationEssentials

/// Everything the simulator knows about one minted token.
struct TokenRecord: Sendable {
    let token: String
    let login: String
    let userID: Int
    let kind: TokenKind
    var scopes: [String]
    var expiresAt: Date?
    let accountType: String
    var revoked = false
    var expirationFormat: ExpirationFormat
    /// Per-repository permission (keyed by lower-cased full name), overriding the repository's default.
    var permissions: [String: Permission] = [:]
    /// Fine-grained tokens: per repository, the permission of each area other than Secrets
    /// (`contents`, `actions`, `metadata`); an area not listed falls back to `permissions`.
    var areaPermissions: [String: [String: Permission]] = [:]
    /// Fine-grained and installation tokens: the organization permission `organization_secrets`, by lower-cased
    /// organization login. A fine-grained token without an entry has write where its account is an owner.
    var organizationSecretsPermissions: [String: Permission] = [:]
    /// Fine-grained and installation tokens: the organization permission `organization_actions_variables`, by
    /// lower-cased organization login. A fine-grained token without an entry has write where its account is an owner.
    var organizationVariablesPermissions: [String: Permission] = [:]
    /// Set for an installation token (`ghs_`): the installation it was minted for.
    var installationID: Int? = nil
    /// An installation token's `repository_selection`: `all` or `selected`.
    var installationSelection: String? = nil

    /// Whether GitHub would accept the token at `now`.
    func isValid(at now: Date) -> Bool {
        guard !revoked else { return false }
        if let expiresAt, expiresAt <= now { return false }
        return true
    }

    /// Whether a classic token holds `scope`, directly or through a broader one
    /// (`repo` ⊃ `public_repo`, `repo:status`, …; `admin:x` ⊃ `write:x` ⊃ `read:x`).
    func hasScope(_ scope: String) -> Bool {
        if scopes.contains(scope) { return true }
        if scope.hasPrefix("repo:") || scope == "public_repo" || scope == "repo_deployment" {
            return scopes.contains("repo")
        }
        for (narrow, broad) in [("read:", "write:"), ("read:", "admin:"), ("write:", "admin:")] where scope.hasPrefix(narrow) {
            if scopes.contains(broad + scope.dropFirst(narrow.count)) { return true }
        }
        return false
    }
}
