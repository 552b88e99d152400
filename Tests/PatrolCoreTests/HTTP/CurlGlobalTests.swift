import Testing
@testable import PatrolHTTP

/// `curl_global_init` on a thread of its own while a command reads its config and ledger (``CurlGlobal/warming(if:_:)``).
@Suite("libcurl's set-up runs beside the command")
struct CurlGlobalTests {
    struct Refused: Error {}

    @Test("warming hands back the body's value, and libcurl is set up once it returns")
    func value() async {
        let value = await CurlGlobal.warming(if: true) { 42 }
        #expect(value == 42)
        #expect(CurlGlobal.ready, "curl_global_init succeeded")
    }

    @Test("the body's error comes through, with or without the set-up")
    func error() async {
        await #expect(throws: Refused.self) { try await CurlGlobal.warming(if: true) { throw Refused() } }
        await #expect(throws: Refused.self) { try await CurlGlobal.warming(if: false) { throw Refused() } }
    }
}
