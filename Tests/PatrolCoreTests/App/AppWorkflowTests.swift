import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The shipped workflows build patrol with libcrypto, and the App variant writes the expiry issue as the App.
@Suite struct AppWorkflowTests {
    static let folder = PatrolBinary.packageRoot + "/config/workflows/"

    @Test(arguments: ["pat-expiry-check.yml", "pat-expiry-check-app.yml"])
    func buildsWithLibcrypto(file: String) throws {
        let text = try String(contentsOfFile: Self.folder + file, encoding: .utf8)
        // Either the workflow's own build step installs it, or it builds through patrol's Action, which does.
        let action = try String(contentsOfFile: PatrolBinary.packageRoot + "/config/actions/patrol/action.yml", encoding: .utf8)
        let usesAction = text.contains("uses: ./patrol/config/actions/patrol")
        #expect(text.contains("libssl-dev") || (usesAction && action.contains("libssl-dev")),
                "patrol links libcrypto: the build step (or patrol's Action) must install libssl-dev")
    }

    @Test func appVariantWritesTheIssueAsTheApp() throws {
        let text = try String(contentsOfFile: Self.folder + "pat-expiry-check-app.yml", encoding: .utf8)
        #expect(text.contains("PATROL_APP_ID: ${{ vars.APP_ID }}"))
        #expect(text.contains("PATROL_APP_PRIVATE_KEY: ${{ secrets.APP_PRIVATE_KEY }}"))
        #expect(text.contains("PAT_TOKEN: ${{ secrets.PAT_TOKEN }}"))
        #expect(!text.contains("issues: write"), "the App writes the issue; the job's own token needs no Issues permission")
        let run = try #require(text.split(separator: "\n").first { $0.contains("patrol expiry") })
        #expect(!run.contains("--auth-env") && !run.contains("secrets.") && !run.contains("$PATROL_APP"))
        // The command line as the workflow runs it parses, with the App named only through the environment.
        let arguments = run.split(separator: " ").drop { !$0.hasSuffix("/patrol") }.dropFirst().map(String.init)
        let invocation = try Invocation.parse(arguments, as: ExpiryArguments.self)
        #expect(invocation.expiry.openIssue && invocation.expiry.live)
    }
}
