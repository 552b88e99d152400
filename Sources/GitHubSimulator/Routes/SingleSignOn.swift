import FoundationEssentials
import PatrolSupport

extension SimulatorState {
    /// The 403 GitHub sends when an organization enforces SAML SSO and the token is not authorized for it:
    /// `X-GitHub-SSO: required; url=…` names the page that authorizes it.
    func singleSignOnBlock(path: String, token: TokenRecord?) -> GitHubResponse? {
        let parts = path.split(separator: "/")
        // Repositories of the organization, and its own resources below `/orgs/{org}/` (its secrets).
        guard let token, parts.count >= 3, parts[0] == "repos" || parts[0] == "orgs", ssoOrganizations.contains(parts[1].lowercased()),
              !ssoAuthorizedTokens.contains(token.token) else { return nil }
        let organization = String(parts[1])
        let request = Hex.padded(UInt32(truncatingIfNeeded: token.userID &* 2_654_435_761), width: 8)
        return GitHubResponse.error(
            403, "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
            documentation: "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"
        ).adding("x-github-sso", "required; url=https://github.com/orgs/\(organization)/sso?authorization_request=\(request)")
    }
}
