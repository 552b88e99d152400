import Foundation
import Testing
@testable import GitHubSimulator

/// Repository-bound kinds of secret (Actions, environment, Dependabot, Codespaces) and organization Actions
/// secrets: each has its own key pair, opens what is sealed for it and nothing else.
@Suite("Secret targets: every place a secret lives")
struct SecretTargetTests {
    /// One kind: where its endpoints live and how tests name it.
    struct Place: CustomTestStringConvertible, Sendable {
        let label: String
        let prefix: String
        let target: SimulatedTarget
        let extra: String
        var testDescription: String { label }
    }

    static let places: [Place] = [
        Place(label: "repository", prefix: "/repos/octo-org/app/actions/secrets", target: .repository("octo-org/app"), extra: ""),
        Place(label: "environment", prefix: "/repos/octo-org/app/environments/Production%20EU/secrets",
              target: .environment(repository: "octo-org/app", name: "production eu"), extra: ""),
        Place(label: "dependabot", prefix: "/repos/octo-org/app/dependabot/secrets", target: .dependabot("octo-org/app"), extra: ""),
        Place(label: "codespaces", prefix: "/repos/octo-org/app/codespaces/secrets", target: .codespaces("octo-org/app"), extra: ""),
        Place(label: "organization", prefix: "/orgs/octo-org/actions/secrets", target: .organization("octo-org"),
              extra: #""visibility":"all""#),
    ]

    /// A fixture whose repository belongs to the organization `octo-org` (owned by the token's account, which has
    /// `admin:org`) and has
    /// an environment whose name holds a space.
    static func fixture() throws -> Fixture {
        let fixture = try Fixture()
        fixture.simulator.addOrganization("octo-org", owners: ["octo"])
        fixture.simulator.setScopes(["repo", "admin:org"], for: fixture.token)
        #expect(fixture.simulator.addEnvironment("Production EU", to: fixture.repository))
        return fixture
    }

    @Test(arguments: places)
    func eachKindOpensWhatIsSealedForItsOwnKeyAndKeepsThePlaintext(_ place: Place) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let keyPath = place.prefix + "/public-key"
        let created = try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token,
                                         body: fixture.sealedBody("first", client: client, keyPath: keyPath, extra: place.extra))
        #expect(created.status == 201, "\(created.text)")
        #expect(fixture.simulator.secret("pat_token", in: place.target)?.plaintext == "first")
        fixture.simulator.advanceClock(by: 3)
        let updated = try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token,
                                         body: fixture.sealedBody("second", client: client, keyPath: keyPath, extra: place.extra))
        #expect(updated.status == 204)
        let stored = try #require(fixture.simulator.secret("PAT_TOKEN", in: place.target))
        #expect(stored.plaintext == "second")
        #expect(stored.writes == 2)
        #expect(stored.updatedAt > stored.createdAt)

        let fetched = try client.request("GET", place.prefix + "/PAT_TOKEN", token: fixture.token)
        #expect(fetched.status == 200)
        #expect(fetched.json?["updated_at"] as? String == SimulatorTime.iso8601(stored.updatedAt))
        #expect(fetched.json?["value"] == nil)
        let listed = try client.request("GET", place.prefix + "?per_page=100", token: fixture.token)
        #expect(listed.json?["total_count"] as? Int == 1)
        #expect(try client.request("DELETE", place.prefix + "/PAT_TOKEN", token: fixture.token).status == 204)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: place.target) == nil)
        #expect(try client.request("GET", place.prefix + "/PAT_TOKEN", token: fixture.token).status == 404)
        // Only the kind written holds anything: the others were never touched.
        for other in Self.places where other.label != place.label {
            #expect(fixture.simulator.secrets(in: other.target).isEmpty, "\(other.label)")
        }
    }

    @Test func everyKindHasItsOwnKeyPair() throws {
        let fixture = try Self.fixture()
        let keys = Self.places.compactMap { fixture.simulator.publicKey(of: $0.target) }
        #expect(keys.count == Self.places.count)
        #expect(Set(keys.map(\.key)).count == Self.places.count)
        #expect(Set(keys.map(\.keyID)).count == Self.places.count)
        // Two environments of one repository differ too.
        fixture.simulator.addEnvironment("staging", to: fixture.repository)
        let staging = try #require(fixture.simulator.publicKey(of: .environment(repository: fixture.repository, name: "staging")))
        #expect(!keys.map(\.key).contains(staging.key))
    }

    /// `gh` once sealed environment secrets with the repository key: GitHub refuses such a value as undecryptable.
    @Test(arguments: places.dropFirst())
    func aValueSealedForTheRepositoryKeyIsRefusedElsewhere(_ place: Place) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let repositoryKey = try #require(fixture.simulator.publicKey(of: .repository(fixture.repository)))
        let placeKey = try #require(fixture.simulator.publicKey(of: place.target))
        let sealed = Fixture.seal("value", key: Array(Data(base64Encoded: repositoryKey.key)!))
        let more = place.extra.isEmpty ? "" : "," + place.extra
        // The place's key_id with a box that opens only with the repository's key: undecryptable.
        let undecryptable = try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token,
                                               body: #"{"encrypted_value":"\#(sealed)","key_id":"\#(placeKey.keyID)"\#(more)}"#)
        #expect(undecryptable.status == 422)
        #expect(undecryptable.text.contains("encrypted_value"))
        // The repository's key_id: not this place's key.
        let wrongKey = try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token,
                                          body: #"{"encrypted_value":"\#(sealed)","key_id":"\#(repositoryKey.keyID)"\#(more)}"#)
        #expect(wrongKey.status == 422)
        #expect(wrongKey.text.contains("key_id"))
        #expect(fixture.simulator.secret("PAT_TOKEN", in: place.target) == nil)
        #expect(fixture.simulator.counters.uploads == 0)
    }

    @Test(arguments: places)
    func aKeyRotatedPerTargetMakesOnlyThatTargetsUploadStale(_ place: Place) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let keyPath = place.prefix + "/public-key"
        let stale = try fixture.sealedBody("value", client: client, keyPath: keyPath, extra: place.extra)
        let otherKeys = Self.places.filter { $0.label != place.label }.compactMap { fixture.simulator.publicKey(of: $0.target) }
        let rotated = try #require(fixture.simulator.rotatePublicKey(of: place.target))
        #expect(!stale.contains(rotated.keyID))
        #expect(Self.places.filter { $0.label != place.label }.compactMap { fixture.simulator.publicKey(of: $0.target) } == otherKeys)
        #expect(try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token, body: stale).status == 422)

        // Rotated between the fetch and the upload.
        fixture.simulator.rotatePublicKeyAfterNextFetch(of: place.target)
        let raced = try fixture.sealedBody("value", client: client, keyPath: keyPath, extra: place.extra)
        #expect(try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token, body: raced).status == 422)
        fixture.simulator.rotatePublicKeyAfterFetches(of: place.target, count: 2)
        for _ in 0..<2 {
            let body = try fixture.sealedBody("value", client: client, keyPath: keyPath, extra: place.extra)
            #expect(try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token, body: body).status == 422)
        }
        let fresh = try fixture.sealedBody("value", client: client, keyPath: keyPath, extra: place.extra)
        #expect(try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token, body: fresh).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: place.target)?.plaintext == "value")
    }

    @Test(arguments: places)
    func aLostWriteIsAnsweredButKeepsNothing(_ place: Place) throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        fixture.simulator.loseNextWrite(to: place.target)
        let body = try fixture.sealedBody("value", client: client, keyPath: place.prefix + "/public-key", extra: place.extra)
        #expect(try client.request("PUT", place.prefix + "/PAT_TOKEN", token: fixture.token, body: body).status == 201)
        #expect(fixture.simulator.secret("PAT_TOKEN", in: place.target) == nil)
    }

    @Test func aMissingEnvironmentIsNotFound() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        let prefix = "/repos/\(fixture.repository)/environments/staging/secrets"
        #expect(try client.request("GET", prefix + "/public-key", token: fixture.token).status == 404)
        let key = try #require(fixture.simulator.publicKey(of: .environment(repository: fixture.repository, name: "Production EU")))
        let sealed = Fixture.seal("value", key: Array(Data(base64Encoded: key.key)!))
        let put = try client.request("PUT", prefix + "/PAT_TOKEN", token: fixture.token,
                                     body: #"{"encrypted_value":"\#(sealed)","key_id":"\#(key.keyID)"}"#)
        #expect(put.status == 404)
        #expect(fixture.simulator.environments(in: fixture.repository) == ["Production EU"])
    }

    @Test func secretsWrittenOutsidePatrolAndDeletedLandInTheirPlace() throws {
        let fixture = try Self.fixture()
        for place in Self.places {
            #expect(fixture.simulator.writeSecretOutsidePatrol("OTHER", in: place.target, value: place.label))
            #expect(fixture.simulator.secret("OTHER", in: place.target)?.plaintext == place.label)
        }
        #expect(fixture.simulator.organizationSecretAccess("OTHER", in: "octo-org")?.visibility == .private)
        for place in Self.places {
            fixture.simulator.deleteSecret("OTHER", in: place.target)
            #expect(fixture.simulator.secret("OTHER", in: place.target) == nil)
        }
        #expect(!fixture.simulator.writeSecretOutsidePatrol("OTHER", in: .environment(repository: fixture.repository, name: "nope"), value: "x"))
    }

    @Test func aRunThatOnlyReadsWritesNothing() throws {
        let fixture = try Self.fixture()
        let client = try fixture.client()
        for place in Self.places {
            _ = try client.request("GET", place.prefix + "/public-key", token: fixture.token)
            _ = try client.request("GET", place.prefix + "/PAT_TOKEN", token: fixture.token)
        }
        #expect(fixture.simulator.requests.count == 2 * Self.places.count)
        #expect(fixture.simulator.writeRequests.isEmpty)
        _ = try client.request("DELETE", "/repos/\(fixture.repository)/dependabot/secrets/NOPE", token: fixture.token)
        #expect(fixture.simulator.writeRequests.map(\.route) == ["DELETE dependabot secret"])
    }
}
