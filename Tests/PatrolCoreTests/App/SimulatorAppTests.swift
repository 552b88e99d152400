import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// The simulator's GitHub Apps: it verifies JWTs itself and refuses them as GitHub does, issues installation
/// tokens with a lifetime, narrowed repositories and permissions that it enforces, and serves variables.
@Suite struct SimulatorAppTests {
    static let appID = 424_242

    /// A simulator with the fleet, one App with a fresh key, installed on the owner; and a transport to it. The
    /// simulator reads a virtual clock, which moves only when a test says so: no lifetime here depends on how long a
    /// request takes on a loaded machine.
    final class Setup: Sendable {
        let clock = VirtualClock()
        let harness: FleetHarness
        let pair: TestAppKeys.KeyPair
        let key: AppPrivateKey
        let installationID: Int
        let transport: CurlTransport

        init(installedOn repositories: [String]? = nil) throws {
            harness = try FleetHarness(clock: clock)
            pair = try TestAppKeys.make(in: harness.folder)
            key = try AppKeySource.read(file: pair.privateKeyPath, origin: .file(path: pair.privateKeyPath))
            harness.simulator.addApp(id: SimulatorAppTests.appID, slug: "c3-patrol", publicKeyPEM: pair.publicKeyPEM)
            installationID = harness.simulator.installApp(SimulatorAppTests.appID, on: FleetHarness.owner, repositories: repositories)
            transport = CurlTransport(configuration: TransportConfiguration())
        }

        deinit { transport.shutdown() }

        func send(_ method: HTTPMethod, _ path: String, bearer: Token?, body: String? = nil) async throws -> (status: Int, json: [String: Any]) {
            let response = try await transport.send(HTTPRequest(method: method, url: harness.apiURL + path, headers: GitHubClient.standardHeaders, bearer: bearer,
                                                                body: body.map { Array($0.utf8) }))
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            return (response.status, json)
        }

        /// A JWT for the App made at `now`, the simulator's time by default.
        func jwt(at now: Date? = nil, appID: Int = SimulatorAppTests.appID) throws -> Token {
            try AppJWT.make(appID: appID, key: key, now: now ?? clock.now)
        }

        /// Mints an installation token with `body` and returns it.
        func installationToken(body: String? = nil) async throws -> (status: Int, token: Token?, json: [String: Any]) {
            let answer = try await send(.post, "/app/installations/\(installationID)/access_tokens", bearer: try jwt(), body: body)
            return (answer.status, (answer.json["token"] as? String).map { Token(bytes: Array($0.utf8)) }, answer.json)
        }
    }

    @Test func validJWTReadsTheAppAndItsInstallation() async throws {
        let setup = try Setup()
        let app = try await setup.send(.get, "/app", bearer: try setup.jwt())
        #expect(app.status == 200)
        #expect(app.json["slug"] as? String == "c3-patrol")
        for path in ["/orgs/garrick0/installation", "/users/garrick0/installation", "/repos/garrick0/c3-web/installation"] {
            let found = try await setup.send(.get, path, bearer: try setup.jwt())
            #expect(found.status == 200, "\(path)")
            #expect(found.json["id"] as? Int == setup.installationID, "\(path)")
        }
        #expect(try await setup.send(.get, "/orgs/someone-else/installation", bearer: try setup.jwt()).status == 404)
    }

    @Test func refusesJWTsAsGitHubDoes() async throws {
        let setup = try Setup()
        let now = setup.clock.now
        let other = try TestAppKeys.make(in: setup.harness.folder)
        let otherKey = try AppKeySource.read(file: other.privateKeyPath, origin: .file(path: other.privateKeyPath))
        let cases: [(String, Token)] = [
            ("A JSON web token could not be decoded", try AppJWT.make(appID: Self.appID, key: otherKey, now: now)),
            ("Integration not found", try setup.jwt(appID: 99)),
            // A clock 15 minutes ahead: iat in the future. 15 minutes behind: exp already past.
            ("'Issued at' claim ('iat')", try setup.jwt(at: now.addingTimeInterval(15 * 60))),
            ("'Expiration time' claim ('exp') must be a numeric value", try setup.jwt(at: now.addingTimeInterval(-15 * 60))),
        ]
        for (message, jwt) in cases {
            let answer = try await setup.send(.get, "/app", bearer: jwt)
            #expect(answer.status == 401)
            #expect((answer.json["message"] as? String)?.hasPrefix(message) == true, "\(answer.json)")
        }
        // A JWT with a changed claim no longer verifies.
        let good = try setup.jwt().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        var parts = good.split(separator: ".").map(String.init)
        parts[1] = parts[1].replacingOccurrences(of: "e", with: "f")
        let forged = try await setup.send(.get, "/app", bearer: Token(bytes: Array(parts.joined(separator: ".").utf8)))
        #expect(forged.status == 401)
        #expect(setup.harness.simulator.refusedJWTs.count == 5)
    }

    @Test func installationTokenIsNarrowedAndEnforced() async throws {
        let setup = try Setup()
        let before = setup.harness.simulator.now
        let minted = try await setup.installationToken(body: #"{"repositories": ["c3-shared"], "permissions": {"secrets": "read"}}"#)
        let after = setup.harness.simulator.now
        #expect(minted.status == 201)
        let token = try #require(minted.token)
        token.withUnsafeBytes { #expect(String(decoding: $0, as: UTF8.self).hasPrefix("ghs_" + TestTokens.marker)) }
        #expect(minted.json["permissions"] as? [String: String] == ["secrets": "read", "metadata": "read"])
        let expiresText = try #require(minted.json["expires_at"] as? String)
        let expires = try #require(ISO8601.parse(expiresText))
        // An hour from the moment the simulator minted it, however long the request took on a loaded machine
        // (expires_at has whole seconds).
        #expect(expires.timeIntervalSince(before) >= 3600 - 1 && expires.timeIntervalSince(after) <= 3600, "\(expiresText)")
        // Read where narrowed to; not write; other repositories hidden.
        #expect(try await setup.send(.get, "/repos/garrick0/c3-shared/actions/secrets/public-key", bearer: token).status == 200)
        let write = try await setup.send(.put, "/repos/garrick0/c3-shared/actions/secrets/X", bearer: token, body: "{}")
        #expect(write.status == 403)
        #expect(write.json["message"] as? String == "Resource not accessible by integration")
        #expect(try await setup.send(.get, "/repos/garrick0/c3-web/actions/secrets/public-key", bearer: token).status == 404)
        let listed = try await setup.send(.get, "/installation/repositories", bearer: token)
        #expect((listed.json["repositories"] as? [[String: Any]])?.compactMap { $0["full_name"] as? String } == ["garrick0/c3-shared"])
        #expect(try await setup.send(.get, "/user", bearer: token).status == 403)
        // More than the installation has, or a repository outside it: 422.
        #expect(try await setup.installationToken(body: #"{"permissions": {"administration": "write"}}"#).status == 422)
        #expect(try await setup.installationToken(body: #"{"repositories": ["not-installed"]}"#).status == 422)
        // A PAT or an installation token cannot mint.
        #expect(try await setup.send(.post, "/app/installations/\(setup.installationID)/access_tokens", bearer: token).status == 401)
    }

    @Test func installationTokenExpiresAfterItsLifetime() async throws {
        let setup = try Setup()
        // The simulator's clock is the test's virtual clock (plus what the test advances), so only the advances below
        // move it: the token lives exactly its lifetime, however slow the machine.
        setup.harness.simulator.setInstallationTokenLifetime(60)
        let token = try #require(try await setup.installationToken().token)
        #expect(try await setup.send(.get, "/repos/garrick0/c3-web/actions/secrets/public-key", bearer: token).status == 200)
        setup.harness.simulator.advanceClock(by: 59)
        #expect(try await setup.send(.get, "/repos/garrick0/c3-web/actions/secrets/public-key", bearer: token).status == 200,
                "one second before its lifetime ends the token still works")
        setup.harness.simulator.advanceClock(by: 1)
        let late = try await setup.send(.get, "/repos/garrick0/c3-web/actions/secrets/public-key", bearer: token)
        #expect(late.status == 401)
        #expect(late.json["message"] as? String == "Bad credentials")
    }

    @Test func selectedRepositoriesInstallationHidesTheOthers() async throws {
        let setup = try Setup(installedOn: ["garrick0/c3-shared", "garrick0/c3-web"])
        let found = try await setup.send(.get, "/repos/garrick0/c3-cli/installation", bearer: try setup.jwt())
        #expect(found.status == 404)
        let token = try #require(try await setup.installationToken().token)
        #expect(try await setup.send(.get, "/repos/garrick0/c3-cli/actions/secrets/public-key", bearer: token).status == 404)
        #expect(try await setup.send(.get, "/repos/garrick0/c3-web/actions/secrets/public-key", bearer: token).status == 200)
    }

    @Test func variablesCreateUpdateRead() async throws {
        let setup = try Setup()
        let token = try #require(try await setup.installationToken().token)
        let path = "/repos/garrick0/c3-web/actions/variables"
        #expect(try await setup.send(.post, path, bearer: token, body: #"{"name": "APP_ID", "value": "1"}"#).status == 201)
        #expect(try await setup.send(.post, path, bearer: token, body: #"{"name": "APP_ID", "value": "1"}"#).status == 409)
        #expect(try await setup.send(.patch, path + "/APP_ID", bearer: token, body: #"{"value": "424242"}"#).status == 204)
        let read = try await setup.send(.get, path + "/app_id", bearer: token)
        #expect(read.json["value"] as? String == "424242")
        #expect(setup.harness.simulator.variable("APP_ID", in: "garrick0/c3-web") == "424242")
        // Without actions_variables: write, creating one is refused.
        let readOnly = try #require(try await setup.installationToken(body: #"{"permissions": {"actions_variables": "read"}}"#).token)
        let refused = try await setup.send(.post, path, bearer: readOnly, body: #"{"name": "OTHER", "value": "1"}"#)
        #expect(refused.status == 403)
    }
}
