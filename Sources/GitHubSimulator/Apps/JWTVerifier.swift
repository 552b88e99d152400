import FoundationEssentials
import PatrolSupport

/// Checks an App's JSON Web Token the way GitHub does, with GitHub's messages: decodable, RS256, signed by one
/// of the App's keys, `iat` not in the future, `exp` in the future but at most 10 minutes ahead.
enum JWTVerifier {
    /// GitHub's messages for a refused JWT (all answered 401).
    enum Message {
        static let undecodable = "A JSON web token could not be decoded"
        static let issuedAt = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
        static let expired = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
        static let tooFar = "'Expiration time' claim ('exp') is too far in the future"
        static let noApp = "Integration not found"
    }

    /// GitHub's limit on `exp`: no more than 10 minutes after now.
    static let maximumLifetime: TimeInterval = 600

    /// True when `credential` has a JWT's shape (three base64url parts, the first a JSON object).
    static func looksLikeJWT(_ credential: String) -> Bool {
        credential.hasPrefix("eyJ") && credential.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The App the JWT authenticates, or GitHub's refusal message.
    static func verify(_ jwt: String, apps: [Int: AppRecord], now: Date) -> JWTVerdict {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3,
              let headerBytes = base64URL(parts[0]), let claimBytes = base64URL(parts[1]), let signature = base64URL(parts[2]),
              let header = SimulatorJSON.object(headerBytes),
              let claims = SimulatorJSON.object(claimBytes),
              header["alg"] as? String == "RS256"
        else { return .refused(Message.undecodable) }
        let issuer: Int? = (claims["iss"] as? Int) ?? (claims["iss"] as? String).flatMap { Int($0) }
        guard let issuer, let app = apps[issuer] else { return .refused(Message.noApp) }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard app.publicKeys.contains(where: { SimulatorRSA.verify(signature, of: signed, publicKeyPEM: $0) }) else {
            return .refused(Message.undecodable)
        }
        guard let issuedAt = number(claims["iat"]), Date(timeIntervalSince1970: issuedAt) <= now else {
            return .refused(Message.issuedAt)
        }
        guard let expiresAt = number(claims["exp"]), Date(timeIntervalSince1970: expiresAt) > now else {
            return .refused(Message.expired)
        }
        guard Date(timeIntervalSince1970: expiresAt) <= now.addingTimeInterval(maximumLifetime) else {
            return .refused(Message.tooFar)
        }
        return .app(app.id)
    }

    /// A claim that must be a number (an integer or a float, as JSON allows).
    private static func number(_ value: Any?) -> TimeInterval? {
        (value as? Int).map { TimeInterval($0) } ?? (value as? Double)
    }

    /// Base64url without padding, decoded with the simulator's own standard-alphabet decoder.
    static func base64URL(_ text: String) -> [UInt8]? {
        var standard = text.replacingEvery("-", with: "+").replacingEvery("_", with: "/")
        guard !standard.contains("=") else { return nil }
        while standard.count % 4 != 0 { standard += "=" }
        return SimulatorCrypto.decodeBase64(standard)
    }
}

/// What the simulator makes of a JWT.
enum JWTVerdict: Equatable {
    /// A valid JWT of this App.
    case app(Int)
    /// Refused with GitHub's message.
    case refused(String)
}
