import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct StallFaultTests {
    @Test func holdsEveryKindOnTheConnectionThenReleasesInOrder() {
        let clock = ManualClock()
        var stall = StallFault(selector: MessageSelector(tap: .signalIn, kinds: ["ping_req"], identity: "alice"), duration: .milliseconds(1500),
                               start: clock.now())
        let end = clock.now() + .milliseconds(1500)
        #expect(stall.decide(message(1, .signalIn, "ping_req", identity: "alice"), now: clock.now()) == .hold(until: .instant(end)))
        #expect(stall.decide(message(2, .signalIn, "answer", identity: "alice"), now: clock.now()) == .hold(until: .instant(end)))
        #expect(stall.decide(message(3, .signalIn, "answer", identity: "bob"), now: clock.now()) == .pass)
        clock.advance(ms: 1499)
        #expect(stall.timeAdvanced(to: clock.now()) == [])
        clock.advance(ms: 1)
        #expect(stall.decide(message(4, .signalIn, "leave", identity: "alice"), now: clock.now()) == .pass)
        #expect(stall.timeAdvanced(to: clock.now()) == [TapMessageID(1), TapMessageID(2)])
        #expect(stall.isFinished)
    }
}
