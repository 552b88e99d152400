import FoundationEssentials

/// Writes a ledger file record by record, byte for byte as one `JSONEncoder` document of ``LedgerFileV2`` would be
/// (``LedgerStore/encode(_:)``: pretty-printed, keys sorted, slashes unescaped, ISO 8601 dates), so that the file's
/// format does not change while memory stays flat in the fleet's size: only one record's text is held at a time,
/// never the whole document and the encoder's tree of it.
///
/// Each top-level member, and each entry of the large ones (`targets`, `repositoryIDs`, `history`, `tokens`), is
/// encoded on its own as a one-entry object or one-element array with the same encoder, and that text, without its
/// brackets, indented to its depth, is what goes to the file: keys are quoted and values laid out by the encoder
/// itself. Keys are sorted as the encoder sorts them on Linux (by their UTF-8 bytes). Nothing is decoded back: the
/// ledger as a reload reads it is ``Ledger/asWritten`` (dates at the file's second precision).
package struct LedgerFileWriter {
    private let encoder: JSONEncoder

    package init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    /// The members of ``LedgerFileV2`` this writer writes, in file order (a test checks that it knows them all).
    package static let members = ["app", "history", "repositoryIDs", "secret", "targets", "tokens", "version"]

    /// Writes `ledger` as version 2 through `sink`.
    package func write(_ ledger: Ledger, to sink: inout LedgerFileSink) throws {
        let file = LedgerFileV2(ledger)
        var first = true
        /// Starts the next top-level member: `{` before the first, `,` between them.
        func next() throws {
            try sink.write(first ? "{\n" : ",\n")
            first = false
        }
        if let app = file.app {
            try next()
            try member("app", app, depth: 1, to: &sink)
        }
        try next()
        try array("history", file.history, to: &sink)
        try next()
        try object("repositoryIDs", file.repositoryIDs, to: &sink)
        try next()
        try member("secret", file.secret, depth: 1, to: &sink)
        try next()
        try object("targets", file.targets, to: &sink)
        try next()
        try array("tokens", file.tokens, to: &sink)
        try next()
        try member("version", file.version, depth: 1, to: &sink)
        try sink.write("\n}")
    }

    /// Writes `"key" : value` at `depth` (its lines indented by two spaces a level, no comma, no line break after).
    private func member<Value: Encodable>(_ key: String, _ value: Value, depth: Int, to sink: inout LedgerFileSink) throws {
        // `{\n` + the member at depth 1 + `\n}`: the member's own lines, then indented one level more per level below 1.
        try sink.write(inner(try encoder.encode([key: value])), indent: depth - 1)
    }

    /// Writes `"key" : [ … ]` at depth 1, one element at a time.
    private func array<Element: Encodable>(_ key: String, _ elements: [Element], to sink: inout LedgerFileSink) throws {
        guard !elements.isEmpty else { return try member(key, elements, depth: 1, to: &sink) }
        try sink.write("  \(try quoted(key)) : [\n")
        for (index, element) in elements.enumerated() {
            if index > 0 { try sink.write(",\n") }
            try sink.write(inner(try encoder.encode([element])), indent: 1)
        }
        try sink.write("\n  ]")
    }

    /// Writes `"key" : { … }` at depth 1, one entry at a time in the encoder's key order.
    private func object<Value: Encodable>(_ key: String, _ entries: [String: Value], to sink: inout LedgerFileSink) throws {
        guard !entries.isEmpty else { return try member(key, entries, depth: 1, to: &sink) }
        try sink.write("  \(try quoted(key)) : {\n")
        for (index, name) in entries.keys.sorted(by: Self.encoderOrder).enumerated() {
            if index > 0 { try sink.write(",\n") }
            try member(name, entries[name]!, depth: 2, to: &sink)
        }
        try sink.write("\n  }")
    }

    /// The order `JSONEncoder`'s `.sortedKeys` puts keys in on Linux: their UTF-8 bytes, compared lexicographically.
    package static func encoderOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// `key` as the encoder quotes it.
    private func quoted(_ key: String) throws -> String {
        String(decoding: try encoder.encode(key), as: UTF8.self)
    }

    /// The encoder's text of a one-entry object or one-element array without its opening `{\n`/`[\n` and closing `\n}`/`\n]`.
    private func inner(_ text: Data) -> Data.SubSequence {
        text.dropFirst(2).dropLast(2)
    }
}

/// A file descriptor written through a small buffer, so that a ledger of any size goes out in pieces.
package struct LedgerFileSink {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Below glibc's mmap threshold (``MallocTuning``): the buffer lives on the heap and is reused.
    private static let capacity = 32 << 10

    package init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.capacity)
    }

    package mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.capacity { try flush() }
    }

    /// Appends `bytes` as they are (a whole file's contents go straight out once the buffer is flushed).
    package mutating func write(raw bytes: UnsafeRawBufferPointer) throws {
        try flush()
        try DurableFile.writeAll(bytes, to: descriptor)
    }

    /// Appends `bytes` with `indent` levels (two spaces each) added at the start of every line.
    package mutating func write(_ bytes: Data.SubSequence, indent: Int) throws {
        let pad = [UInt8](repeating: 0x20, count: 2 * indent)
        // A line break in the encoder's text is always layout (inside strings it is escaped as \n); the encoder leaves
        // the empty line of an empty object or array unindented, so only lines with something on them get the pad.
        var lineStart = true
        for byte in bytes {
            if lineStart && byte != 0x0A { buffer += pad }
            buffer.append(byte)
            lineStart = byte == 0x0A
        }
        if buffer.count >= Self.capacity { try flush() }
    }

    /// Writes what is buffered.
    package mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try DurableFile.writeAll($0, to: descriptor) }
        buffer.removeAll(keepingCapacity: true)
    }
}
