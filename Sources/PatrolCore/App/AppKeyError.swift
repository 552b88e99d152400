import PatrolSecrets
/// Where an App's private key came from, as the user named it.
public enum AppKeyOrigin: Equatable, Sendable, CustomStringConvertible {
    /// `--app-key-file PATH`.
    case file(path: String)
    /// The config's `app.privateKeyFile`, resolved next to the config.
    case configFile(path: String)
    /// The environment variable `PATROL_APP_PRIVATE_KEY`.
    case environment
    /// Made in memory by `patrol demo` for its simulated App.
    case generated

    public var description: String {
        switch self {
        case .file(let path): "--app-key-file \(path)"
        case .configFile(let path): "app.privateKeyFile \(path)"
        case .environment: AppKeySource.variable
        case .generated: "the demo's generated key"
        }
    }
}

/// Why an App's private key cannot be used. Messages name where the key came from, never its bytes.
public enum AppKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `-----BEGIN …-----` line: not a PEM file at all.
    case notPEM(AppKeyOrigin)
    /// A passphrase-protected key (GitHub's downloads never are).
    case encrypted(AppKeyOrigin)
    /// libcrypto could not read a private key from the PEM.
    case unreadable(AppKeyOrigin, reason: String)
    /// A private key, but not RSA (GitHub Apps sign with RS256 only).
    case notRSA(AppKeyOrigin)
    /// The key file could not be opened or read, or other users may read it.
    case file(TokenSourceError, origin: AppKeyOrigin)
    /// libcrypto failed to sign.
    case signingFailed(reason: String)

    public var description: String {
        switch self {
        case .notPEM(let origin):
            return "\(origin) is not a PEM private key (no \"-----BEGIN\" line): give the .pem file GitHub downloaded when you generated the App's private key"
        case .encrypted(let origin):
            return "\(origin) is an encrypted private key; patrol cannot ask for its passphrase. Write an unencrypted copy only you can read: "
                + "openssl pkey -in KEY.pem -out app.pem && chmod 600 app.pem"
        case .unreadable(let origin, let reason):
            return "\(origin) holds no private key that can be read (\(reason)): give the App's private key as GitHub downloaded it "
                + "(\"BEGIN RSA PRIVATE KEY\", PKCS#1) or in PKCS#8 (\"BEGIN PRIVATE KEY\"), whole, with its BEGIN and END lines"
        case .notRSA(let origin):
            return "\(origin) is not an RSA key: GitHub Apps sign their tokens with RS256; generate a private key in the App's settings and use that file"
        case .file(let error, let origin):
            // TokenSourceError names --token-file; say the option the key came from instead.
            return error.description.replacingEvery("--token-file", with: origin.optionName)
                .replacingEvery("holds the token", with: "holds the private key")
        case .signingFailed(let reason):
            return "signing the App's token failed (\(reason)); check that the private key file is the App's, as GitHub downloaded it"
        }
    }
}

extension AppKeyOrigin {
    /// How the user named the file, for messages borrowed from ``TokenSourceError``.
    var optionName: String {
        switch self {
        case .file: "--app-key-file"
        case .configFile: "app.privateKeyFile"
        case .environment: AppKeySource.variable
        case .generated: "the demo's generated key"
        }
    }
}
