/// The kinds of GitHub token patrol recognises, told apart by their prefix.
public enum TokenKind: String, CaseIterable, Codable, Sendable {
    /// A classic personal access token, `ghp_`.
    case classic
    /// A fine-grained personal access token, `github_pat_`.
    case fineGrained = "fine-grained"
    /// An OAuth app token, `gho_`.
    case oauth
    /// A GitHub App user-to-server token, `ghu_`.
    case userToServer = "user-to-server"
    /// A GitHub App installation token (also Actions' `GITHUB_TOKEN`), `ghs_`.
    case installation
    /// A GitHub App refresh token, `ghr_`.
    case refresh

    /// The characters every token of this kind starts with.
    public var prefix: String {
        switch self {
        case .classic: "ghp_"
        case .fineGrained: "github_pat_"
        case .oauth: "gho_"
        case .userToServer: "ghu_"
        case .installation: "ghs_"
        case .refresh: "ghr_"
        }
    }

    /// What a user calls this kind, for messages: "classic personal access token".
    public var displayName: String {
        switch self {
        case .classic: "classic personal access token"
        case .fineGrained: "fine-grained personal access token"
        case .oauth: "OAuth app token"
        case .userToServer: "GitHub App user-to-server token"
        case .installation: "GitHub App installation token"
        case .refresh: "GitHub App refresh token"
        }
    }

    /// The kind whose prefix `bytes` starts with, if any.
    package static func matching(_ bytes: UnsafeRawBufferPointer) -> TokenKind? {
        allCases.first { kind in
            let prefix = Array(kind.prefix.utf8)
            return bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix)
        }
    }
}
