import Foundation
import Testing
@testable import GitHubSimulator

@Suite("Simulator smoke")
struct SmokeTests {
    @Test func userAnswersWithLogin() throws {
        let simulator = GitHubSimulator()
        let url = try simulator.start()
        defer { simulator.stop() }
        let token = simulator.mintToken(login: "octo")
        let client = try RawClient(apiURL: url)
        let response = try client.request("GET", "/user", token: token)
        #expect(response.status == 200)
        #expect(response.json?["login"] as? String == "octo")
        #expect(simulator.requests.first?.authorization == "Bearer \(token)")
        #expect(simulator.counters.byRoute["GET /user"] == 1)
    }
}
