import FoundationEssentials

/// One simulated organization: its members and their roles, and its Actions secrets with their visibility.
struct OrganizationRecord: Sendable {
    /// The login as added.
    let login: String
    let id: Int
    /// Lower-cased logins of members, with their role.
    var roles: [String: SimulatedOrganizationRole] = [:]
    /// The organization's Actions secrets and their key pair.
    var secrets: SecretStore
    /// Which repositories each secret reaches, by upper-cased secret name.
    var access: [String: OrganizationSecretReach] = [:]
}

/// A member's role in an organization. Owners administer its secrets; members do not.
public enum SimulatedOrganizationRole: String, Sendable, CaseIterable {
    case member
    case owner = "admin"
}

/// An organization secret's `visibility`: which of the organization's repositories can read it.
public enum SimulatedVisibility: String, Sendable, CaseIterable {
    /// Every repository of the organization.
    case all
    /// Private and internal repositories (every simulated repository is private, so the same as `all` here).
    case `private`
    /// Only the repositories in `selected_repository_ids`.
    case selected
}

/// An organization secret's visibility and, when `selected`, the repositories it is shared with.
struct OrganizationSecretReach: Sendable, Equatable {
    var visibility: SimulatedVisibility
    /// Repository ids, sorted; empty unless `visibility` is `selected`.
    var selectedRepositoryIDs: [Int] = []
}
