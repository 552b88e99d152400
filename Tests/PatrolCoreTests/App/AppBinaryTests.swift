import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The built binary rolls the fleet's secret out with the GitHub App as the only caller: no PAT_TOKEN or other
/// credential variable in its environment (the token it rolls out comes from a token file), and neither the
/// private key, the JWT nor an installation token in anything it prints, even with --verbose.
@Suite struct AppBinaryTests {
    @Test func rolloutEntirelyAsTheApp() throws {
        let fleet = try AppFleet()
        let environment = [Context.appIDVariable: String(AppFleet.appID), AppKeySource.variable: fleet.pair.privateKeyPEM]
        let result = try PatrolBinary.run(["rollout", "--verbose", "--config", fleet.harness.configPath, "--token-file", fleet.tokenFile],
                                          environment: environment)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == fleet.pat })
        #expect(fleet.repositoryRequests.allSatisfy { $0.credential == "Bearer ghs_" })
        // The one request made with the PAT is the preflight's GET /user, which checks the token being rolled out.
        let withPAT = fleet.harness.simulator.requests.filter { $0.authorization == "Bearer \(fleet.pat)" }.map(\.path)
        #expect(withPAT == ["/user"])
        let output = result.stdout + result.stderr
        let keyBody = fleet.pair.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        #expect(!output.contains("PRIVATE KEY"))
        #expect(!keyBody.contains { output.contains($0) })
        #expect(!output.contains("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"))  // a JWT's header
        #expect(!output.contains("ghs_" + TestTokens.marker))
        #expect(output.contains("→ POST \(fleet.harness.apiURL)/app/installations/"))  // --verbose shows the request, not its credential
    }

    @Test func wrongKeyExitsFourFromTheBinary() throws {
        let fleet = try AppFleet()
        let other = try TestAppKeys.make(in: fleet.harness.folder)
        let result = try PatrolBinary.run(["status", "--config", fleet.harness.configPath, "--app-id", String(AppFleet.appID),
                                           "--app-key-file", other.privateKeyPath])
        #expect(result.code == 4)
        #expect(result.stderr.contains("is not one of this App's"), "\(result.stderr)")
    }
}
