import FoundationEssentials
import PatrolSupport

/// `GET /repos/{owner}/{repo}/contents/{path}?ref=BRANCH`.
enum ContentRoutes {
    static func contents(_ state: inout SimulatorState, _ context: RouteContext) -> GitHubResponse {
        switch ContentAccess.check(state, context, area: .contents, need: .read) {
        case .failure(let error):
            return error.response
        case .success(let key):
            let record = state.actions[key] ?? ActionsRecord()
            let ref = context.request.query["ref"].flatMap { $0.isEmpty ? nil : $0 } ?? record.defaultBranch
            guard let branch = record.files[ref] ?? (ref == record.defaultBranch ? [:] : nil) else {
                return .error(404, "No commit found for the ref \(ref)")
            }
            let path = context.parameter("path")
            guard let text = branch[path] else { return .notFound }
            return .json(200, [
                "type": "file",
                "encoding": "base64",
                "name": String(path.split(separator: "/").last ?? ""),
                "path": path,
                "size": text.utf8.count,
                "sha": Hex.padded(SimulatorCRC.of(text), width: 8),
                "content": wrappedBase64(text),
            ])
        }
    }

    /// Standard base64 broken into lines of 60 characters, each ending in `\n`, as GitHub sends file contents.
    static func wrappedBase64(_ text: String) -> String {
        let encoded = Array(SimulatorCrypto.encodeBase64(Array(text.utf8)))
        return stride(from: 0, to: encoded.count, by: 60)
            .map { String(encoded[$0..<min($0 + 60, encoded.count)]) + "\n" }
            .joined()
    }
}

/// A short checksum for the `sha` field; the simulator has no Git objects.
enum SimulatorCRC {
    static func of(_ text: String) -> UInt32 { CRC32.checksum(Array(text.utf8)) }
}
