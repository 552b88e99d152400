import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Actions secrets")
struct SecretTests {
    @Test func publicKeyIsThirtyTwoBytesWithAStringKeyID() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request(
            "GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: fixture.token
        )
        #expect(response.status == 200)
        let json = try #require(response.json)
        let keyID = try #require(json["key_id"] as? String)
        #expect(keyID.count >= 12 && keyID.allSatisfy(\.isNumber))
        let key = try #require(json["key"] as? String)
        #expect(Data(base64Encoded: key)?.count == 32)
    }

    @Test func uploadIsOpenedAndStoredThenUpdated() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN"

        let created = try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("first value", client: client))
        #expect(created.status == 201)
        #expect(created.text == "{}")
        let first = try #require(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository))
        #expect(first.plaintext == "first value")
        #expect(first.writes == 1)

        fixture.simulator.advanceClock(by: 5)
        let updated = try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("second value", client: client))
        #expect(updated.status == 204)
        #expect(updated.body.isEmpty)
        let second = try #require(fixture.simulator.secret("pat_token", in: fixture.repository))
        #expect(second.plaintext == "second value")
        #expect(second.createdAt == first.createdAt)
        #expect(second.updatedAt > first.updatedAt)
        #expect(second.writes == 2)
        #expect(fixture.simulator.counters.uploads == 2)
        #expect(fixture.simulator.counters.byRoute["PUT secret"] == 2)
        #expect(fixture.simulator.counters.byRoute["GET public-key"] == 2)

        let fetched = try client.request("GET", path, token: fixture.token)
        #expect(fetched.status == 200)
        let json = try #require(fetched.json)
        #expect(json["name"] as? String == "PAT_TOKEN")
        #expect(json["created_at"] as? String == SimulatorTime.iso8601(first.createdAt))
        #expect(json["updated_at"] as? String == SimulatorTime.iso8601(second.updatedAt))
        let updatedAt = try #require(json["updated_at"] as? String)
        #expect(updatedAt.count == 20 && updatedAt.hasSuffix("Z"))
        #expect(json["value"] == nil)
    }

    @Test func absentSecretIsNotFound() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request(
            "GET", "/repos/\(fixture.repository)/actions/secrets/NOPE", token: fixture.token
        )
        #expect(response.status == 404)
        #expect(response.json?["message"] as? String == "Not Found")
    }

    @Test(arguments: [
        "bm90IGEgc2VhbGVkIGJveCBhdCBhbGwsIGp1c3QgdGV4dCBwYWRkZWQgdG8gbGVuZ3RoIQ==", // base64 of junk
        "c2hvcnQ=", // shorter than the seal overhead
        "not base64 at all!",
        "-_-_-_-_", // URL-safe alphabet
    ])
    func undecryptableValueIsRefused(_ value: String) throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let keyID = try #require(fixture.simulator.repository(fixture.repository)?.keyID)
        let response = try client.request(
            "PUT", "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN", token: fixture.token,
            body: #"{"encrypted_value":"\#(value)","key_id":"\#(keyID)"}"#
        )
        #expect(response.status == 422)
        #expect(response.text.contains("encrypted_value"))
        #expect(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository) == nil)
    }

    @Test func staleKeyIDAfterRotationIsRefused() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN"
        let staleBody = try fixture.sealedBody("value", client: client)
        let rotated = try #require(fixture.simulator.rotatePublicKey(of: fixture.repository))
        #expect(!staleBody.contains(rotated.keyID))
        let refused = try client.request("PUT", path, token: fixture.token, body: staleBody)
        #expect(refused.status == 422)
        #expect(refused.text.contains("key_id"))
        let accepted = try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("value", client: client))
        #expect(accepted.status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository)?.keyID == rotated.keyID)
    }

    @Test func keyRotatedBetweenFetchAndUploadMakesTheUploadStale() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN"
        fixture.simulator.rotatePublicKeyAfterNextFetch(of: fixture.repository)
        let before = try #require(fixture.simulator.repository(fixture.repository)?.keyID)
        let staleBody = try fixture.sealedBody("value", client: client)
        #expect(staleBody.contains(before))
        #expect(fixture.simulator.repository(fixture.repository)?.keyID != before)
        #expect(try client.request("PUT", path, token: fixture.token, body: staleBody).status == 422)
        #expect(try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("value", client: client)).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository)?.plaintext == "value")
    }

    @Test(arguments: ["1STARTS_WITH_DIGIT", "GITHUB_TOKEN", "github_lower", "HAS-DASH", "HAS%20SPACE", "%C3%A9T%C3%A9"])
    func invalidNamesAreRefused(_ name: String) throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let response = try client.request(
            "PUT", "/repos/\(fixture.repository)/actions/secrets/\(name)", token: fixture.token,
            body: fixture.sealedBody("value", client: client)
        )
        #expect(response.status == 422)
        #expect(fixture.simulator.secrets(in: fixture.repository).isEmpty)
    }

    @Test func malformedJSONIsBadRequest() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request(
            "PUT", "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN", token: fixture.token, body: "{nope"
        )
        #expect(response.status == 400)
    }

    @Test func missingRepositoryIsNotFound() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        #expect(try client.request("GET", "/repos/octo-org/ghost/actions/secrets/public-key", token: fixture.token).status == 404)
        fixture.simulator.removeRepository(fixture.repository)
        #expect(try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: fixture.token).status == 404)
    }

    @Test func unknownPathIsNotFound() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/repos/\(fixture.repository)/pulls", token: fixture.token)
        #expect(response.status == 404)
        #expect(fixture.simulator.counters.byRoute["unknown"] == 1)
    }

    /// GitHub lets any collaborator with write (push) access manage repository secrets (cli/cli#7100);
    /// read-only collaborators get 403, and no role at all looks like no repository.
    @Test func classicTokenNeedsRepoScopeAndWriteAccess() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/public-key"
        let noScope = fixture.simulator.mintToken(scopes: ["workflow"])
        #expect(try client.request("GET", path, token: noScope).status == 404)
        fixture.simulator.setPermission(.write, on: fixture.repository)
        #expect(try client.request("GET", path, token: fixture.token).status == 200)
        let put = try client.request("PUT", "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN", token: fixture.token,
                                     body: #"{"encrypted_value":"","key_id":""}"#)
        #expect(put.status == 422, "a writer gets past the access check to the body's validation")
        fixture.simulator.setPermission(.read, on: fixture.repository)
        #expect(try client.request("GET", path, token: fixture.token).status == 403)
        fixture.simulator.setPermission(.none, on: fixture.repository)
        #expect(try client.request("GET", path, token: fixture.token).status == 404)
    }

    @Test func fineGrainedReadOnlyMayReadButNotWrite() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let reader = fixture.simulator.mintToken(kind: .fineGrained)
        fixture.simulator.setPermission(.read, on: fixture.repository, for: reader)
        let key = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: reader)
        #expect(key.status == 200)
        let put = try client.request(
            "PUT", "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN", token: reader,
            body: #"{"encrypted_value":"","key_id":""}"#
        )
        #expect(put.status == 403)
        #expect(put.json?["message"] as? String == "Resource not accessible by personal access token")
        #expect(put.header("x-accepted-github-permissions") == "secrets=write")
        fixture.simulator.setPermission(.none, on: fixture.repository, for: reader)
        #expect(try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: reader).status == 404)
    }

    @Test func listingPagesWithALinkHeader() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        for name in ["A_ONE", "B_TWO", "C_THREE"] {
            let status = try client.request(
                "PUT", "/repos/\(fixture.repository)/actions/secrets/\(name)", token: fixture.token,
                body: fixture.sealedBody(name, client: client)
            ).status
            #expect(status == 201)
        }
        let first = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets?per_page=2", token: fixture.token)
        #expect(first.status == 200)
        #expect(first.json?["total_count"] as? Int == 3)
        let names = (first.json?["secrets"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["A_ONE", "B_TWO"])
        let link = try #require(first.header("link"))
        #expect(link.contains("page=2>; rel=\"next\""))
        let second = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets?per_page=2&page=2", token: fixture.token)
        #expect((second.json?["secrets"] as? [[String: Any]])?.count == 1)
        #expect(second.header("link")?.contains("rel=\"next\"") == false)
        let all = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets?per_page=100", token: fixture.token)
        #expect(all.header("link") == nil)
    }
}
