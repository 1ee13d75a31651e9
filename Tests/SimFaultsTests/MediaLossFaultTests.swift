import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct MediaLossFaultTests {
    @Test func seededShareForOneParticipantAndTrackKind() {
        let selector = MessageSelector(tap: .mediaRTP, participant: "PA_alice", trackKind: .video)
        func run(seed: UInt64) -> [Bool] {
            var loss = MediaLossFault(selector: selector, percent: Percentage(10), seed: seed, start: .zero)
            return (1...5000).map { loss.decide(message(UInt64($0), .mediaRTP, "rtp", track: "TR_VCx", participant: "PA_alice"), now: .zero) == .drop }
        }
        let a = run(seed: 5)
        #expect(a == run(seed: 5))
        #expect(a != run(seed: 6))
        #expect(abs(Double(a.filter { $0 }.count) / 5000 - 0.10) < 0.015)
        var loss = MediaLossFault(selector: selector, percent: Percentage(100), seed: 1, start: .zero)
        #expect(loss.decide(message(1, .mediaRTP, "rtp", track: "TR_AMx", participant: "PA_alice"), now: .zero) == .pass)
        #expect(loss.decide(message(2, .mediaRTP, "rtp", track: "TR_VCx", participant: "PA_bob"), now: .zero) == .pass)
        #expect(loss.decide(message(3, .mediaRTP, "rtp", track: "TR_VCx", participant: "PA_alice"), now: .zero) == .drop)
    }

    @Test func noneAtZeroPercentAndAllAtOneHundred() {
        for (percent, dropped) in [(0.0, false), (100.0, true)] {
            var loss = MediaLossFault(selector: MessageSelector(tap: .mediaRTP), percent: Percentage(percent), seed: 1, start: .zero)
            let drops = (1...1000).map { loss.decide(message(UInt64($0), .mediaRTP, "rtp"), now: .zero) == .drop }
            #expect(drops.allSatisfy { $0 == dropped })
        }
    }

    @Test func endsWithItsWindow() {
        let clock = ManualClock()
        var loss = MediaLossFault(selector: MessageSelector(tap: .mediaRTP), percent: Percentage(100), limits: FaultLimits(during: .seconds(3)),
                                  seed: 1, start: clock.now())
        #expect(loss.decide(message(1, .mediaRTP, "rtp"), now: clock.now()) == .drop)
        clock.advance(ms: 3000)
        #expect(loss.decide(message(2, .mediaRTP, "rtp"), now: clock.now()) == .pass)
        _ = loss.timeAdvanced(to: clock.now())
        #expect(loss.isFinished)
    }
}
