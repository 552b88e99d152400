@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Tokens made at run time, so the repository holds nothing a secret scanner would take for a real token.
enum TestTokens {
    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Begins the random part of every token the tests make, so `Tests/Hygiene/scan.sh` can find any that leaked
    /// into output or files without the tokens being stored anywhere. Base62, so tokens keep a valid shape.
    static let marker = "PATROLMARK"

    /// `count` random base62 characters.
    static func random(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in base62.randomElement(using: &generator)! })
    }

    /// A classic token: `ghp_`, 30 characters (`marker` and random ones), and their valid checksum.
    static func classic(marker: String = marker) -> String {
        let body = marker + random(30 - marker.count)
        return "ghp_" + body + TokenFormat.classicChecksum(of: Array(body.utf8))
    }

    /// A fine-grained token in GitHub's 93-character shape: `github_pat_`, 22 characters, `_`, 59 characters.
    static func fineGrained() -> String {
        "github_pat_" + marker + random(22 - marker.count) + "_" + random(59)
    }

    /// An installation token in the post-2026 shape: about 520 characters, with dots.
    static func installation() -> String {
        "ghs_" + marker + (0..<4).map { _ in random(128) }.joined(separator: ".")
    }

    /// A token of `kind` whose format is valid.
    static func of(_ kind: TokenKind) -> String {
        switch kind {
        case .classic: classic()
        case .fineGrained: fineGrained()
        case .installation: installation()
        default: kind.prefix + marker + random(36 - marker.count)
        }
    }

    /// `token` with one character after its prefix and marker changed into another base62 character.
    static func mistyped(_ token: String, prefixLength: Int = 4) -> String {
        var characters = Array(token)
        let position = Int.random(in: (prefixLength + marker.count)..<(characters.count - 6))
        characters[position] = base62.filter { $0 != characters[position] }.randomElement()!
        return String(characters)
    }

    /// `token` without its last `count` characters, as a short selection copies it.
    static func truncated(_ token: String, by count: Int = 1) -> String {
        String(token.dropLast(count))
    }
}
