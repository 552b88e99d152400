import Foundation
import Testing
@testable import GitHubSimulator

/// Who may touch which kind of secret, accounts as `GET /repos`, `/orgs` and `/users` show them, and environments.
@Suite("Secret targets: permissions, accounts and environments")
struct TargetAccessTests {
    /// The fine-grained permission each repository-bound kind needs, and its path.
    static let repositoryKinds: [(area: FineGrainedArea, prefix: String)] = [
        (.secrets, "/repos/octo-org/app/actions/secrets"),
        (.environments, "/repos/octo-org/app/environments/production/secrets"),
        (.dependabotSecrets, "/repos/octo-org/app/dependabot/secrets"),
        (.codespacesSecrets, "/repos/octo-org/app/codespaces/secrets"),
    ]

    static func fixture() throws -> Fixture {
        let fixture = try Fixture()
        fixture.simulator.addOrganization("octo-org", owners: ["octo"], members: ["mia"])
        fixture.simulator.addEnvironment("production", to: fixture.repository)
        return fixture
    }

    @Test(arguments: [Permission.read, .write, .admin])
    func classicCallersNeedWriteAccessForEveryRepositoryKind(_ role: Permission) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        fixture.simulator.setPermission(role, on: fixture.repository, for: fixture.token)
        for kind in Self.repositoryKinds {
            let key = try client.request("GET", kind.prefix + "/public-key", token: fixture.token)
            let put = try client.request("PUT", kind.prefix + "/PAT_TOKEN", token: fixture.token, body: #"{}"#)
            if role == .read {
                #expect(key.status == 403, "\(kind.prefix)")
                #expect(put.status == 403, "\(kind.prefix)")
            } else {
                #expect(key.status == 200, "\(kind.prefix)")
                #expect(put.status == 422, "\(kind.prefix): past the access check, the empty body is refused")
            }
        }
    }

    @Test(arguments: repositoryKinds.map(\.area))
    func fineGrainedTokensNeedTheKindsOwnPermission(_ area: FineGrainedArea) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let token = fixture.simulator.mintToken(login: "octo", kind: .fineGrained)
        let prefix = Self.repositoryKinds.first { $0.area == area }!.prefix
        // Every other secret permission write, this one read: reading works, writing names the permission.
        var permissions: [FineGrainedArea: Permission] = [:]
        for kind in Self.repositoryKinds { permissions[kind.area] = .write }
        permissions[area] = .read
        fixture.simulator.setFineGrainedPermissions(permissions, on: fixture.repository, for: token)
        #expect(try client.request("GET", prefix + "/public-key", token: token).status == 200)
        let refused = try client.request("PUT", prefix + "/PAT_TOKEN", token: token,
                                         body: fixture.sealedBody("v", client: client, keyPath: prefix + "/public-key", token: token))
        #expect(refused.status == 403)
        #expect(refused.header("x-accepted-github-permissions") == "\(area.rawValue)=write")
        #expect(refused.json?["message"] as? String == "Resource not accessible by personal access token")
        // None at all: even the key is refused, naming the read permission.
        fixture.simulator.setFineGrainedPermissions([area: .none], on: fixture.repository, for: token)
        let key = try client.request("GET", prefix + "/public-key", token: token)
        #expect(key.status == 403)
        #expect(key.header("x-accepted-github-permissions") == "\(area.rawValue)=read")
        // Write: accepted, and the value arrived.
        fixture.simulator.setFineGrainedPermissions([area: .write], on: fixture.repository, for: token)
        let accepted = try client.request("PUT", prefix + "/PAT_TOKEN", token: token,
                                          body: fixture.sealedBody("v", client: client, keyPath: prefix + "/public-key", token: token))
        #expect(accepted.status == 201)
    }

    @Test func organizationSecretsNeedAnOwnerWithAdminOrg() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let path = "/orgs/octo-org/actions/secrets/public-key"
        #expect(try client.request("GET", path, token: fixture.token).status == 403, "repo and workflow only, no admin:org")
        fixture.simulator.setScopes(["repo", "admin:org"], for: fixture.token)
        let allowed = try client.request("GET", path, token: fixture.token)
        #expect(allowed.status == 200)
        #expect(allowed.header("x-accepted-oauth-scopes") == "admin:org")

        let member = fixture.simulator.mintToken(login: "mia", scopes: ["repo", "admin:org"])
        #expect(try client.request("GET", path, token: member).status == 403)
        let outsider = fixture.simulator.mintToken(login: "zed", scopes: ["repo", "admin:org"])
        #expect(try client.request("GET", path, token: outsider).status == 404)
        fixture.simulator.setOrganizationRole(.owner, of: "mia", in: "octo-org")
        #expect(try client.request("GET", path, token: member).status == 200)
    }

    @Test func fineGrainedTokensNeedOrganizationSecrets() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let token = fixture.simulator.mintToken(login: "octo", kind: .fineGrained)
        let prefix = "/orgs/octo-org/actions/secrets"
        let body = try fixture.sealedBody("v", client: client, keyPath: prefix + "/public-key", token: token, extra: #""visibility":"all""#)
        fixture.simulator.setOrganizationSecretsPermission(.read, in: "octo-org", for: token)
        let refused = try client.request("PUT", prefix + "/PAT_TOKEN", token: token, body: body)
        #expect(refused.status == 403)
        #expect(refused.header("x-accepted-github-permissions") == "organization_secrets=write")
        fixture.simulator.setOrganizationSecretsPermission(.none, in: "octo-org", for: token)
        #expect(try client.request("GET", prefix + "/public-key", token: token).header("x-accepted-github-permissions")
            == "organization_secrets=read")
        fixture.simulator.setOrganizationSecretsPermission(.write, in: "octo-org", for: token)
        #expect(try client.request("PUT", prefix + "/PAT_TOKEN", token: token, body: body).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.plaintext == "v")
        // The permission is not enough for an account that is not an owner.
        let member = fixture.simulator.mintToken(login: "mia", kind: .fineGrained)
        fixture.simulator.setOrganizationSecretsPermission(.write, in: "octo-org", for: member)
        #expect(try client.request("GET", prefix + "/public-key", token: member).status == 403)
    }

    @Test func repositoriesOrganizationsAndUsersAsGitHubShowsThem() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        fixture.simulator.addRepository("octo/tools")
        let orgRepository = try #require(try client.request("GET", "/repos/octo-org/app", token: fixture.token).json)
        #expect(orgRepository["id"] as? Int == fixture.simulator.repository("octo-org/app")?.id)
        let orgOwner = try #require(orgRepository["owner"] as? [String: Any])
        #expect(orgOwner["login"] as? String == "octo-org")
        #expect(orgOwner["type"] as? String == "Organization")
        let userRepository = try #require(try client.request("GET", "/repos/octo/tools", token: fixture.token).json)
        #expect((userRepository["owner"] as? [String: Any])?["type"] as? String == "User")
        #expect(userRepository["id"] as? Int != orgRepository["id"] as? Int)
        #expect(fixture.simulator.repository(id: orgRepository["id"] as! Int)?.fullName == "octo-org/app")

        let organization = try client.request("GET", "/orgs/octo-org", token: fixture.token)
        #expect(organization.status == 200)
        #expect(organization.json?["login"] as? String == "octo-org")
        #expect(organization.json?["id"] as? Int == orgOwner["id"] as? Int)
        #expect(try client.request("GET", "/orgs/octo", token: fixture.token).status == 404)
        #expect(try client.request("GET", "/orgs/nobody", token: fixture.token).status == 404)
        #expect(try client.request("GET", "/users/octo-org", token: fixture.token).json?["type"] as? String == "Organization")
        #expect(try client.request("GET", "/users/octo", token: fixture.token).json?["type"] as? String == "User")
        #expect(try client.request("GET", "/users/nobody", token: fixture.token).status == 404)
    }

    @Test func environmentsExistOrNotAndOnlyAdminsCreateThem() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/environments/Staging%20EU"
        #expect(try client.request("GET", path, token: fixture.token).status == 404)
        fixture.simulator.setPermission(.write, on: fixture.repository, for: fixture.token)
        let refused = try client.request("PUT", path, token: fixture.token, body: "{}")
        #expect(refused.status == 403)
        #expect(fixture.simulator.environments(in: fixture.repository) == ["production"])

        let fineGrained = fixture.simulator.mintToken(login: "octo", kind: .fineGrained)
        fixture.simulator.setFineGrainedPermissions([.environments: .write, .administration: .read], on: fixture.repository, for: fineGrained)
        let noAdministration = try client.request("PUT", path, token: fineGrained, body: "{}")
        #expect(noAdministration.status == 403)
        #expect(noAdministration.header("x-accepted-github-permissions") == "administration=write")

        fixture.simulator.setPermission(.admin, on: fixture.repository, for: fixture.token)
        let created = try client.request("PUT", path, token: fixture.token, body: "{}")
        #expect(created.status == 200)
        #expect(created.json?["name"] as? String == "Staging EU")
        #expect(fixture.simulator.environments(in: fixture.repository) == ["Staging EU", "production"])
        let fetched = try client.request("GET", "/repos/\(fixture.repository)/environments/staging%20eu", token: fixture.token)
        #expect(fetched.status == 200)
        #expect(fetched.json?["id"] as? Int == created.json?["id"] as? Int)
        let listed = try client.request("GET", "/repos/\(fixture.repository)/environments", token: fixture.token)
        #expect(listed.json?["total_count"] as? Int == 2)
        // Its own key, so its secrets can be written at once.
        let body = try fixture.sealedBody("v", client: client, keyPath: path + "/secrets/public-key")
        #expect(try client.request("PUT", path + "/secrets/PAT_TOKEN", token: fixture.token, body: body).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .environment(repository: fixture.repository, name: "STAGING eu"))?.plaintext == "v")
    }
}
