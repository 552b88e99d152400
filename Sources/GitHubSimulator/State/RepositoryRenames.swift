import FoundationEssentials

/// Renamed repositories, as GitHub keeps them: the old name answers with a redirect to `/repositories/{id}/…`,
/// and `/repositories/{id}/…` serves the repository under its current name.
extension SimulatorState {
    /// Moves the repository and everything keyed by its name (secrets, workflows, issues, token permissions)
    /// to `newName`; the old name redirects from now on. False when there is no such repository or the new name is taken.
    mutating func rename(_ oldName: String, to newName: String) -> Bool {
        let old = oldName.lowercased(), new = newName.lowercased()
        guard var record = repositories[old], repositories[new] == nil || old == new else { return false }
        repositories[old] = nil
        record.fullName = newName
        repositories[new] = record
        if let moved = actions.removeValue(forKey: old) { actions[new] = moved }
        if let moved = issues.removeValue(forKey: old) { issues[new] = moved }
        for key in tokens.keys {
            if let permission = tokens[key]!.permissions.removeValue(forKey: old) { tokens[key]!.permissions[new] = permission }
            if let areas = tokens[key]!.areaPermissions.removeValue(forKey: old) { tokens[key]!.areaPermissions[new] = areas }
        }
        // Every earlier name of this repository, and this one, now point at the id.
        renamedRepositories[new] = nil
        renamedRepositories[old] = record.id
        return true
    }

    /// `/repositories/{id}/rest` → `/repos/{owner}/{name}/rest` for a repository that exists; other paths unchanged.
    func pathResolvingRepositoryID(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "repositories", let id = Int(parts[2]),
              let record = repositories.values.first(where: { $0.id == id }) else { return path }
        return (["", "repos", record.fullName] + parts.dropFirst(3).map(String.init)).joined(separator: "/")
    }

    /// GitHub's answer to a request for a renamed repository's old name: 301 for GET (and HEAD), 307 for other
    /// methods, `Location: {base}/repositories/{id}/{rest}` (octokit/fixtures `rename-repository`). nil otherwise.
    func renameRedirect(method: String, target: String, baseURL: String) -> GitHubResponse? {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, parts[1] == "repos" else { return nil }
        let repositoryPart = parts[3].prefix { $0 != "?" }
        let name = "\(parts[2])/\(repositoryPart)".lowercased()
        guard repositories[name] == nil, let id = renamedRepositories[name],
              repositories.values.contains(where: { $0.id == id }) else { return nil }
        let rest = parts[3].dropFirst(repositoryPart.count) + (parts.count > 4 ? "/" + parts.dropFirst(4).joined(separator: "/") : "")
        let location = "\(baseURL)/repositories/\(id)\(rest)"
        let permanent = method == "GET" || method == "HEAD"
        return GitHubResponse.json(permanent ? 301 : 307, [
            "message": permanent ? "Moved Permanently" : "Temporary Redirect",
            "url": location,
            "documentation_url": "https://docs.github.com/v3/#http-redirects",
        ]).adding("location", location)
    }
}
