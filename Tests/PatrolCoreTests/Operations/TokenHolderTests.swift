import Foundation
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolGitHub
@testable import PatrolCore

/// What `expiry` names from the ledger alone: every target holding the token, an organization secret's reach as
/// patrol recorded it.
@Suite("TokenHolder: every target that holds the token, per the ledger")
struct TokenHolderTests {
    let fingerprint = Fingerprint("sha256:0123456789abcdef")!
    let other = Fingerprint("sha256:fedcba9876543210")!

    /// A two-repository fleet in c3-org with an environment and the organization secret at `visibility`.
    func config(visibility: String) throws -> FleetConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patrol-holders-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/fleet.json"
        try #"""
            {"owner": "c3-org", "secret": "PAT_TOKEN", "repositories": {"libraries": ["c3-shared"], "applications": ["c3-web"]},
             "targets": {"repository": true, "environments": {"c3-web": ["production"]}, "organization": {"name": "c3-org", "visibility": "\#(visibility)"}}}
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        return try FleetConfig.load(path: path)
    }

    @Test("config order, then a target dropped from the config; a target holding another token is left out")
    func order() throws {
        let config = try config(visibility: "selected")
        var ledger = Ledger(secret: "PAT_TOKEN")
        for id in ["org:c3-org", "env:c3-org/c3-web/production", "repo:c3-org/c3-web", "repo:c3-org/c3-shared", "dependabot:c3-org/gone"] {
            ledger.targets[id] = TargetRecord(fingerprint: fingerprint, visibility: id.hasPrefix("org:") ? .selected : nil,
                                              selectedRepositoryIDs: id.hasPrefix("org:") ? [11, 99] : nil)
        }
        ledger.targets["codespaces:c3-org/c3-web"] = TargetRecord(fingerprint: other)
        ledger.repositoryIDs = ["c3-org/c3-shared": 11, "c3-org/c3-web": 12, "c3-org/outsider": 99]
        let holders = TokenHolder.all(holding: fingerprint, in: ledger, config: config)
        #expect(holders.map(\.target.id) == ["repo:c3-org/c3-shared", "repo:c3-org/c3-web", "env:c3-org/c3-web/production", "org:c3-org",
                                             "dependabot:c3-org/gone"])
        // The recorded selection: c3-shared of the fleet, the outsider named through the cached ids; c3-web missing.
        let reach = try #require(holders[3].reach)
        #expect(reach.reaches == ["c3-org/c3-shared"] && reach.missing == ["c3-org/c3-web"] && reach.extra == ["c3-org/outsider"])
        #expect(TokenHolder.repositories(of: holders, fleet: config.repositories) == ["c3-org/c3-shared", "c3-org/c3-web", "c3-org/gone", "c3-org/outsider"])
        #expect(holders[3].label(ids: true) == "org:c3-org (selected, read by 2 repositories: c3-org/c3-shared, c3-org/outsider)")
    }

    @Test("a private or all secret is read by every repository of the fleet, and says which of the organization's")
    func visibility() throws {
        for (visibility, words) in [("private", "(private: every private and internal repository of c3-org)"),
                                    ("all", "(all: every repository of c3-org)")] {
            let config = try config(visibility: visibility)
            var ledger = Ledger(secret: "PAT_TOKEN")
            ledger.targets["org:c3-org"] = TargetRecord(fingerprint: fingerprint, visibility: SecretVisibility(rawValue: visibility))
            let holders = TokenHolder.all(holding: fingerprint, in: ledger, config: config)
            #expect(holders.map(\.target.id) == ["org:c3-org"])
            #expect(holders[0].label(ids: true) == "org:c3-org " + words)
            #expect(TokenHolder.repositories(of: holders, fleet: config.repositories) == ["c3-org/c3-shared", "c3-org/c3-web"])
        }
    }
}
