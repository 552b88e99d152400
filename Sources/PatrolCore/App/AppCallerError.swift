import FoundationEssentials

/// Why patrol could not act as the GitHub App. Messages name what is wrong and what to do; never the key or a token.
public enum AppCallerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--app-id`/`PATROL_APP_ID`/`app.id` without a private key, or a key without an id.
    case incomplete(missing: String)
    /// `--app-id` or `PATROL_APP_ID` is not a positive integer.
    case invalidAppID(String, origin: String)
    /// `--auth-env` and the App both name the caller.
    case twoCallers(authEnv: String)
    /// GitHub knows no App with this id (401 "Integration not found").
    case unknownApp(appID: Int)
    /// GitHub could not verify the JWT with any of the App's keys: the key is not this App's.
    case wrongKey(appID: Int, fingerprint: String)
    /// GitHub refused the JWT's times: this machine's clock is off from GitHub's.
    case clockSkew(message: String, local: Date, github: Date?)
    /// Any other refusal of the JWT.
    case jwtRefused(status: Int, message: String)
    /// The App is not installed on the fleet's owner.
    case notInstalled(owner: String, appID: Int)
    /// The installation id given does not belong to this App.
    case installationNotFound(id: Int)
    /// The installation was not granted what the command needs.
    case permissionsNotGranted(missing: [String], installationID: Int)
    /// An answer patrol could not read.
    case unexpected(request: String, problem: String)

    /// True when the App's credential as a whole is the problem (exit 4, spec §3.2).
    public var isCredentialProblem: Bool {
        switch self {
        case .unknownApp, .wrongKey, .clockSkew, .jwtRefused, .notInstalled, .installationNotFound, .permissionsNotGranted: true
        case .incomplete, .invalidAppID, .twoCallers, .unexpected: false
        }
    }

    /// True when nothing was sent yet (exit 2).
    public var isInputError: Bool {
        switch self {
        case .incomplete, .invalidAppID, .twoCallers: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .incomplete(let missing):
            return "patrol was told to call GitHub as an App but has no \(missing): give the App id with --app-id or PATROL_APP_ID "
                + "(or app.id in the config) and its private key with --app-key-file or PATROL_APP_PRIVATE_KEY (or app.privateKeyFile)"
        case .invalidAppID(let value, let origin):
            return "\(origin) \"\(value)\" is not an App id: give the number shown as \"App ID\" on the App's settings page"
        case .twoCallers(let name):
            return "--auth-env \(name) and a GitHub App both name the credential that calls the API; choose one "
                + "(unset PATROL_APP_ID and PATROL_APP_PRIVATE_KEY, or drop --auth-env)"
        case .unknownApp(let id):
            return "GitHub knows no App with id \(id) (401 \"Integration not found\"): check --app-id, PATROL_APP_ID or app.id "
                + "against \"App ID\" on the App's settings page"
        case .wrongKey(let id, let fingerprint):
            return "GitHub could not verify the App's token with any key of App \(id) (401 \"A JSON web token could not be decoded\"): "
                + "the private key (\(fingerprint)) is not one of this App's. Compare it with the fingerprints listed under "
                + "\"Private keys\" in the App's settings, or generate a new key there"
        case .clockSkew(let message, let local, let github):
            let offset = github.map { g -> String in
                let seconds = Int(local.timeIntervalSince(g).rounded())
                return "; this machine's clock is \(abs(seconds)) s \(seconds > 0 ? "ahead of" : "behind") GitHub's"
            } ?? ""
            return "GitHub refused the App's token because of its times (401 \"\(message)\")\(offset). "
                + "Set this machine's clock right (NTP: timedatectl set-ntp true) and run patrol again"
        case .jwtRefused(let status, let message):
            return "GitHub refused the App's token (\(status) \"\(message)\"); check the App id and its private key"
        case .notInstalled(let owner, let id):
            return "App \(id) is not installed on \(owner): install it from the App's page (Install App) on \(owner), "
                + "for the fleet's repositories and the platform repository"
        case .installationNotFound(let id):
            return "installation \(id) does not belong to this App or no longer exists: fix app.installationId, "
                + "or leave it out and patrol finds the installation on the owner"
        case .permissionsNotGranted(let missing, let id):
            return "the App's installation \(id) lacks \(missing.joined(separator: ", ")), which this command needs: "
                + "add it under the App's \"Permissions\", then accept the new permissions in the installation's settings"
        case .unexpected(let request, let problem):
            return "\(request): \(problem)"
        }
    }
}
