import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct DelayJitterFaultTests {
    @Test func jitterNeverReordersAStream() {
        let clock = ManualClock()
        var delay = DelayJitterFault(selector: MessageSelector(tap: .mediaRTP), by: .milliseconds(80), jitter: .milliseconds(40), seed: 3,
                                     start: clock.now())
        var releases: [SimInstant] = []
        for index in 1...300 {
            let now = clock.advance(ms: 5)
            guard case .delay(let value) = delay.decide(message(UInt64(index), .mediaRTP, "rtp", track: "TR_VCx", participant: "PA_a"), now: now) else {
                Issue.record("expected a delay")
                return
            }
            #expect(value >= .milliseconds(40) && value <= .milliseconds(120 + 5))
            releases.append(now + value)
        }
        #expect(releases == releases.sorted())
        #expect(Set(releases.map { $0 - clock.now() }).count > 10)
    }

    @Test func streamsAreIndependent() {
        var delay = DelayJitterFault(selector: MessageSelector(tap: .mediaRTP), by: .milliseconds(50), seed: 1, start: .zero)
        #expect(delay.decide(message(1, .mediaRTP, "rtp", track: "TR_VCa", participant: "PA_a"), now: at(10)) == .delay(.milliseconds(50)))
        #expect(delay.decide(message(2, .mediaRTP, "rtp", track: "TR_VCb", participant: "PA_a"), now: at(0)) == .delay(.milliseconds(50)))
        // Same stream as message 1, arriving earlier on the clock: held back behind it.
        #expect(delay.decide(message(3, .mediaRTP, "rtp", track: "TR_VCa", participant: "PA_a"), now: at(0)) == .delay(.milliseconds(60)))
    }
}
