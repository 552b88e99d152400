import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// What rollout and rotate refuse or warn about before uploading, with the built binary (spec §3.3 step 1, §3.4;
/// issue 17, items 2, 3 and 4).
@Suite("rollout and rotate guards, built binary")
struct RolloutGuardBinaryTests {
    static func days(_ count: Double) -> Date { Date().addingTimeInterval(count * 86_400) }

    @Test("a token inside criticalDays is refused (exit 4, nothing uploaded) unless --allow-expiring; the same for rotate")
    func criticalToken() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint(expiresAt: Self.days(4.5))
        for command in ["rollout", "rotate"] {
            let refused = try PatrolBinary.run([command, "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
            #expect(refused.code == 4, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("about to expire") && refused.stderr.contains("--allow-expiring"), "\(refused.stderr)")
            #expect(fleet.uploads == 0)
        }
        let allowed = try PatrolBinary.run(["rollout", "--allow-expiring", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(allowed.code == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: the token is critical"), "\(allowed.stderr)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("a token inside warnDays is rolled out with a warning on stderr and in token.warnings")
    func warningToken() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint(expiresAt: Self.days(10.5))
        let run = try PatrolBinary.run(["rollout", "--json", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: the token expires soon (10 days left"), "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let warnings = try #require((document["token"] as? [String: Any])?["warnings"] as? [String])
        #expect(warnings.count == 1 && warnings[0].contains("10 days left"), "\(warnings)")
        #expect(fleet.delivered().values.allSatisfy { $0 == token })
    }

    @Test("rollout with a token other than the current one: exit 2, both fingerprints, advice to rotate, nothing uploaded")
    func otherToken() throws {
        let fleet = try FleetHarness()
        let current = fleet.mint(), other = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": current]).code == 0)
        let uploads = fleet.uploads
        let run = try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": other])
        #expect(run.code == 2, "\(run.stderr)")
        let (given, held) = (Token(bytes: Array(other.utf8)).fingerprint.short, Token(bytes: Array(current.utf8)).fingerprint.short)
        #expect(run.stderr.contains(given) && run.stderr.contains(held) && run.stderr.contains("patrol rotate"), "\(run.stderr)")
        #expect(fleet.uploads == uploads)
        #expect(fleet.delivered().values.allSatisfy { $0 == current })

        let dryRun = try PatrolBinary.run(["rollout", "--dry-run", "--config", fleet.configPath], environment: ["PAT_TOKEN": other])
        #expect(dryRun.code == 0, "\(dryRun.stderr)")
        #expect(dryRun.stderr.contains("would replace the current token \(held)"), "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("dry run"))
        #expect(fleet.uploads == uploads)
    }

    @Test("rotate --force with the current token: rolled out again, never called retired, no advice to delete it")
    func forceSameToken() throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        #expect(try PatrolBinary.run(["rollout", "--config", fleet.configPath], environment: ["PAT_TOKEN": token]).code == 0)
        let text = try PatrolBinary.run(["rotate", "--force", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(text.code == 0, "\(text.stderr)")
        let output = text.stdout + text.stderr
        #expect(!output.contains("retired") || output.contains("no token was retired"), "\(output)")
        #expect(!output.contains("left to do") && !output.contains("delete the old token"), "\(output)")
        #expect(text.stdout.contains("rolled out again"), "\(text.stdout)")

        let json = try PatrolBinary.run(["rotate", "--force", "--json", "--config", fleet.configPath], environment: ["PAT_TOKEN": token])
        #expect(json.code == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["previous"] is NSNull, "\(json.stdout)")
        #expect(document["reRolled"] as? Bool == true)
        #expect(document["completed"] as? Bool == true)
        #expect(try fleet.ledger().currentToken?.fingerprint == Token(bytes: Array(token.utf8)).fingerprint)
        #expect(try fleet.ledger().tokens.allSatisfy { $0.state != .retired })
    }
}
