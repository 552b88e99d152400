import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Token pages")
struct TokenPagesTests {
    /// The shipped fleet config with `description` as its token description.
    private func config(description: String) throws -> FleetConfig {
        let shipped = try String(contentsOfFile: PatrolBinary.packageRoot + "/config/fleet.json", encoding: .utf8)
        let text = shipped.replacingOccurrences(of: "\"C3_PLATFORM_ORCHESTRATION\"", with: "\"\(description)\"")
        return try FleetConfig.parse(Array(text.utf8), path: "fleet.json")
    }

    @Test("the new-token page: scopes, and a description encoded so that no character of it ends or splits the query")
    func newToken() {
        #expect(TokenPages.newToken(webRoot: "https://github.com", scopes: ["repo", "workflow"], description: "C3 & CI (nightly)=#1")
            == "https://github.com/settings/tokens/new?scopes=repo,workflow&description=C3%20%26%20CI%20%28nightly%29%3D%231")
        #expect(TokenPages.list(webRoot: "https://ghe.example.com") == "https://ghe.example.com/settings/tokens")
    }

    @Test("rotate, doctor and the expiry issue link the same page for the same fleet")
    func sameEverywhere() throws {
        let config = try config(description: "C3 & CI (nightly)")
        let base = try APIBase("https://ghe.example.com/api/v3")
        let client = GitHubClient(transport: CannedTransport([]), base: base, credential: Token(bytes: Array(TestTokens.classic().utf8)))
        let expected = "https://ghe.example.com/settings/tokens/new?scopes=repo,workflow&description=C3%20%26%20CI%20%28nightly%29"
        #expect(RotateCommand.tokenPage(base: base, config: config) == expected)
        #expect(ExpiryIssue(client: client, config: config).newTokenURL == expected)
        let doctor = Doctor(config: config, repositories: [], token: Token(bytes: Array(TestTokens.classic().utf8)), client: client,
                            ledger: Ledger(secret: config.secret), settings: DoctorSettings())
        let run = DoctorRun(doctor: doctor)
        #expect(run.newTokenPage == expected)
        #expect(run.tokensPage == RotateCommand.tokensPage(base: base))
    }

    @Test("the web root is derived from the API base by one rule, and every page patrol links sits under it",
          arguments: [
              ("https://api.github.com", "https://github.com"),
              ("https://ghe.example/api/v3", "https://ghe.example"),
              ("https://ghe.example:8443/api/v3", "https://ghe.example:8443"),
              ("https://api.octo.ghe.com", "https://octo.ghe.com"),
              ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
          ])
    func oneWebRoot(api: String, webRoot: String) throws {
        let config = try config(description: "C3")
        let base = try APIBase(api)
        #expect(base.webRoot == webRoot)
        #expect(base.webPage("/settings/tokens") == webRoot + "/settings/tokens")
        let token = Token(bytes: Array(TestTokens.classic().utf8))
        let client = GitHubClient(transport: CannedTransport([]), base: base, credential: token)
        let run = DoctorRun(doctor: Doctor(config: config, repositories: [], token: token, client: client,
                                           ledger: Ledger(secret: config.secret), settings: DoctorSettings()))
        let newToken = webRoot + "/settings/tokens/new?scopes=repo,workflow&description=C3"
        #expect(RotateCommand.tokenPage(base: base, config: config) == newToken)
        #expect(ExpiryIssue(client: client, config: config).newTokenURL == newToken)
        #expect(run.newTokenPage == newToken)
        #expect(RotateCommand.tokensPage(base: base) == webRoot + "/settings/tokens")
        #expect(run.tokensPage == webRoot + "/settings/tokens")
        #expect(run.webHostPage("/settings/personal-access-tokens") == webRoot + "/settings/personal-access-tokens")
        let repository = try RepositoryName(parsing: "garrick0/c3-shared", defaultOwner: "garrick0")
        #expect(run.webPage(repository, "/settings/secrets/actions") == webRoot + "/garrick0/c3-shared/settings/secrets/actions")
    }
}
