import FoundationEssentials
import Glibc
import PatrolGitHub

/// The ledger's journal, `<ledger>.journal`: one JSON line per verified upload to a target, appended and fsynced
/// before the rollout moves on. Appending a line is the cheap durable step per repository; the ledger
/// itself is rewritten (and the journal removed) at the end of a run, or when a ledger is opened with a
/// journal beside it because a run crashed.
///
/// Replaying an entry sets one target's record, so replaying a journal twice — a crash between
/// rewriting the ledger and removing the journal — gives the same ledger. A line a version-1 patrol wrote
/// (`"repository": "owner/name"`) reads as that repository's `repo:` target.
package enum LedgerJournal {
    /// One verified upload: of the token (`record`) or of the App's key (`appKey`, ``AppKeyHolding``).
    package struct Entry: Codable, Equatable {
        /// The target's id (``SecretTarget/id``), for an upload of the token.
        package var target: String?
        package var record: TargetRecord?
        /// Repository ids learnt on the way (an organization secret's selection), `owner/name` in lower case → id.
        package var repositoryIDs: [String: Int]?
        /// `owner/name`, for an upload of the App's key to a repository (another target's upload names its `target`).
        package var repository: String?
        package var appKey: AppKeyHolding?

        package init(target: String, record: TargetRecord, repositoryIDs: [String: Int]? = nil) {
            self.target = target
            self.record = record
            self.repositoryIDs = repositoryIDs
        }

        package init(repository: String, appKey: AppKeyHolding) {
            self.repository = repository
            self.appKey = appKey
        }

        /// An upload of the App's key to a target that is not a repository's Actions secrets (its id).
        package init(target: String, appKey: AppKeyHolding) {
            self.target = target
            self.appKey = appKey
        }

        private enum CodingKeys: String, CodingKey { case target, repository, record, repositoryIDs, appKey }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            target = try container.decodeIfPresent(String.self, forKey: .target)
            repository = try container.decodeIfPresent(String.self, forKey: .repository)
            record = try container.decodeIfPresent(TargetRecord.self, forKey: .record)
            repositoryIDs = try container.decodeIfPresent([String: Int].self, forKey: .repositoryIDs)
            appKey = try container.decodeIfPresent(AppKeyHolding.self, forKey: .appKey)
            // A version-1 line of the token: the repository's Actions secret.
            if target == nil, record != nil, let repository { target = "\(SecretTargetKind.repository.idPrefix):\(repository)" }
            guard record != nil || appKey != nil else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "neither a record nor an App key"))
            }
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(target, forKey: .target)
            try container.encodeIfPresent(record, forKey: .record)
            try container.encodeIfPresent(repositoryIDs, forKey: .repositoryIDs)
            try container.encodeIfPresent(repository, forKey: .repository)
            try container.encodeIfPresent(appKey, forKey: .appKey)
        }
    }

    /// The journal that belongs to `ledgerPath`.
    package static func path(for ledgerPath: String) -> String { ledgerPath + ".journal" }

    /// Appends `entries` as one line each, in one write, fsynced (and, for a new journal, its folder too) before
    /// returning. Returns the entries as they read back, dates at the file's precision.
    package static func append(_ entries: [Entry], to path: String) throws(LedgerError) -> [Entry] {
        var lines = Data()
        var stored: [Entry] = []
        do {
            for entry in entries {
                let line = try encoder.encode(entry) + Data("\n".utf8)
                stored.append(try decoder.decode(Entry.self, from: line))
                lines += line
            }
        } catch {
            throw .writeFailed(path: path, problem: "\(error)")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .writeFailed(path: path, problem: "open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        do {
            try DurableFile.writeAll(lines, to: descriptor)
            guard fsync(descriptor) == 0 else { throw DurableFile.Failure(operation: "fsync", code: errno) }
            if !existed { try DurableFile.syncFolder(DurableFile.folder(of: path)) }
        } catch {
            throw .writeFailed(path: path, problem: "\(error)")
        }
        return stored
    }

    /// The entries of the journal at `path`, oldest first; none when there is no journal.
    /// A last line that does not decode is a write a crash cut short, and is ignored; any other line
    /// that does not decode makes the journal unreadable (it is left untouched).
    package static func entries(at path: String) throws(LedgerError) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw .unreadable(path: path, problem: "permission denied") }
            return []
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var entries: [Entry] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(Entry.self, from: Data(line)))
            } catch {
                let isLast = lines[(index + 1)...].allSatisfy(\.isEmpty)
                if isLast { break }
                throw .unreadable(path: path, problem: "line \(index + 1) is not a journal entry")
            }
        }
        return entries
    }

    /// Removes the journal once the ledger holds everything in it (its rename already synced to the folder).
    ///
    /// The removal itself is not synced: a crash can only bring back a journal whose every entry the ledger already
    /// holds, and replaying an entry sets the record it names to what it already is. The next sync of the folder
    /// (a new journal, the next rewrite) makes the removal durable with it.
    package static func remove(at path: String) throws(LedgerError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .writeFailed(path: path, problem: "unlink: \(String(cString: strerror(errno)))")
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
