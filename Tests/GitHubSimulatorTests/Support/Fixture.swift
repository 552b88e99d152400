import CSodium
import Foundation
import Testing
@testable import GitHubSimulator

/// A started simulator with one admin repository and one classic token, stopped on deinit.
final class Fixture {
    let simulator: GitHubSimulator
    let url: String
    let token: String
    let repository = "octo-org/app"

    init(latency: Duration = .zero) throws {
        simulator = GitHubSimulator(latency: latency)
        // The marker the hygiene scan looks for (Tests/PatrolCoreTests/Support/TestTokens.swift).
        simulator.setTokenMarker("PATROLMARK")
        url = try simulator.start()
        simulator.addRepository(repository)
        token = simulator.mintToken(login: "octo")
    }

    deinit {
        simulator.stop()
    }

    func client() throws -> RawClient {
        try RawClient(apiURL: url)
    }

    /// Fetches the public key over HTTP and seals `value` for it with libsodium directly.
    func sealedBody(_ value: String, client: RawClient, repository: String? = nil) throws -> String {
        let response = try client.request("GET", "/repos/\(repository ?? self.repository)/actions/secrets/public-key", token: token)
        let json = try #require(response.json)
        let keyID = try #require(json["key_id"] as? String)
        let keyText = try #require(json["key"] as? String)
        let key = try #require(Data(base64Encoded: keyText))
        return #"{"encrypted_value":"\#(Self.seal(value, key: Array(key)))","key_id":"\#(keyID)"}"#
    }

    /// Fetches the public key at `keyPath` (any kind's `…/secrets/public-key`) and seals `value` for it; `extra`
    /// is more JSON members to add, such as `"visibility":"selected"`.
    func sealedBody(_ value: String, client: RawClient, keyPath: String, token: String? = nil, extra: String = "") throws -> String {
        let response = try client.request("GET", keyPath, token: token ?? self.token)
        #expect(response.status == 200, "public key at \(keyPath): \(response.status) \(response.text)")
        let json = try #require(response.json)
        let keyID = try #require(json["key_id"] as? String)
        let keyText = try #require(json["key"] as? String)
        let key = try #require(Data(base64Encoded: keyText))
        let more = extra.isEmpty ? "" : "," + extra
        return #"{"encrypted_value":"\#(Self.seal(value, key: Array(key)))","key_id":"\#(keyID)"\#(more)}"#
    }

    /// `crypto_box_seal` of `value` for `key`, standard base64: written here, not borrowed from the simulator.
    static func seal(_ value: String, key: [UInt8]) -> String {
        precondition(sodium_init() >= 0)
        let message = Array(value.utf8)
        var sealed = [UInt8](repeating: 0, count: message.count + crypto_box_sealbytes())
        // why: `sealed` is sized message + crypto_box_sealbytes(), as crypto_box_seal writes.
        precondition(crypto_box_seal(&sealed, message, UInt64(message.count), key) == 0)
        return Data(sealed).base64EncodedString()
    }
}
