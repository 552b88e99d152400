import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The environment commands see holds no variable that held a credential (spec §5.5; issue 10 item 8):
/// the token goes from getenv straight into guarded memory, never into the `Context`'s dictionary.
@Suite("the environment without credentials")
struct CredentialEnvironmentTests {
    @Test("PAT_TOKEN and PATROL_APP_PRIVATE_KEY always, and the variables named by --token-env, --auth-env and --old-token-env, are credentials")
    func names() throws {
        #expect(Context.credentialVariables(nil) == ["PAT_TOKEN", "PATROL_APP_PRIVATE_KEY"])
        let rotate = try Invocation.parse(["rotate", "--token-env", "NEW_PAT", "--auth-env", "GH_TOKEN",
                                           "--revoke-old", "--old-token-env", "OLD_PAT"])
        #expect(Context.credentialVariables(rotate) == ["PAT_TOKEN", "PATROL_APP_PRIVATE_KEY", "NEW_PAT", "GH_TOKEN", "OLD_PAT"])
    }

    @Test("the process environment as Context sees it leaves them out, keeps the rest, and the token still resolves")
    func snapshot() throws {
        let name = "PATROL_TEST_CREDENTIAL_\(UInt32.random(in: 0...UInt32.max))", other = name + "_PLAIN"
        let token = TestTokens.classic()
        setenv(name, token, 1)
        setenv(other, "kept", 1)
        defer { unsetenv(name); unsetenv(other) }
        let invocation = try Invocation.parse(["rollout", "--token-env", name])
        let environment = Context.processEnvironment(excluding: Context.credentialVariables(invocation))
        let rollout = try Invocation.parse(["rollout", "--token-env", name], as: RolloutArguments.self)
        #expect(environment[name] == nil)
        #expect(!environment.values.contains { $0.contains(token) })
        #expect(environment[other] == "kept")
        #expect(environment["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        // The token is still there for the one reader that needs it, straight into a Token.
        let resolved = try TokenSource.resolve(rollout.token.sourceOptions, inputs: .process)
        #expect(resolved.token.isSame(as: Token(bytes: Array(token.utf8))))
    }
}
