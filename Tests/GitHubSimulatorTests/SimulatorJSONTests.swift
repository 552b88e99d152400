import Foundation
import Testing
@testable import GitHubSimulator

/// The simulator writes its answers with its own `SimulatorJSON` (the binary it is linked into has no
/// `JSONSerialization`); Foundation's `JSONSerialization` is the oracle for the text it used to write.
@Suite("SimulatorJSON writes what JSONSerialization wrote")
struct SimulatorJSONTests {
    @Test func sameTextAsJSONSerialization() throws {
        let body: [String: Any] = [
            "message": "Bad request - key_id 1 does not match\n\t\"quoted\" \\ and a \u{1} control",
            "documentation_url": "https://docs.github.com/rest",
            "total_count": 3, "private": false, "ratio": 0.25, "whole": 2.0, "key_id": 3_380_204_578_043_523_366,
            "items": [["name": "PAT_TOKEN", "created_at": "2026-11-25T10:00:00Z"], ["name": "naïve 💣", "id": -7]],
            "empty": [String: Any](), "none": [Any](),
        ]
        for (escaping, options) in [(false, JSONSerialization.WritingOptions([.sortedKeys, .withoutEscapingSlashes])),
                                    (true, JSONSerialization.WritingOptions.sortedKeys)] {
            let expected = String(decoding: try JSONSerialization.data(withJSONObject: body, options: options), as: UTF8.self)
            #expect(SimulatorJSON.text(body, escapingSlashes: escaping) == expected)
        }
        #expect(SimulatorJSON.text(["body": JSONNull()], escapingSlashes: false) == #"{"body":null}"#)
    }

    @Test func readsWhatItWrites() throws {
        let text = #"{"key_id":3380204578043523366,"selected_repository_ids":[1,2],"visibility":"selected","x":1.5,"n":null,"b":true}"#
        let fields = try #require(SimulatorJSON.object(Array(text.utf8)))
        #expect(fields["key_id"] as? Int == 3_380_204_578_043_523_366)
        #expect(fields["selected_repository_ids"] as? [Int] == [1, 2])
        #expect(fields["x"] as? Double == 1.5)
        #expect(fields["n"] is JSONNull)
        #expect(fields["b"] as? Bool == true)
        #expect(SimulatorJSON.object(Array("[1]".utf8)) == nil)
        #expect(SimulatorJSON.object(Array("{".utf8)) == nil)
    }
}
