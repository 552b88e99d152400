import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Response headers")
struct HeaderTests {
    @Test func everyResponseCarriesRequestIDAndJSONType() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let ok = try client.request("GET", "/user", token: fixture.token)
        let missing = try client.request("GET", "/nowhere", token: fixture.token)
        for response in [ok, missing] {
            #expect(response.header("x-github-request-id")?.split(separator: ":").count == 5)
            #expect(response.header("content-type") == "application/json; charset=utf-8")
        }
        #expect(ok.header("x-github-request-id") != missing.header("x-github-request-id"))
    }

    @Test func classicTokensGetTheirScopes() throws {
        let fixture = try Fixture()
        let response = try fixture.client().request("GET", "/user", token: fixture.token)
        #expect(response.header("x-oauth-scopes") == "repo, workflow")
    }

    @Test func fineGrainedTokensGetNoScopeHeader() throws {
        let fixture = try Fixture()
        let token = fixture.simulator.mintToken(kind: .fineGrained)
        let response = try fixture.client().request("GET", "/user", token: token)
        #expect(response.status == 200)
        #expect(response.header("x-oauth-scopes") == nil)
    }

    @Test func expirationHeaderInUTCForm() throws {
        let fixture = try Fixture()
        let expiry = Date(timeIntervalSince1970: 4_102_441_200) // 2100-01-01 00:00:00 UTC minus one hour
        let token = fixture.simulator.mintToken(expiresAt: expiry)
        let response = try fixture.client().request("GET", "/user", token: token)
        #expect(response.header("github-authentication-token-expiration") == "2099-12-31 23:00:00 UTC")
    }

    @Test func expirationHeaderInOffsetForm() throws {
        let fixture = try Fixture()
        let expiry = Date(timeIntervalSince1970: 4_102_441_200)
        let token = fixture.simulator.mintToken(expiresAt: expiry, expirationFormat: .offset("+0200"))
        let response = try fixture.client().request("GET", "/user", token: token)
        #expect(response.header("github-authentication-token-expiration") == "2100-01-01 01:00:00 +0200")
        fixture.simulator.setExpirationFormat(.offset("-0530"), for: token)
        let later = try fixture.client().request("GET", "/user", token: token)
        #expect(later.header("github-authentication-token-expiration") == "2099-12-31 17:30:00 -0530")
    }

    @Test func tokensWithoutExpiryGetNoExpirationHeader() throws {
        let fixture = try Fixture()
        let token = fixture.simulator.mintToken(expiresAt: nil)
        let response = try fixture.client().request("GET", "/user", token: token)
        #expect(response.status == 200)
        #expect(response.header("github-authentication-token-expiration") == nil)
    }

    @Test func logKeepsTheRequestHeaders() throws {
        let fixture = try Fixture()
        _ = try fixture.client().request("GET", "/user?x=1", token: fixture.token)
        let entry = try #require(fixture.simulator.requests.last)
        #expect(entry.method == "GET")
        #expect(entry.path == "/user?x=1")
        #expect(entry.status == 200)
        #expect(entry.route == "GET /user")
        #expect(entry.authorization == "Bearer \(fixture.token)")
        #expect(entry.userAgent == "simulator-tests/1")
        #expect(entry.accept == "application/vnd.github+json")
        #expect(entry.apiVersion == "2022-11-28")
        fixture.simulator.resetLog()
        #expect(fixture.simulator.requests.isEmpty)
        #expect(fixture.simulator.counters.total == 0)
    }
}
