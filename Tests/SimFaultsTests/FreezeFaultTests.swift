import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct FreezeFaultTests {
    @Test func dropsEverythingSelectedForTheDuration() {
        let clock = ManualClock()
        var freeze = FreezeFault(selector: MessageSelector(tap: .mediaRTP, track: "TR_VCx"), duration: .seconds(2), start: clock.now())
        #expect(freeze.decide(message(1, .mediaRTP, "rtp", track: "TR_VCx"), now: clock.now()) == .drop)
        #expect(freeze.decide(message(2, .mediaRTP, "rtp", track: "TR_AMy"), now: clock.now()) == .pass)
        clock.advance(ms: 1999)
        #expect(freeze.decide(message(3, .mediaRTP, "rtp", track: "TR_VCx"), now: clock.now()) == .drop)
        clock.advance(ms: 1)
        #expect(freeze.decide(message(4, .mediaRTP, "rtp", track: "TR_VCx"), now: clock.now()) == .pass)
        #expect(freeze.nextDeadline == clock.now())
        _ = freeze.timeAdvanced(to: clock.now())
        #expect(freeze.isFinished)
    }
}
