import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Authentication")
struct AuthenticationTests {
    @Test func userReturnsLoginIDAndType() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/user", token: fixture.token)
        #expect(response.status == 200)
        let json = try #require(response.json)
        #expect(json["login"] as? String == "octo")
        #expect(json["type"] as? String == "User")
        #expect((json["id"] as? Int ?? 0) > 0)
        #expect(fixture.simulator.requests.last?.authorization == "Bearer \(fixture.token)")
    }

    @Test func tokenSchemeIsAcceptedToo() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/user", headers: ["Authorization": "token \(fixture.token)"])
        #expect(response.status == 200)
    }

    @Test func unknownTokenIsBadCredentials() throws {
        let fixture = try Fixture()
        let other = GitHubSimulator().mintToken()
        let response = try fixture.client().request("GET", "/user", token: other)
        #expect(response.status == 401)
        #expect(response.json?["message"] as? String == "Bad credentials")
        #expect(response.json?["documentation_url"] is String)
    }

    @Test func revokedTokenIsBadCredentials() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
        fixture.simulator.revokeToken(fixture.token)
        let response = try client.request("GET", "/user", token: fixture.token)
        #expect(response.status == 401)
        #expect(response.json?["message"] as? String == "Bad credentials")
    }

    @Test func expiredTokenIsBadCredentials() throws {
        let fixture = try Fixture()
        let token = fixture.simulator.mintToken(expiresAt: Date().addingTimeInterval(3600))
        let client = try fixture.client()
        #expect(try client.request("GET", "/user", token: token).status == 200)
        fixture.simulator.advanceClock(by: 7200)
        #expect(try client.request("GET", "/user", token: token).status == 401)
    }

    @Test func missingAuthorizationRequiresAuthentication() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/repos/\(fixture.repository)/actions/secrets/public-key")
        #expect(response.status == 401)
        #expect(response.json?["message"] as? String == "Requires authentication")
    }

    @Test func missingUserAgentIsForbidden() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/user", token: fixture.token, headers: ["User-Agent": nil])
        #expect(response.status == 403)
        #expect(response.text.contains("User-Agent"))
    }

    @Test func unknownAPIVersionIsBadRequest() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request(
            "GET", "/user", token: fixture.token, headers: ["X-GitHub-Api-Version": "2099-01-01"]
        )
        #expect(response.status == 400)
        #expect(response.text.contains("2099-01-01"))
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        client.write("GET /user HTTP/1.1\r\nhost: x\r\nuser-agent: t\r\nauthorization: bearer \(fixture.token)\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func primaryRateLimitIsCountedAndEnforced() throws {
        let fixture = try Fixture()
        fixture.simulator.setRateLimit(2)
        let client = try fixture.client()
        let first = try client.request("GET", "/user", token: fixture.token)
        #expect(first.header("x-ratelimit-limit") == "2")
        #expect(first.header("x-ratelimit-remaining") == "1")
        #expect(first.header("x-ratelimit-used") == "1")
        #expect(first.header("x-ratelimit-resource") == "core")
        #expect(Int(first.header("x-ratelimit-reset") ?? "") != nil)
        #expect(try client.request("GET", "/user", token: fixture.token).header("x-ratelimit-remaining") == "0")
        let limited = try client.request("GET", "/user", token: fixture.token)
        #expect(limited.status == 403)
        #expect(limited.text.contains("rate limit"))
        fixture.simulator.advanceClock(by: 3601)
        #expect(try client.request("GET", "/user", token: fixture.token).status == 200)
    }
}
