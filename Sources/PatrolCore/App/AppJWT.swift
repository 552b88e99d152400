import FoundationEssentials
import PatrolSecrets

/// The JSON Web Token an App authenticates with: RS256 over `{"iat", "exp", "iss"}` (GitHub's rules:
/// `exp` at most 10 minutes after `iat`). Built as bytes and returned as a ``Token``, so it lives in guarded
/// memory, is sent only as the Authorization header, and is redacted like any token.
public enum AppJWT {
    /// `iat` is set this far in the past, as GitHub advises, so a clock a little ahead of GitHub's still works.
    public static let issuedAtBackdate: TimeInterval = 60
    /// `exp` is this far after `now`: under GitHub's 10-minute limit with room for a clock a little behind.
    public static let lifetime: TimeInterval = 9 * 60

    /// A JWT for App `appID` signed with `key`, valid from `now` − 60 s to `now` + 9 min.
    public static func make(appID: Int, key: AppPrivateKey, now: Date) throws(AppKeyError) -> Token {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        let header = Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)
        let claims = Array(#"{"iat":\#(seconds - Int(issuedAtBackdate)),"exp":\#(seconds + Int(lifetime)),"iss":"\#(appID)"}"#.utf8)
        var signingInput = AppBase64.encodedBytes(header, urlSafe: true) + [UInt8(ascii: ".")]
            + AppBase64.encodedBytes(claims, urlSafe: true)
        let signature = try key.sign(signingInput)
        signingInput.reserveCapacity(signingInput.count + 1 + (signature.count * 4 + 2) / 3)
        defer { TokenSource.zero(&signingInput) }
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: AppBase64.encodedBytes(signature, urlSafe: true))
        return Token(bytes: signingInput)
    }
}
