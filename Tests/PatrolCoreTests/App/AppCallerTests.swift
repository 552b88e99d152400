import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// patrol calling the API as a GitHub App: installation found, token narrowed and renewed, and each way the
/// App's credential can be wrong a named error with exit 4 before anything is uploaded.
@Suite struct AppCallerTests {
    @Test func rolloutAsTheAppUsesOnlyInstallationTokens() async throws {
        let fleet = try AppFleet()
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        // Every repository's secret opens to the PAT; every repository call carried the installation token.
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == fleet.pat })
        #expect(!fleet.repositoryRequests.isEmpty)
        #expect(fleet.repositoryRequests.allSatisfy { $0.credential == "Bearer ghs_" }, "\(fleet.repositoryRequests.filter { $0.credential != "Bearer ghs_" })")
        #expect(fleet.harness.simulator.installationTokensMinted == 1)
        // The token was narrowed: to the fleet's nine repositories and Secrets: write.
        let mint = try #require(fleet.harness.simulator.requests.first { $0.path.hasSuffix("/access_tokens") })
        #expect(mint.status == 201)
        #expect(!run.output.contains("ghs_" + TestTokens.marker))
    }

    @Test func environmentVariablesNameTheAppToo() async throws {
        let fleet = try AppFleet()
        let environment = [Context.appIDVariable: String(AppFleet.appID), AppKeySource.variable: fleet.pair.privateKeyPEM]
        let run = await fleet.harness.run(["status"], environment: environment)
        #expect(run.code == 1, "\(run.output)")  // nothing rolled out yet: every row missing
        #expect(run.stdout.contains("missing"))
        #expect(fleet.repositoryRequests.allSatisfy { $0.credential == "Bearer ghs_" })
    }

    @Test func aRunLongerThanTheInstallationTokenKeepsGoing() async throws {
        let fleet = try AppFleet(latency: .milliseconds(150))
        // Tokens that live 5 min 2 s are renewed 2 s after they are minted: this run outlives several.
        fleet.harness.simulator.setInstallationTokenLifetime(AppSession.refreshMargin + 2)
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile, "--concurrency", "1"] + fleet.appArguments)
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == fleet.pat })
        #expect(fleet.harness.simulator.installationTokensMinted >= 2)
        // Not one request failed on the way.
        let failed = fleet.harness.simulator.requests.filter { $0.status >= 400 && !($0.status == 404 && $0.method == "GET") }
        #expect(failed.isEmpty, "\(failed.map { "\($0.method) \($0.path) \($0.status)" })")
        #expect(run.stderr.contains("installation token was renewed"))
    }

    @Test func anInstallationTokenRefusedEarlyIsRenewedOnce() async throws {
        let fleet = try AppFleet()
        let key = try AppKeySource.read(file: fleet.pair.privateKeyPath, origin: .file(path: fleet.pair.privateKeyPath))
        let console = Console(stdout: { _ in }, stderr: { _ in })
        let session = AppSession(credentials: AppCredentials(appID: AppFleet.appID, key: key), owner: FleetHarness.owner,
                                 scope: .secretsRead(FleetHarness.fleet.map { try! RepositoryName(parsing: $0, defaultOwner: FleetHarness.owner) }), console: console)
        let curl = CurlTransport(configuration: TransportConfiguration())
        defer { curl.shutdown() }
        session.attach(curl, base: try APIBase.resolve(flag: fleet.harness.apiURL, environment: [:], config: nil))
        let transport = AppAuthTransport(inner: curl, session: session)
        let url = fleet.harness.apiURL + "/repos/garrick0/c3-web/actions/secrets/public-key"
        #expect(try await transport.send(HTTPRequest(method: .get, url: url, headers: GitHubClient.standardHeaders, bearer: session.standIn)).status == 200)
        // GitHub revokes the installation token before its hour is up: the next call meets a 401, gets a new token, goes on.
        let used = try #require(fleet.harness.simulator.requests.last?.authorization?.split(separator: " ").last)
        fleet.harness.simulator.revokeToken(String(used))
        #expect(try await transport.send(HTTPRequest(method: .get, url: url, headers: GitHubClient.standardHeaders, bearer: session.standIn)).status == 200)
        #expect(await session.minted == 2)
        #expect(fleet.harness.simulator.requests.suffix(3).map(\.status) == [401, 201, 200])
    }

    @Test func wrongKeyWrongIDAndClockOffAreNamedErrorsWithExitFour() async throws {
        let fleet = try AppFleet()
        let other = try TestAppKeys.make(in: fleet.harness.folder)
        let wrongKey = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile, "--app-id", String(AppFleet.appID),
                                                "--app-key-file", other.privateKeyPath])
        #expect(wrongKey.code == 4)
        #expect(wrongKey.stderr.contains("is not one of this App's"), "\(wrongKey.output)")
        #expect(wrongKey.stderr.contains(try TestAppKeys.fingerprint(of: other)))

        let wrongID = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile, "--app-id", "99",
                                               "--app-key-file", fleet.pair.privateKeyPath])
        #expect(wrongID.code == 4)
        #expect(wrongID.stderr.contains("GitHub knows no App with id 99"), "\(wrongID.output)")

        for offset in [15.0 * 60, -15.0 * 60] {
            fleet.harness.simulator.advanceClock(by: offset)
            defer { fleet.harness.simulator.advanceClock(by: -offset) }
            let skewed = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile] + fleet.appArguments)
            #expect(skewed.code == 4)
            #expect(skewed.stderr.contains("this machine's clock is"), "\(skewed.output)")
            #expect(skewed.stderr.contains(offset > 0 ? "behind GitHub's" : "ahead of GitHub's"), "\(skewed.output)")
        }
        #expect(fleet.harness.uploads == 0)
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == nil })
    }

    @Test func notInstalledOnOneRepositoryNamesItAndFailsOnlyThere() async throws {
        let others = FleetHarness.fleet.filter { $0 != "garrick0/c3-web" } + ["garrick0/c3-platform"]
        let fleet = try AppFleet(installedOn: others)
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile] + fleet.appArguments)
        #expect(run.code == 1)
        #expect(run.stderr.contains("the App is not installed on garrick0/c3-web"), "\(run.output)")
        let delivered = fleet.harness.delivered()
        #expect(delivered["garrick0/c3-web"] == .some(nil))
        #expect(delivered.filter { $0.key != "garrick0/c3-web" }.values.allSatisfy { $0 == fleet.pat })
    }

    @Test func notInstalledOnTheOwnerIsExitFour() async throws {
        let fleet = try AppFleet()
        let other = try TestAppKeys.make(in: fleet.harness.folder)
        fleet.harness.simulator.addApp(id: 7, slug: "elsewhere", publicKeyPEM: other.publicKeyPEM)
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile, "--app-id", "7", "--app-key-file", other.privateKeyPath])
        #expect(run.code == 4)
        #expect(run.stderr.contains("App 7 is not installed on garrick0"), "\(run.output)")
    }

    @Test func missingPermissionIsNamed() async throws {
        let fleet = try AppFleet()
        let id = fleet.harness.simulator.installApp(AppFleet.appID, on: "garrick0", permissions: ["secrets": "read"])
        let config = try String(contentsOfFile: fleet.harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"apiURL\"", with: "\"app\": {\"id\": \(AppFleet.appID), \"installationId\": \(id)},\n  \"apiURL\"")
            .write(toFile: fleet.harness.configPath, atomically: true, encoding: .utf8)
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile, "--app-key-file", fleet.pair.privateKeyPath])
        #expect(run.code == 4)
        #expect(run.stderr.contains("lacks secrets: write"), "\(run.output)")
    }

    @Test func configAppSectionWithKeyFileBesideIt() async throws {
        let fleet = try AppFleet()
        let keyName = URL(fileURLWithPath: fleet.pair.privateKeyPath).lastPathComponent
        let config = try String(contentsOfFile: fleet.harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"apiURL\"", with: "\"app\": {\"id\": \(AppFleet.appID), \"privateKeyFile\": \"\(keyName)\"},\n  \"apiURL\"")
            .write(toFile: fleet.harness.configPath, atomically: true, encoding: .utf8)
        let run = await fleet.harness.run(["rollout", "--token-file", fleet.tokenFile])
        #expect(run.code == 0, "\(run.output)")
        #expect(fleet.harness.delivered().values.allSatisfy { $0 == fleet.pat })
    }

    @Test func anIDWithoutAKeyOrBothCallersAreUsageErrors() async throws {
        let fleet = try AppFleet()
        let noKey = await fleet.harness.run(["status", "--app-id", "12"])
        #expect(noKey.code == 2)
        #expect(noKey.stderr.contains("has no private key"), "\(noKey.output)")
        let both = await fleet.harness.run(["status", "--auth-env", "GH_TOKEN"] + fleet.appArguments, environment: ["GH_TOKEN": fleet.pat])
        #expect(both.code == 2)
        #expect(both.stderr.contains("choose one"), "\(both.output)")
        let notNumber = await fleet.harness.run(["status", "--app-id", "abc", "--app-key-file", fleet.pair.privateKeyPath])
        #expect(notNumber.code == 2)
    }
}

/// `patrol expiry --open-issue` with the App writing the issue: no credential of a person involved.
@Suite struct AppExpiryIssueTests {
    @Test func theAppOpensTheExpiryIssue() async throws {
        let fleet = try AppFleet()
        // A token 5 days from expiry, rolled out by the App, then the daily check with --open-issue as the App.
        let soon = fleet.harness.mint(expiresAt: Date().addingTimeInterval(5 * 86_400 + 3600))
        let file = fleet.harness.folder + "/soon" + TestTranscripts.tokenInputSuffix
        _ = FileManager.default.createFile(atPath: file, contents: Data(soon.utf8), attributes: [.posixPermissions: 0o600])
        let rollout = await fleet.harness.run(["rollout", "--token-file", file, "--allow-expiring"] + fleet.appArguments)
        #expect(rollout.code == 0, "\(rollout.output)")
        let expiry = await fleet.harness.run(["expiry", "--open-issue"] + fleet.appArguments)
        #expect(expiry.code == 4, "\(expiry.output)")
        let issues = fleet.harness.simulator.requests.filter { $0.path.hasPrefix("/repos/garrick0/c3-platform/issues") && $0.method == "POST" }
        #expect(issues.count == 1)
        #expect(issues.allSatisfy { ($0.authorization ?? "").hasPrefix("Bearer ghs_") })
        #expect(issues.first?.status == 201)
    }
}
