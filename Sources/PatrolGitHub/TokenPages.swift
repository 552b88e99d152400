
/// GitHub's web pages for making and deleting personal access tokens: built here and nowhere else (spec §3.4).
public enum TokenPages {
    /// The page that makes a classic token with `scopes` ticked and `description` filled in, under `webRoot`
    /// (e.g. `https://github.com`).
    public static func newToken(webRoot: String, scopes: [String], description: String) -> String {
        "\(webRoot)/settings/tokens/new?scopes=\(scopes.joined(separator: ","))&description=\(GitHubClient.queryValue(description))"
    }

    /// The page that lists the account's tokens, where one is deleted, under `webRoot`.
    public static func list(webRoot: String) -> String {
        "\(webRoot)/settings/tokens"
    }
}

