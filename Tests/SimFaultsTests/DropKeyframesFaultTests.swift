import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct DropKeyframesFaultTests {
    @Test func dropsOnlyKeyframePackets() {
        let clock = ManualClock()
        var drop = DropKeyframesFault(selector: MessageSelector(tap: .mediaRTP), limits: FaultLimits(count: 2), start: clock.now())
        #expect(drop.decide(message(1, .mediaRTP, "rtp", keyframe: false), now: clock.now()) == .pass)
        #expect(drop.decide(message(2, .mediaRTP, "rtp"), now: clock.now()) == .pass)
        #expect(drop.decide(message(3, .mediaRTP, "rtp", keyframe: true), now: clock.now()) == .drop)
        #expect(drop.decide(message(4, .mediaRTP, "rtp", keyframe: true), now: clock.now()) == .drop)
        #expect(drop.isFinished)
        #expect(drop.decide(message(5, .mediaRTP, "rtp", keyframe: true), now: clock.now()) == .pass)
    }
}
