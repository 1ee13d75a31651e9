import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct HTTPErrorFaultTests {
    let syncs = MessageSelector(tap: .httpIn, kinds: ["sync"], identity: "@bob:hs")

    @Test func failsSelectedRequestsUntilItsCountIsUsedUp() {
        let clock = ManualClock()
        let failure = HTTPFailure(status: 502, errcode: "M_UNKNOWN")
        var fault = HTTPErrorFault(selector: syncs, failure: failure, limits: FaultLimits(count: 2), start: clock.now())
        #expect(fault.decide(message(1, .httpIn, "keys_claim", identity: "@bob:hs"), now: clock.now()) == .pass)
        #expect(fault.decide(message(2, .httpIn, "sync", identity: "@alice:hs"), now: clock.now()) == .pass)
        #expect(fault.decide(message(3, .httpIn, "sync", identity: "@bob:hs"), now: clock.now()) == .fail(failure))
        #expect(fault.decide(message(4, .httpIn, "sync", identity: "@bob:hs"), now: clock.now()) == .fail(failure))
        #expect(fault.isFinished)
        #expect(fault.decide(message(5, .httpIn, "sync", identity: "@bob:hs"), now: clock.now()) == .pass)
        #expect(fault.summary.hasPrefix("http_error 502 M_UNKNOWN"))
    }

    @Test func selectsOneDeviceOfAUser() {
        let clock = ManualClock()
        var selector = syncs
        selector.device = "PHONE"
        var fault = HTTPErrorFault(selector: selector, failure: HTTPFailure(status: 500, errcode: "M_UNKNOWN"), start: clock.now())
        var phone = message(1, .httpIn, "sync", identity: "@bob:hs")
        phone.context.device = "PHONE"
        var laptop = message(2, .httpIn, "sync", identity: "@bob:hs")
        laptop.context.device = "LAPTOP"
        #expect(fault.decide(laptop, now: clock.now()) == .pass)
        #expect(fault.decide(phone, now: clock.now()).name == "http_error")
        #expect(selector.description.contains("device=PHONE"))
    }

    @Test func endsWithItsWindow() {
        let clock = ManualClock()
        var fault = HTTPErrorFault(selector: syncs, failure: HTTPFailure(status: 429, errcode: "M_LIMIT_EXCEEDED", retryAfter: .seconds(1)),
                                   limits: FaultLimits(during: .seconds(2)), start: clock.now())
        #expect(fault.decide(message(1, .httpIn, "sync", identity: "@bob:hs"), now: clock.now()).name == "http_error")
        clock.advance(by: .seconds(3))
        _ = fault.timeAdvanced(to: clock.now())
        #expect(fault.decide(message(2, .httpIn, "sync", identity: "@bob:hs"), now: clock.now()) == .pass)
    }

    @Test func aGateTurnsTheVerdictIntoAnHTTPStepAndLetsPacketsThrough() {
        let failure = HTTPFailure(status: 503, errcode: "M_UNKNOWN")
        let interceptor = RuleInterceptor(taps: [.httpIn]) { _ in .fail(failure) }
        var gate = TapGate<Int>()
        gate.attach(interceptor)
        guard case .fail(7, failure) = gate.admit(7, at: .httpIn, context: { TapContext(tap: .httpIn, kind: "sync") }) else {
            Issue.record("not failed")
            return
        }
        var packets = TapGate<Int>(.packets)
        packets.attach(interceptor)
        guard case .deliver(8, 1) = packets.admit(8, at: .httpIn, context: { TapContext(tap: .httpIn, kind: "sync") }) else {
            Issue.record("a packet gate must deliver")
            return
        }
    }
}
