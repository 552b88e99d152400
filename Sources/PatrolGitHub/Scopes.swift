/// Classic token scopes and the ones each implies (`repo` covers `public_repo`; `admin:x` ⊃ `write:x` ⊃ `read:x`).
public enum Scopes {
    /// The required scopes that `granted` does not cover.
    public static func missing(_ required: [String], granted: [String]) -> [String] {
        required.filter { !covered($0, by: Set(granted)) }
    }

    package static func covered(_ scope: String, by granted: Set<String>) -> Bool {
        if granted.contains(scope) { return true }
        if ["public_repo", "repo:status", "repo_deployment", "repo:invite", "security_events"].contains(scope) {
            return granted.contains("repo")
        }
        if let colon = scope.firstIndex(of: ":") {
            let level = scope[..<colon], area = scope[scope.index(after: colon)...]
            switch level {
            case "read": return granted.contains("write:\(area)") || granted.contains("admin:\(area)")
            case "write": return granted.contains("admin:\(area)")
            default: return false
            }
        }
        return false
    }
}
