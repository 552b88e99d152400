import PatrolSupport

/// The names the fleet's workflows read the App's credentials by: the Actions variable for the id and the secret for the
/// private key (`actions/create-github-app-token`'s `app-id` and `private-key` inputs). Config `app.variable` and
/// `app.secret`; `APP_ID` and `APP_PRIVATE_KEY` by default.
public struct AppCredentialNames: Sendable, Equatable, Codable {
    public static let defaultVariable = "APP_ID", defaultSecret = "APP_PRIVATE_KEY"
    public static let standard = AppCredentialNames(variable: defaultVariable, secret: defaultSecret)

    public var variable: String
    public var secret: String

    public init(variable: String, secret: String) {
        self.variable = variable
        self.secret = secret
    }
}
