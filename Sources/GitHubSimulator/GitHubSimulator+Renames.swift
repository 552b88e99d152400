import FoundationEssentials

extension GitHubSimulator {
    /// Renames a repository as GitHub does (the "renamed repository" fault): its secrets, workflows and permissions
    /// move with it, the old name answers GET with 301 and other methods with 307 to `/repositories/{id}/…`, and
    /// `/repositories/{id}/…` serves it under its new name. False when there is no such repository or the name is taken.
    @discardableResult
    public func renameRepository(_ oldName: String, to newName: String) -> Bool {
        state.withLock { $0.rename(oldName, to: newName) }
    }
}
