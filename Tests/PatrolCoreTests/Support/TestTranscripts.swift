import Foundation

/// When `PATROL_TEST_TRANSCRIPTS` names a folder (`make test` sets it), every run's captured stdout and stderr
/// is written there and test folders are kept, so `Tests/Hygiene/scan.sh` can look for leaked marker tokens.
enum TestTranscripts {
    /// The folder transcripts go to, or nil when they are off.
    static let folder: String? = {
        guard let path = ProcessInfo.processInfo.environment["PATROL_TEST_TRANSCRIPTS"], !path.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Files a test writes with a token in them on purpose (token-file inputs) end with this; the scan skips them.
    static let tokenInputSuffix = ".token-input"

    /// True when test folders should be kept for the scan rather than deleted.
    static var keepsFolders: Bool { folder != nil }

    /// A fresh transcript file's path for one stream of one run, or nil when transcripts are off.
    static func path(_ label: String, stream: String) -> String? {
        folder.map { "\($0)/\(label)-\(UUID().uuidString).\(stream)" }
    }

    /// Writes what one run printed, when transcripts are on.
    static func record(_ label: String, stdout: String, stderr: String) {
        for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
            if let path = path(label, stream: stream) { _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) }
        }
    }
}
