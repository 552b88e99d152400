import Foundation
import Testing
@testable import GitHubSimulator

/// The faults that model what the real GitHub varies: read-after-write lag, a key rotated after each of
/// several fetches, and Enterprise Server's shapes.
@Suite("faults for GitHub's variations")
struct GitHubVariationFaultTests {
    @Test func readsLagAWriteByTheSetNumberOfReads() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN"
        fixture.simulator.setReadAfterWriteLag(reads: 2)
        #expect(try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("one", client: client)).status == 201)
        // The single read and the list each see the secret as it was before the write (absent), twice in all.
        #expect(try client.request("GET", path, token: fixture.token).status == 404)
        let list = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets", token: fixture.token)
        #expect(list.json?["total_count"] as? Int == 0)
        #expect(try client.request("GET", path, token: fixture.token).status == 200)

        // An update: the lagging reads see the old updated_at.
        let before = try #require(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository))
        fixture.simulator.advanceClock(by: 60)
        #expect(try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("two", client: client)).status == 204)
        let lagging = try client.request("GET", path, token: fixture.token)
        #expect(lagging.json?["updated_at"] as? String == SimulatorTime.iso8601(before.updatedAt))
        _ = try client.request("GET", path, token: fixture.token)
        let caught = try client.request("GET", path, token: fixture.token)
        #expect(caught.json?["updated_at"] as? String != SimulatorTime.iso8601(before.updatedAt))
        #expect(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository)?.plaintext == "two")
    }

    @Test func aKeyRotatedAfterEachOfSeveralFetches() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let path = "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN"
        fixture.simulator.rotatePublicKeyAfterFetches(of: fixture.repository, count: 2)
        for _ in 0..<2 {
            #expect(try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("v", client: client)).status == 422)
        }
        #expect(try client.request("PUT", path, token: fixture.token, body: fixture.sealedBody("v", client: client)).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: fixture.repository)?.plaintext == "v")
    }

    @Test func enterpriseShapes() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        fixture.simulator.serveEnterpriseShapes(version: "3.10.2")
        let key = try client.request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key", token: fixture.token)
        #expect(key.header("x-github-enterprise-version") == "3.10.2")
        let number = try #require(key.json?["key_id"] as? NSNumber)
        #expect(!(key.json?["key_id"] is String))
        #expect(number.stringValue == fixture.simulator.repository(fixture.repository)?.keyID)
        // Sent back either way, the key id names the key.
        let keyText = try #require(key.json?["key"] as? String)
        let sealed = Fixture.seal("ghes", key: Array(try #require(Data(base64Encoded: keyText))))
        let put = try client.request("PUT", "/repos/\(fixture.repository)/actions/secrets/PAT_TOKEN", token: fixture.token,
                                     body: #"{"encrypted_value":"\#(sealed)","key_id":\#(number.stringValue)}"#)
        #expect(put.status == 201)
        fixture.simulator.serveEnterpriseShapes(version: nil)
        #expect(try client.request("GET", "/user", token: fixture.token).header("x-github-enterprise-version") == nil)
    }
}
