import SimCore
@testable import SimServer
import Testing

@Suite struct OneOffFaultTests {
    func decode(_ json: String) -> Result<OneOffFault, OneOffFault.Problem> { OneOffFault.decode(Array(json.utf8)) }

    @Test func closeSignalWithDefaultsAndWithACode() {
        #expect(decode(#"{"action":"close_signal","room":"r","identity":"bob"}"#) == .success(.closeSignal(room: "r", identity: "bob", code: 1001, reason: "sfusim fault")))
        #expect(decode(#"{"action":"close_signal","room":"r","identity":"bob","code":4000,"reason":"x"}"#) == .success(.closeSignal(room: "r", identity: "bob", code: 4000, reason: "x")))
    }

    @Test(arguments: [
        ("[]", "must be a JSON object"),
        ("not json", "must be a JSON object"),
        (#"{"room":"r"}"#, "missing string field \"action\""),
        (#"{"action":"explode"}"#, "unknown action \"explode\""),
        (#"{"action":"close_signal","room":"r"}"#, "needs non-empty string fields"),
        (#"{"action":"close_signal","room":"r","identity":"b","code":1006}"#, "\"code\" must be"),
        (#"{"action":"close_signal","room":"r","identity":"b","colour":1}"#, "unknown field \"colour\""),
    ])
    func mistakesAreReadableMessages(body: String, expected: String) {
        guard case .failure(let problem) = decode(body) else { Issue.record("accepted \(body)"); return }
        #expect(problem.message.contains(expected), "\(problem.message)")
    }
}
