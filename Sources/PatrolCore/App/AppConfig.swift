import PatrolSupport
import PatrolSecrets
import PatrolHTTP
import PatrolGitHub
/// The config's `app` section (spec §10): the GitHub App patrol calls the API as.
/// `{"id": 123456, "privateKeyFile": "app.pem", "installationId": 789, "variable": "APP_ID", "secret": "APP_PRIVATE_KEY"}`;
/// only `id` is required.
public struct AppConfig: Sendable, Equatable {
    /// The App's id ("App ID" on its settings page).
    public let id: Int
    /// The private key file, resolved against the config file's folder; nil to take it from
    /// `--app-key-file` or `PATROL_APP_PRIVATE_KEY`.
    public let privateKeyPath: String?
    /// The installation to use; nil to find it on the owner.
    public let installationID: Int?
    /// The Actions variable and secret `patrol app rollout` puts the App's id and key in (`variable`, `secret`).
    public let names: AppCredentialNames

    public init(id: Int, privateKeyPath: String? = nil, installationID: Int? = nil, names: AppCredentialNames = .standard) {
        self.id = id
        self.privateKeyPath = privateKeyPath
        self.installationID = installationID
        self.names = names
    }

    /// The keys allowed in the section.
    static let keys = ["id", "privateKeyFile", "installationId", "variable", "secret"]
}

extension FleetConfig {
    /// The names the fleet's workflows read the App's id and key by.
    public var appNames: AppCredentialNames { app?.names ?? .standard }
}
