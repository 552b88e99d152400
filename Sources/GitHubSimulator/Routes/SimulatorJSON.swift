import FoundationEssentials
import PatrolSupport

/// JSON `null` in a body built as `[String: Any]` (what Foundation's `NSNull` was).
struct JSONNull: Sendable {}

/// The simulator's JSON as `Any` values — objects `[String: Any]`, arrays `[Any]`, integral numbers `Int`, other
/// numbers `Double`, `Bool`, `String`, ``JSONNull`` — read and written as Foundation's `JSONSerialization` did,
/// without it: it is not in FoundationEssentials, which is all the patrol binary (and so the simulator) links.
enum SimulatorJSON {
    /// A request body read by the one JSON reader (``JSONValue/parse(_:)``); nil when it is not JSON.
    static func value(_ bytes: [UInt8]) -> Any? {
        JSONValue.parse(bytes).map(any)
    }

    /// A request body that must be a JSON object; nil for anything else.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        value(bytes) as? [String: Any]
    }

    /// Compact JSON text (`{"a":1,"b":[true,null]}`), keys sorted; `/` escaped as `\/` unless `escapingSlashes` is false.
    static func text(_ value: Any, escapingSlashes: Bool) -> String {
        var out = ""
        write(value, escapingSlashes: escapingSlashes, to: &out)
        return out
    }

    private static func any(_ value: JSONValue) -> Any {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag
        case .null: JSONNull()
        case .integer(let number): number
        case .number(let number): number == number.rounded() && abs(number) < 9e18 ? Int(number) : number
        case .array(let items): items.map(any)
        case .object(let members): Dictionary(members.map { ($0.0, any($0.1)) }, uniquingKeysWith: { _, last in last })
        }
    }

    private static func write(_ value: Any, escapingSlashes: Bool, to out: inout String) {
        switch value {
        case let text as String: quote(text, escapingSlashes: escapingSlashes, into: &out)
        case let flag as Bool: out += flag ? "true" : "false"
        case let number as any BinaryInteger: out += "\(number)"
        case let number as Double:
            let text = number.description
            out += text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        case is JSONNull: out += "null"
        case let object as [String: Any]:
            out += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                quote(key, escapingSlashes: escapingSlashes, into: &out)
                out += ":"
                write(object[key]!, escapingSlashes: escapingSlashes, to: &out)
            }
            out += "}"
        case let items as [Any]:
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, escapingSlashes: escapingSlashes, to: &out)
            }
            out += "]"
        default: quote("\(value)", escapingSlashes: escapingSlashes, into: &out)
        }
    }

    private static func quote(_ text: String, escapingSlashes: Bool, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where escapingSlashes: out += "\\/"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + Hex.padded(scalar.value, width: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
