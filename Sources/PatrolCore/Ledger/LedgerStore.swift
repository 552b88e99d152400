import Foundation

/// Loads the ledger and writes every change through to disk at once, crash-safely:
/// write to a temporary file, fsync, rename over the ledger, fsync the folder.
/// A crash at any point leaves either the old or the new ledger, whole.
public actor LedgerStore {
    public let path: String
    private var ledger: Ledger

    /// Opens the ledger at `path`, or starts an empty one when there is no file yet.
    /// A file that does not parse is an error and is never overwritten.
    public init(path: String, secret: String) throws {
        self.path = path
        self.ledger = try Self.read(path: path, secret: secret) ?? Ledger(secret: secret)
    }

    /// The ledger as it stands.
    public var snapshot: Ledger { ledger }

    /// Applies `change` and writes the result before returning.
    public func update(_ change: (inout Ledger) -> Void) throws {
        var next = ledger
        change(&next)
        guard next != ledger else { return }
        try Self.write(next, to: path)
        ledger = next
    }

    // MARK: - Reading

    static func read(path: String, secret: String) throws -> Ledger? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw LedgerError.unreadable(path: path, problem: "permission denied")
            }
            return nil
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let version: Int
        do {
            version = try decoder.decode(LedgerVersion.self, from: data).version
        } catch {
            throw LedgerError.unreadable(path: path, problem: data.isEmpty ? "the file is empty" : "not a patrol ledger: no \"version\"")
        }
        guard version == 1 else {
            if version > 1 { throw LedgerError.unsupportedVersion(path: path, version: version) }
            throw LedgerError.unreadable(path: path, problem: "unknown version \(version)")
        }
        let file: LedgerFileV1
        do {
            file = try decoder.decode(LedgerFileV1.self, from: data)
        } catch {
            throw LedgerError.unreadable(path: path, problem: GitHubClient.describe(error))
        }
        guard file.secret == secret else {
            throw LedgerError.otherSecret(path: path, ledgerSecret: file.secret, configSecret: secret)
        }
        return file.ledger
    }

    // MARK: - Writing

    static func encode(_ ledger: Ledger) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(LedgerFileV1(ledger))
    }

    static func write(_ ledger: Ledger, to path: String) throws {
        let data: Data
        do { data = try encode(ledger) } catch { throw LedgerError.writeFailed(path: path, problem: "\(error)") }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try DurableFile.write(data, to: temporary, mode: 0o600)
            guard rename(temporary, path) == 0 else { throw DurableFile.Failure(operation: "rename", code: errno) }
            try DurableFile.syncFolder(folder)
        } catch {
            unlink(temporary)
            throw LedgerError.writeFailed(path: path, problem: "\(error)")
        }
    }
}

/// Whole-file writes that reach the disk before they return.
enum DurableFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    /// Creates `path` (replacing a stale one) with `mode`, writes `data` and fsyncs it.
    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(operation: "open", code: errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                // Why unsafe: writing from the Data's own buffer, within its bounds.
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(operation: "write", code: errno)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync", code: errno) }
    }

    /// fsyncs a folder so a rename inside it survives a crash.
    static func syncFolder(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open folder", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(operation: "fsync folder", code: errno) }
    }
}
