import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct DuplicateFaultTests {
    @Test func duplicatesSelectedMessagesUpToItsCount() {
        let clock = ManualClock()
        var duplicate = DuplicateFault(selector: MessageSelector(tap: .signalOut, kinds: ["track_published"]), copies: 2,
                                       limits: FaultLimits(count: 2), start: clock.now())
        #expect(duplicate.decide(message(1, .signalOut, "update"), now: clock.now()) == .pass)
        #expect(duplicate.decide(message(2, .signalOut, "track_published"), now: clock.now()) == .duplicate(copies: 2))
        clock.advance(ms: 10)
        #expect(duplicate.decide(message(3, .signalOut, "track_published"), now: clock.now()) == .duplicate(copies: 2))
        #expect(duplicate.isFinished)
        #expect(duplicate.decide(message(4, .signalOut, "track_published"), now: clock.now()) == .pass)
    }

    @Test func atLeastOneCopy() {
        var duplicate = DuplicateFault(selector: MessageSelector(tap: .controlOut), copies: 0, start: .zero)
        #expect(duplicate.decide(message(1, .controlOut, "prompt_ack"), now: .zero) == .duplicate(copies: 1))
    }
}
