import Foundation
import Testing
@testable import GitHubSimulator

@Suite("POST /credentials/revoke")
struct CredentialRevocationTests {
    @Test func unauthenticatedCallRevokesKnownTokens() throws {
        let fixture = try Fixture()
        let victim = fixture.simulator.mintToken(login: "octo")
        let response = try fixture.client().request("POST", "/credentials/revoke", body: #"{"credentials": ["\#(victim)", "ghp_unknown"]}"#)
        #expect(response.status == 202)
        #expect(fixture.simulator.isRevoked(victim))
        #expect(!fixture.simulator.isRevoked(fixture.token))
        #expect(fixture.simulator.revocations == 1)
        #expect(try fixture.client().request("GET", "/user", token: victim).status == 401)
        #expect(fixture.simulator.requests.first { $0.route == "POST revoke" }?.authorization == nil)
    }

    @Test func authenticatedCallIsRefusedWith403AndRevokesNothing() throws {
        let fixture = try Fixture()
        let victim = fixture.simulator.mintToken(login: "octo")
        let response = try fixture.client().request("POST", "/credentials/revoke", token: fixture.token,
                                                   body: #"{"credentials": ["\#(victim)"]}"#)
        #expect(response.status == 403)
        #expect(!fixture.simulator.isRevoked(victim))
        #expect(fixture.simulator.revocations == 0)
    }

    @Test(arguments: [#"{"credentials": []}"#, #"{"credentials": "ghp_x"}"#, #"{"tokens": ["ghp_x"]}"#])
    func badBodyIs422(body: String) throws {
        let fixture = try Fixture()
        #expect(try fixture.client().request("POST", "/credentials/revoke", body: body).status == 422)
    }
}
