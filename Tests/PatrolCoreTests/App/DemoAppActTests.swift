import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolCore
@testable import PatrolCLI

/// `patrol demo`'s last act: the fleet migrated from PAT_TOKEN to a GitHub App, doctor green on the App's wiring.
@Suite struct DemoAppActTests {
    @Test func theDemoEndsWithTheFleetOnTheApp() throws {
        let result = try PatrolBinary.run(["demo", "--json", "--latency-ms", "5"])
        #expect(result.code == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.last?["step"] as? String == "app" && steps.last?["passed"] as? Bool == true, "\(steps)")
        // The narration (on stderr with --json): every target of the demo's config set by the App — the nine repositories and
        // the environment with the variable and the secret, the Dependabot copy with the secret alone —, every workflow
        // switched, doctor green.
        let narration = result.stderr
        #expect(narration.components(separatedBy: "APP_ID created, APP_PRIVATE_KEY set, verified").count - 1 == 10, "\(narration)")
        #expect(narration.contains("✓ env:garrick0/c3-web/production"), "\(narration)")
        #expect(narration.range(of: #"✓ dependabot:garrick0/c3-shared +APP_PRIVATE_KEY set, verified"#, options: .regularExpression) != nil,
                "\(narration)")
        #expect(narration.contains("9/9 workflows switched from secrets.PAT_TOKEN to the App's token"))
        #expect(narration.contains("✓ app.jwt") && narration.contains("✓ app.installation") && narration.contains("✓ app.permissions"))
        #expect(narration.components(separatedBy: "with the App's token (actions/create-github-app-token").count - 1 == 9)
        #expect(narration.contains("doctor: 13 passed, 0 warnings, 0 failed, 0 skipped"))
        #expect(narration.contains("11/11 targets hold a secret APP_PRIVATE_KEY that decrypts to the App's key (and APP_ID=\(1_024_768) "
                                   + "where they have variables)"), "\(narration)")
        #expect(!(result.stdout + result.stderr).contains("PRIVATE KEY-----"))
    }
}
