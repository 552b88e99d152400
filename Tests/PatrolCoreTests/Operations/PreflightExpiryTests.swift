import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The preflight's judgement of the expiry date (spec §3.3 step 1): the same thresholds as `patrol expiry`.
@Suite("preflight expiry")
struct PreflightExpiryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    func date(_ days: Double) -> Date { now.addingTimeInterval(days * 86_400) }

    @Test("far off: nothing to say; inside warnDays: a warning; inside criticalDays or past: refused")
    func thresholds() throws {
        let preflight = Preflight(policy: .default)
        #expect(try preflight.judge(date(30), now: now) == nil)
        #expect(try preflight.judge(date(10.5), now: now)?.contains("10 days left") == true)
        #expect(throws: PreflightError.self) { try preflight.judge(date(6.5), now: now) }
        let expired = #expect(throws: PreflightError.self) { try preflight.judge(date(-2), now: now) }
        #expect(expired?.isCredentialProblem == true)
        #expect(expired.map { "\($0)" }?.contains("the token is expired") == true)
        #expect(ExitCode.for(try #require(expired)) == .critical)
    }

    @Test("--allow-expiring turns the refusal into a warning")
    func allowExpiring() throws {
        let preflight = Preflight(policy: .default, allowExpiring: true)
        #expect(try preflight.judge(date(3.5), now: now)?.contains("--allow-expiring") == true)
        #expect(try preflight.judge(date(-1), now: now)?.contains("expired") == true)
    }
}
