import FoundationEssentials
import PatrolSecrets
import PatrolCore

extension Context {
    /// The variable that may hold the App's id (not a secret: it is read from ``environment``).
    static let appIDVariable = "PATROL_APP_ID"

    /// The App's credentials when this invocation names an App (`--app-id`/`--app-key-file`, `PATROL_APP_ID`/
    /// `PATROL_APP_PRIVATE_KEY`, the config's `app`), else nil. An id without a key, or a key without an id, is an error.
    func appCredentials(_ invocation: some AcceptsTokenOptions, config: FleetConfig) throws -> AppCredentials? {
        let idText: (value: String, origin: String)? = invocation.token.appID.map { ($0, "--app-id") }
            ?? environment[Self.appIDVariable].flatMap { $0.isEmpty ? nil : ($0, Self.appIDVariable) }
        let appID: Int?
        if let idText {
            guard let value = Int(idText.value), value > 0 else { throw AppCallerError.invalidAppID(idText.value, origin: idText.origin) }
            appID = value
        } else {
            appID = config.app?.id
        }
        let keyNamed = invocation.token.appKeyFile != nil || config.app?.privateKeyPath != nil
            || TokenSource.isSet(AppKeySource.variable, inputs: tokenInputs)
        guard appID != nil || keyNamed else { return nil }
        if let name = invocation.token.authEnvironmentVariable { throw AppCallerError.twoCallers(authEnv: name) }
        guard let appID else { throw AppCallerError.incomplete(missing: "App id") }
        guard let key = try AppKeySource.resolve(file: invocation.token.appKeyFile, configFile: config.app?.privateKeyPath, inputs: tokenInputs) else {
            throw AppCallerError.incomplete(missing: "private key")
        }
        return AppCredentials(appID: appID, key: key, installationID: config.app?.installationID)
    }

    /// The App session that calls the API for this command, narrowed to `scope`, or nil when no App is named.
    func appSession(_ invocation: some AcceptsTokenOptions, config: FleetConfig, scope: AppScope) throws -> AppSession? {
        try appCredentials(invocation, config: config).map {
            AppSession(credentials: $0, owner: config.owner, scope: scope, console: console)
        }
    }
}
