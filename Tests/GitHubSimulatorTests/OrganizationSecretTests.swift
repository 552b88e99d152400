import Foundation
import Testing
@testable import GitHubSimulator

/// Organization Actions secrets: visibility on every PUT, the selection and its endpoints, and the bug GitHub
/// has that empties a `selected` secret's selection on a value update without `selected_repository_ids`.
@Suite("Organization secrets")
struct OrganizationSecretTests {
    static let prefix = "/orgs/octo-org/actions/secrets"
    static let path = prefix + "/PAT_TOKEN"

    /// An organization `octo-org` owned by the token's account (with `admin:org`), with repositories `app`, `web`,
    /// `api`, and a user's repository outside it.
    static func fixture() throws -> Fixture {
        let fixture = try Fixture()
        fixture.simulator.addOrganization("octo-org", owners: ["octo"])
        fixture.simulator.setScopes(["repo", "admin:org"], for: fixture.token)
        fixture.simulator.addRepository("octo-org/web")
        fixture.simulator.addRepository("octo-org/api")
        fixture.simulator.addRepository("octo/tools")
        return fixture
    }

    static func id(_ fixture: Fixture, _ name: String) -> Int { fixture.simulator.repository(name)!.id }

    static func put(_ fixture: Fixture, _ client: RawClient, value: String, extra: String) throws -> RawClient.Response {
        try client.request("PUT", path, token: fixture.token,
                           body: fixture.sealedBody(value, client: client, keyPath: prefix + "/public-key", extra: extra))
    }

    @Test func visibilityIsRequiredOnEveryPut() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let missing = try Self.put(fixture, client, value: "v", extra: "")
        #expect(missing.status == 422)
        #expect(missing.text.contains("visibility"))
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org")) == nil)
        let invalid = try Self.put(fixture, client, value: "v", extra: #""visibility":"public""#)
        #expect(invalid.status == 422)
        let created = try Self.put(fixture, client, value: "v", extra: #""visibility":"private""#)
        #expect(created.status == 201)
        #expect(try Self.put(fixture, client, value: "w", extra: "").status == 422, "an update without it too")
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.plaintext == "v")
    }

    @Test func createdSelectedWithRepositoryIDsAndReadBack() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let ids = [Self.id(fixture, "octo-org/app"), Self.id(fixture, "octo-org/web")]
        let created = try Self.put(fixture, client, value: "token", extra: #""visibility":"selected","selected_repository_ids":[\#(ids[1]),\#(ids[0])]"#)
        #expect(created.status == 201)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")
            == SimulatedSecretAccess(visibility: .selected, selectedRepositoryIDs: ids.sorted()))
        #expect(fixture.simulator.repositoriesReached(by: "PAT_TOKEN", in: "octo-org") == ["octo-org/app", "octo-org/web"])

        let fetched = try #require(try client.request("GET", Self.path, token: fixture.token).json)
        #expect(fetched["name"] as? String == "PAT_TOKEN")
        #expect(fetched["visibility"] as? String == "selected")
        #expect(fetched["selected_repositories_url"] as? String == "http://127.0.0.1/orgs/octo-org/actions/secrets/PAT_TOKEN/repositories")
        #expect(fetched["created_at"] as? String != nil && fetched["updated_at"] as? String != nil)
        let listed = try #require(try client.request("GET", Self.prefix, token: fixture.token).json)
        #expect((listed["secrets"] as? [[String: Any]])?.first?["visibility"] as? String == "selected")

        // Outside the organization, or not a repository at all: refused, nothing changes.
        let outside = try Self.put(fixture, client, value: "token",
                                   extra: #""visibility":"selected","selected_repository_ids":[\#(Self.id(fixture, "octo/tools"))]"#)
        #expect(outside.status == 422)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")?.selectedRepositoryIDs == ids.sorted())
        let idsWithAll = try Self.put(fixture, client, value: "token", extra: #""visibility":"all","selected_repository_ids":[\#(ids[0])]"#)
        #expect(idsWithAll.status == 422)
    }

    /// external-secrets#6514: a value update of a `selected` secret without `selected_repository_ids` leaves it
    /// `selected` and reaching nothing. Sending both back keeps it.
    @Test func aValueUpdateWithoutRepositoryIDsEmptiesTheSelection() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let ids = [Self.id(fixture, "octo-org/app"), Self.id(fixture, "octo-org/web")].sorted()
        let list = ids.map(String.init).joined(separator: ",")
        #expect(try Self.put(fixture, client, value: "one", extra: #""visibility":"selected","selected_repository_ids":[\#(list)]"#).status == 201)
        #expect(try Self.put(fixture, client, value: "two", extra: #""visibility":"selected","selected_repository_ids":[\#(list)]"#).status == 204)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")?.selectedRepositoryIDs == ids)

        #expect(try Self.put(fixture, client, value: "three", extra: #""visibility":"selected""#).status == 204)
        let access = try #require(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org"))
        #expect(access.visibility == .selected)
        #expect(access.selectedRepositoryIDs.isEmpty)
        #expect(fixture.simulator.repositoriesReached(by: "PAT_TOKEN", in: "octo-org").isEmpty)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.plaintext == "three")
        let listed = try #require(try client.request("GET", Self.prefix + "/PAT_TOKEN/repositories", token: fixture.token).json)
        #expect(listed["total_count"] as? Int == 0)
    }

    @Test func theSelectionIsListedPaginatedReplacedAndChangedOneAtATime() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let app = Self.id(fixture, "octo-org/app"), web = Self.id(fixture, "octo-org/web"), api = Self.id(fixture, "octo-org/api")
        #expect(try Self.put(fixture, client, value: "v", extra: #""visibility":"selected","selected_repository_ids":[\#(app),\#(web),\#(api)]"#).status == 201)
        let repositories = Self.path + "/repositories"

        let first = try client.request("GET", repositories + "?per_page=2", token: fixture.token)
        #expect(first.json?["total_count"] as? Int == 3)
        let page = try #require(first.json?["repositories"] as? [[String: Any]])
        #expect(page.map { $0["id"] as? Int } == [app, web])
        #expect(page.first?["full_name"] as? String == "octo-org/app")
        #expect(first.header("link")?.contains("page=2>; rel=\"next\"") == true)
        let second = try client.request("GET", repositories + "?per_page=2&page=2", token: fixture.token)
        #expect((second.json?["repositories"] as? [[String: Any]])?.map { $0["id"] as? Int } == [api])

        var updatedAt = try #require(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.updatedAt)
        fixture.simulator.advanceClock(by: 10)
        #expect(try client.request("DELETE", repositories + "/\(web)", token: fixture.token).status == 204)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")?.selectedRepositoryIDs == [app, api])
        let afterRemove = try #require(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.updatedAt)
        #expect(afterRemove > updatedAt, "a selection change moves updated_at")
        updatedAt = afterRemove

        fixture.simulator.advanceClock(by: 10)
        #expect(try client.request("PUT", repositories + "/\(web)", token: fixture.token).status == 204)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")?.selectedRepositoryIDs == [app, web, api])
        #expect(try #require(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.updatedAt) > updatedAt)
        #expect(try client.request("PUT", repositories + "/\(Self.id(fixture, "octo/tools"))", token: fixture.token).status == 422)

        let replaced = try client.request("PUT", repositories, token: fixture.token, body: #"{"selected_repository_ids":[\#(api)]}"#)
        #expect(replaced.status == 204)
        #expect(fixture.simulator.repositoriesReached(by: "PAT_TOKEN", in: "octo-org") == ["octo-org/api"])
        #expect(fixture.simulator.secret("PAT_TOKEN", in: .organization("octo-org"))?.plaintext == "v", "the value is untouched")
        #expect(try client.request("GET", Self.prefix + "/NOPE/repositories", token: fixture.token).status == 404)
    }

    @Test(arguments: ["all", "private"])
    func theSelectionEndpointsConflictUnlessSelected(_ visibility: String) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        #expect(try Self.put(fixture, client, value: "v", extra: #""visibility":"\#(visibility)""#).status == 201)
        let app = Self.id(fixture, "octo-org/app")
        let repositories = Self.path + "/repositories"
        #expect(try client.request("PUT", repositories + "/\(app)", token: fixture.token).status == 409)
        #expect(try client.request("DELETE", repositories + "/\(app)", token: fixture.token).status == 409)
        #expect(try client.request("PUT", repositories, token: fixture.token, body: #"{"selected_repository_ids":[\#(app)]}"#).status == 409)
        #expect(fixture.simulator.organizationSecretAccess("PAT_TOKEN", in: "octo-org")?.visibility.rawValue == visibility)
        #expect(fixture.simulator.repositoriesReached(by: "PAT_TOKEN", in: "octo-org") == ["octo-org/api", "octo-org/app", "octo-org/web"])
    }

    @Test func aRepositoryListsTheOrganizationSecretsThatReachIt() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let web = Self.id(fixture, "octo-org/web")
        #expect(try Self.put(fixture, client, value: "v", extra: #""visibility":"selected","selected_repository_ids":[\#(web)]"#).status == 201)
        fixture.simulator.writeSecretOutsidePatrol("SHARED", in: .organization("octo-org"), value: "s")
        fixture.simulator.setOrganizationSecretAccess("SHARED", in: "octo-org", visibility: .all)
        func names(_ repository: String) throws -> [String] {
            let json = try #require(try client.request("GET", "/repos/\(repository)/actions/organization-secrets", token: fixture.token).json)
            return (json["secrets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(try names("octo-org/web") == ["PAT_TOKEN", "SHARED"])
        #expect(try names("octo-org/app") == ["SHARED"])
        #expect(try names("octo/tools") == [])
    }

    @Test func organizationRepositoriesArePagedAsOnGitHub() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        for index in 1...230 { fixture.simulator.addRepository(String(format: "octo-org/r-%03d", index)) }
        let inOrganization = fixture.simulator.repositoryNames.filter { $0.lowercased().hasPrefix("octo-org/") }.count
        #expect(inOrganization > 200 && inOrganization <= 300)
        fixture.simulator.resetLog()
        // per_page is capped at 100; the link names the next page and the last.
        let first = try client.request("GET", "/orgs/octo-org/repos?per_page=500", token: fixture.token)
        #expect(first.status == 200)
        let items = try #require((try? JSONSerialization.jsonObject(with: Data(first.body))) as? [[String: Any]])
        #expect(items.count == 100)
        #expect(items.allSatisfy { ($0["full_name"] as? String)?.hasPrefix("octo-org/") == true && $0["id"] is Int })
        let link = try #require(first.header("link"))
        #expect(link.contains("/orgs/octo-org/repos?per_page=100&page=2>; rel=\"next\""), "\(link)")
        #expect(link.contains("/orgs/octo-org/repos?per_page=100&page=3>; rel=\"last\""), "\(link)")
        let last = try client.request("GET", "/orgs/octo-org/repos?per_page=100&page=3", token: fixture.token)
        let rest = try #require((try? JSONSerialization.jsonObject(with: Data(last.body))) as? [[String: Any]])
        #expect(rest.count == inOrganization - 200)
        #expect(last.header("link")?.contains("rel=\"next\"") == false)
        // An account that is not an organization has no such list.
        #expect(try client.request("GET", "/orgs/octo/repos", token: fixture.token).status == 404)
        #expect(fixture.simulator.counters.byRoute["GET organization repositories"] == 3)
    }
}
