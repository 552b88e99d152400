import FoundationEssentials

/// A GitHub App as the simulator knows it: its id, slug, the public halves of its private keys (an App may
/// hold several at once) and the permissions it asks for.
struct AppRecord: Sendable {
    let id: Int
    let slug: String
    /// PEM `BEGIN PUBLIC KEY` blocks; a JWT signed by any of the matching private keys is accepted.
    var publicKeys: [String]
    /// Permission name (`secrets`, `actions_variables`, …) to `read` or `write`.
    var permissions: [String: String]
}

/// One installation of an App on an account.
struct InstallationRecord: Sendable {
    let id: Int
    let appID: Int
    /// The account's login, as written when installed.
    let account: String
    /// `Organization` or `User`.
    let targetType: String
    /// Lower-cased full names of the selected repositories; nil means every repository of the account.
    var repositories: Set<String>?
    var permissions: [String: String]

    /// Whether the installation reaches `key` (a lower-cased `owner/name`).
    func covers(_ key: String) -> Bool {
        guard key.hasPrefix(account.lowercased() + "/") else { return false }
        return repositories.map { $0.contains(key) } ?? true
    }
}

/// An Actions variable (not secret: GitHub returns its value).
struct VariableRecord: Sendable {
    let name: String
    var value: String
    let createdAt: Date
    var updatedAt: Date
    /// An organization variable's visibility and selection; nil for a repository's or an environment's.
    var reach: OrganizationSecretReach? = nil
}

/// Everything the simulator remembers about Apps, installations and variables.
struct AppsState: Sendable {
    var apps: [Int: AppRecord] = [:]
    var installations: [Int: InstallationRecord] = [:]
    /// How long an installation token lives (GitHub: one hour); tests shorten it.
    var tokenLifetime: TimeInterval = 3600
    /// Variables by place (``VariableKind/place(_:)``: a lower-cased repository full name, `…/environments/{env}`
    /// or `orgs/{org}`), then upper-cased name (names are case-insensitive).
    var variables: [String: [String: VariableRecord]] = [:]
    /// Installation tokens minted so far.
    var tokensMinted = 0
    /// Every JWT refused, with GitHub's message, oldest first.
    var refusals: [String] = []
    var nextInstallationID = 40_000_001

    /// GitHub's permission levels, ordered.
    static func level(_ text: String?) -> Permission {
        switch text {
        case "admin": .admin
        case "write": .write
        case "read": .read
        default: .none
        }
    }
}
