/// A JSON document as the config validator sees it: objects keep their key order and repeated keys,
/// numbers keep their text, so that every mistake can be reported exactly.
///
/// Foundation's `JSONSerialization` drops both and reports syntax errors without a position a user can
/// find; this reader is small and says `line 4, column 17`.
package enum ConfigJSON: Equatable, Sendable {
    case object([Member])
    case array([ConfigJSON])
    case string(String)
    /// The number's text as written, e.g. `90`, `-1`, `1.5e3`.
    case number(String)
    case bool(Bool)
    case null

    /// One `"key": value` pair of an object.
    package struct Member: Equatable, Sendable {
        package let key: String
        package let value: ConfigJSON

        package init(key: String, value: ConfigJSON) {
            self.key = key
            self.value = value
        }
    }

    /// The JSON type in words, for "expected … but found …" messages.
    package var kindDescription: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }

    /// Reads one JSON document, or says where and why it is not JSON.
    package static func parse(_ bytes: [UInt8]) throws(ConfigJSONSyntaxError) -> ConfigJSON {
        var reader = Reader(bytes: bytes)
        // why: editors on some systems start UTF-8 files with a byte-order mark, which JSON does not allow but means no harm.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            reader.index = 3
            reader.lineStart = 3
        }
        reader.skipWhitespace()
        if reader.atEnd { throw reader.error("the file is empty; expected a JSON object") }
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        if !reader.atEnd { throw reader.error("unexpected \(reader.currentDescription) after the end of the JSON document") }
        return value
    }

    private struct Reader {
        package let bytes: [UInt8]
        package var index = 0
        package var line = 1
        package var lineStart = 0

        package static let maximumDepth = 64

        package var atEnd: Bool { index >= bytes.count }

        package var currentDescription: String {
            guard !atEnd else { return "end of file" }
            let byte = bytes[index]
            if byte >= 0x21, byte < 0x7F { return "character \"\(Character(Unicode.Scalar(byte)))\"" }
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
        }

        package func error(_ problem: String) -> ConfigJSONSyntaxError {
            // why: columns count characters, not bytes, so a user's editor agrees with them.
            let column = String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
            return ConfigJSONSyntaxError(line: line, column: column, problem: problem)
        }

        package mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "\n"):
                    index += 1
                    line += 1
                    lineStart = index
                default:
                    return
                }
            }
        }

        package mutating func value(depth: Int) throws(ConfigJSONSyntaxError) -> ConfigJSON {
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
            guard !atEnd else { throw error("unexpected end of file; a value is missing") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            case UInt8(ascii: "'"): throw error("strings take double quotes (\"), not single quotes")
            case UInt8(ascii: "/"): throw error("JSON has no comments")
            default: throw error("unexpected \(currentDescription); expected a value")
            }
        }

        package mutating func literal(_ word: String) throws(ConfigJSONSyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("unexpected \(currentDescription); expected a value (strings need double quotes)")
            }
            index += expected.count
        }

        package mutating func object(depth: Int) throws(ConfigJSONSyntaxError) -> ConfigJSON {
            index += 1
            var members: [Member] = []
            skipWhitespace()
            if !atEnd, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file inside an object; a \"}\" is missing") }
                if bytes[index] == UInt8(ascii: "}") { throw error("trailing comma before \"}\"") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw error("unexpected \(currentDescription); expected a key in double quotes")
                }
                let key = try string()
                skipWhitespace()
                guard !atEnd, bytes[index] == UInt8(ascii: ":") else {
                    throw error("unexpected \(currentDescription); expected \":\" after the key \"\(key)\"")
                }
                index += 1
                skipWhitespace()
                members.append(Member(key: key, value: try value(depth: depth + 1)))
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file inside an object; a \"}\" is missing") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw error("unexpected \(currentDescription); expected \",\" or \"}\"")
                }
            }
        }

        package mutating func array(depth: Int) throws(ConfigJSONSyntaxError) -> ConfigJSON {
            index += 1
            var elements: [ConfigJSON] = []
            skipWhitespace()
            if !atEnd, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file inside an array; a \"]\" is missing") }
                if bytes[index] == UInt8(ascii: "]") { throw error("trailing comma before \"]\"") }
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard !atEnd else { throw error("unexpected end of file inside an array; a \"]\" is missing") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw error("unexpected \(currentDescription); expected \",\" or \"]\"")
                }
            }
        }

        package mutating func string() throws(ConfigJSONSyntaxError) -> String {
            index += 1
            var scalars: [UInt8] = []
            while true {
                guard !atEnd else { throw error("unexpected end of file inside a string; a closing \" is missing") }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: scalars, as: UTF8.self) else {
                        throw error("the string before this point is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    try escape(into: &scalars)
                case 0..<0x20:
                    throw error(byte == UInt8(ascii: "\n")
                        ? "line break inside a string; a closing \" is missing"
                        : "control character inside a string; write it as an escape")
                default:
                    scalars.append(byte)
                    index += 1
                }
            }
        }

        package mutating func escape(into output: inout [UInt8]) throws(ConfigJSONSyntaxError) {
            guard !atEnd else { throw error("unexpected end of file in an escape sequence") }
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
                UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
                UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[bytes[index]] {
                output.append(replacement)
                index += 1
                return
            }
            guard bytes[index] == UInt8(ascii: "u") else { throw error("unknown escape \"\\\(currentDescription)\"") }
            index += 1
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a \\u escape of a high surrogate must be followed by a low surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in a \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw error("a \\u escape holds a lone low surrogate")
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        }

        package mutating func hex4() throws(ConfigJSONSyntaxError) -> UInt32 {
            guard bytes.count - index >= 4,
                  let text = String(validating: bytes[index..<index + 4], as: UTF8.self),
                  let code = UInt32(text, radix: 16) else {
                throw error("a \\u escape needs four hexadecimal digits")
            }
            index += 4
            return code
        }

        package mutating func number() throws(ConfigJSONSyntaxError) -> String {
            let start = index
            func digits(_ reader: inout Reader) -> Int {
                let first = reader.index
                while !reader.atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index]) {
                    reader.index += 1
                }
                return reader.index - first
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let leadingZero = !atEnd && bytes[index] == UInt8(ascii: "0")
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw error("a number needs digits after \"-\"") }
            if leadingZero, integerDigits > 1 {
                index = start
                throw error("numbers do not take leading zeros")
            }
            if !atEnd, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("a number needs digits after \".\"") }
            }
            if !atEnd, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if !atEnd, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw error("a number needs digits in its exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}

/// Where and why a text is not JSON.
package struct ConfigJSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    package let line: Int
    package let column: Int
    package let problem: String

    package var description: String { "line \(line), column \(column): \(problem)" }

    package init(line: Int, column: Int, problem: String) {
        self.line = line
        self.column = column
        self.problem = problem
    }
}
