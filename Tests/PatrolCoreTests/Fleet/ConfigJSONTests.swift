import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

@Suite("Config JSON reader")
struct ConfigJSONTests {
    private func parse(_ text: String) throws(ConfigJSONSyntaxError) -> ConfigJSON {
        try ConfigJSON.parse(Array(text.utf8))
    }

    @Test("values, key order and repeated keys are kept")
    func values() throws {
        let value = try parse(#" {"b": [1, -2.5e3, true, false, null], "a": "x", "a": {}} "#)
        #expect(value == .object([
            .init(key: "b", value: .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
            .init(key: "a", value: .string("x")),
            .init(key: "a", value: .object([])),
        ]))
    }

    @Test("a leading byte-order mark is skipped")
    func byteOrderMark() throws {
        #expect(try ConfigJSON.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object([]))
        #expect(throws: ConfigJSONSyntaxError(line: 1, column: 1, problem: "unexpected byte 0xEF; expected a value")) {
            try ConfigJSON.parse([0xEF] + Array("{}".utf8))
        }
    }

    @Test("escapes, including surrogate pairs, decode")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
    }

    @Test("syntax errors carry line, column and the problem", arguments: [
        ("", 1, 1, "the file is empty"),
        ("{\"a\": 1,}", 1, 9, "trailing comma"),
        ("{\n  \"a\": 'x'\n}", 2, 8, "double quotes"),
        ("{\"a\": 01}", 1, 7, "leading zeros"),
        ("{\"a\": 1} x", 1, 10, "after the end"),
        ("// c\n{}", 1, 1, "no comments"),
        ("{\"a\" 1}", 1, 6, "expected \":\""),
        ("[1 2]", 1, 4, "expected \",\" or \"]\""),
        ("{\"a\": \"x\ny\"}", 1, 9, "line break inside a string"),
        ("{\"é\": tru}", 1, 7, "expected a value"),
        ("[\"\\ud800\"]", 1, 9, "low surrogate"),
        ("{\"a\": ", 1, 7, "unexpected end of file"),
    ])
    func syntax(text: String, line: Int, column: Int, problem: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard let error = error as? ConfigJSONSyntaxError else { return false }
            return error.line == line && error.column == column && error.problem.contains(problem)
        }
    }

    @Test("nesting deeper than 64 levels is refused rather than overflowing the stack")
    func depth() {
        #expect(throws: ConfigJSONSyntaxError.self) { try parse(String(repeating: "[", count: 10_000)) }
        #expect(throws: Never.self) { try parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) }
    }
}
