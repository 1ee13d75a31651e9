import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct DelayFaultTests {
    let acks = MessageSelector(tap: .controlOut, kinds: ["set_image_ack", "prompt_ack"])

    @Test func fixedDelayWithoutJitter() {
        let clock = ManualClock()
        var delay = DelayFault(selector: acks, by: .milliseconds(500), start: clock.now())
        #expect(delay.decide(message(1, .controlOut, "set_image_ack"), now: clock.now()) == .delay(.milliseconds(500)))
        #expect(delay.decide(message(2, .controlOut, "livekit_room_info"), now: clock.now()) == .pass)
        #expect(delay.summary == "delay 500ms control.out prompt_ack,set_image_ack")
    }

    @Test func jitterStaysInBoundsAndIsSeeded() {
        func delays(seed: UInt64) -> [Duration] {
            var delay = DelayFault(selector: acks, by: .milliseconds(100), jitter: .milliseconds(30), seed: seed, start: .zero)
            return (1...500).map { index in
                guard case .delay(let value) = delay.decide(message(UInt64(index), .controlOut, "prompt_ack"), now: .zero) else { return .zero }
                return value
            }
        }
        let a = delays(seed: 1)
        #expect(a == delays(seed: 1))
        #expect(a != delays(seed: 2))
        #expect(a.allSatisfy { $0 >= .milliseconds(70) && $0 <= .milliseconds(130) })
        #expect(a.contains { $0 < .milliseconds(85) } && a.contains { $0 > .milliseconds(115) })
    }

    @Test func jitterLargerThanTheDelayNeverGoesNegative() {
        var delay = DelayFault(selector: acks, by: .milliseconds(1), jitter: .milliseconds(50), seed: 4, start: .zero)
        for index in 1...200 {
            guard case .delay(let value) = delay.decide(message(UInt64(index), .controlOut, "prompt_ack"), now: .zero) else {
                Issue.record("expected a delay")
                return
            }
            #expect(value >= .zero)
        }
    }

    @Test func countAndWindowLimitIt() {
        let clock = ManualClock()
        var delay = DelayFault(selector: acks, by: .seconds(1), limits: FaultLimits(count: 1, during: .seconds(10)), start: clock.now())
        #expect(delay.decide(message(1, .controlOut, "prompt_ack"), now: clock.now()) == .delay(.seconds(1)))
        #expect(delay.isFinished)
        #expect(delay.decide(message(2, .controlOut, "prompt_ack"), now: clock.now()) == .pass)

        var windowed = DelayFault(selector: acks, by: .seconds(1), limits: FaultLimits(during: .seconds(2)), start: clock.now())
        clock.advance(ms: 2000)
        #expect(windowed.decide(message(3, .controlOut, "prompt_ack"), now: clock.now()) == .pass)
        _ = windowed.timeAdvanced(to: clock.now())
        #expect(windowed.isFinished)
    }
}
