import Foundation
import Testing
@testable import PatrolSupport

/// The binary links FoundationEssentials only; what it used from Foundation proper has a replacement in PatrolSupport.
/// Foundation (which the tests may import) is the oracle: each helper must write what the call it replaced wrote.
@Suite("FoundationEssentials replacements write what Foundation wrote")
struct EssentialsHelpersTests {
    static let texts = ["", "  a b \t", "\t\u{A0}x\u{2003}", "\r\nline\r\n", " \n x \n ", "naïve café", "a%b/c d&e=f+g", "💣 x", "_x_", "\"'q'\""]

    @Test func trimmingAndReplacing() {
        for text in Self.texts {
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(text.trimming(scalarsIn: " \t") == text.trimmingCharacters(in: CharacterSet(charactersIn: " \t")))
            #expect(text.trimming(scalarsIn: "\"'") == text.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
            for (target, replacement) in [("\n", " "), ("\r", "%0D"), ("%", "%25"), ("_", " "), ("x", "xx"), ("a b", "")] {
                #expect(text.replacingEvery(target, with: replacement) == text.replacingOccurrences(of: target, with: replacement),
                        "\(text.debugDescription) \(target.debugDescription)")
            }
            for width in [0, 3, 12] {
                #expect(text.padded(toWidth: width) == text.padding(toLength: width, withPad: " ", startingAt: 0), "\(text.debugDescription) \(width)")
            }
        }
    }

    @Test func percentEncoding() {
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        unreserved.insert(charactersIn: "-._~")
        for text in Self.texts + ["production/eu", "a+b=c&d", "100%"] {
            #expect(PercentEncoding.encode(text, keeping: "-._~") == text.addingPercentEncoding(withAllowedCharacters: unreserved))
            #expect(PercentEncoding.encode(text, keeping: "!$'()*,-./:;?@_~")
                    == text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))))
            let encoded = PercentEncoding.encode(text, keeping: "")
            #expect(PercentEncoding.decode(encoded) == encoded.removingPercentEncoding)
            #expect(PercentEncoding.decode(encoded) == text)
        }
        for broken in ["%", "%4", "%zz", "%FF", "a%2"] {
            #expect(PercentEncoding.decode(broken) == broken.removingPercentEncoding, "\(broken)")
        }
    }

    @Test func numbersAndPaths() {
        for value: UInt32 in [0, 0x1f, 0xabc, 0xFFFF, 0xdeadbeef] {
            #expect(Hex.padded(value, width: 4) == String(format: "%04x", value))
            #expect(Hex.padded(value, width: 8, uppercase: true) == String(format: "%08X", value))
        }
        for value in [0.0, 0.05, 0.15, 0.25, 1.0, 2.349, 9.95, 12.5, 1234.5678] {
            #expect(CFormat.string("%.1f", value) == String(format: "%.1f", value))
            #expect(CFormat.string("%.2g", value) == String(format: "%.2g", value))
        }
        for path in ["/a/b/c", "a/b", "file", "/file", "/", "a/b/", "/a//b", "", "./x"] {
            #expect(PathText.folder(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
            #expect(PathText.join(path, "patrol.1") == (path as NSString).appendingPathComponent("patrol.1"), "\(path)")
        }
    }

    @Test func jsonValueParse() throws {
        let text = #"{"a": [1, 2.5, -3, true, null, "x\/y"], "key_id": 3380204578043523366, "o": {"b": false}}"#
        let value = try #require(JSONValue.parse(Array(text.utf8)))
        guard case .object(let members) = value else { Issue.record("not an object: \(value.text)"); return }
        let fields = Dictionary(uniqueKeysWithValues: members)
        #expect(fields["a"]?.text == #"[1, 2.5, -3, true, null, "x/y"]"#)
        #expect(fields["key_id"]?.text == "3380204578043523366")
        #expect(fields["o"]?.text == #"{"b": false}"#)
        #expect(JSONValue.parse(Array("{".utf8)) == nil)
    }
}
