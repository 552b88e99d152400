import Foundation
import GitHubSimulator
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// A ``FleetHarness`` with a GitHub App registered in its simulator and installed on the owner, its key in a
/// mode-600 file, and the PAT to roll out in a token file: everything a run as the App needs, no `PAT_TOKEN`.
final class AppFleet: Sendable {
    static let appID = 424_242
    let harness: FleetHarness
    let pair: TestAppKeys.KeyPair
    let installationID: Int
    /// The token rolled out (a classic PAT the simulator knows), in `tokenFile`.
    let pat: String
    let tokenFile: String

    init(installedOn repositories: [String]? = nil, latency: Duration = .zero) throws {
        harness = try FleetHarness(latency: latency)
        pair = try TestAppKeys.make(in: harness.folder)
        harness.simulator.addApp(id: Self.appID, slug: "c3-patrol", publicKeyPEM: pair.publicKeyPEM)
        installationID = harness.simulator.installApp(Self.appID, on: FleetHarness.owner, repositories: repositories)
        pat = harness.mint()
        tokenFile = harness.folder + "/pat" + TestTranscripts.tokenInputSuffix
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(pat.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// The options that make patrol call the API as the App.
    var appArguments: [String] { ["--app-id", String(Self.appID), "--app-key-file", pair.privateKeyPath] }

    /// Every request made to a repository's endpoints, with the scheme and first characters of its credential.
    var repositoryRequests: [(path: String, credential: String)] {
        harness.simulator.requests.filter { $0.path.hasPrefix("/repos/") && !$0.path.hasSuffix("/installation") }
            .map { ($0.path, String(($0.authorization ?? "").prefix(11))) }
    }
}
