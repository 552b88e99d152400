/// The kinds of personal access token the simulator can mint.
public enum TokenKind: String, Sendable, CaseIterable {
    /// `ghp_…`, with scopes and a CRC-32 checksum.
    case classic
    /// `github_pat_…`, with per-repository permissions and no scope header.
    case fineGrained
}

/// How the `github-authentication-token-expiration` header writes a token's expiry.
public enum ExpirationFormat: Sendable, Equatable {
    /// `2023-01-31 23:00:00 UTC`
    case utc
    /// `2023-04-26 20:23:26 +0200`: the time in that offset, which is `+HHMM` or `-HHMM`.
    case offset(String)
}
