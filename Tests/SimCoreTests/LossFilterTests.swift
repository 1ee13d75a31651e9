import SimCore
import SimFaults
import Testing

@Suite struct LossFilterTests {
    func decisions(seed: UInt64, percent: Double, count: Int) -> [Bool] {
        let filter = LossFilter(percent: percent, seed: seed)
        let context = TapContext(tap: .mediaRTP, kind: "rtp", participant: "PA_sub", track: "TR_x")
        return (0..<count).map { _ in filter.decide(context) != .pass }
    }

    @Test func sameSeedSameDropsAndTheRateIsClose() {
        let a = decisions(seed: 42, percent: 20, count: 10_000)
        #expect(a == decisions(seed: 42, percent: 20, count: 10_000))
        #expect(a != decisions(seed: 43, percent: 20, count: 10_000))
        let rate = Double(a.filter { $0 }.count) / Double(a.count)
        #expect(abs(rate - 0.20) < 0.02)
        #expect(!decisions(seed: 1, percent: 0, count: 1000).contains(true))
        #expect(!decisions(seed: 1, percent: 100, count: 1000).contains(false))
    }

    @Test func scopedToAParticipantOrTrack() {
        let filter = LossFilter(percent: 100, seed: 7, participant: "PA_bob")
        #expect(filter.decide(TapContext(tap: .mediaRTP, kind: "rtp", participant: "PA_alice")) == .pass)
        #expect(filter.decide(TapContext(tap: .mediaRTP, kind: "rtp", participant: "PA_bob")) != .pass)
        #expect(filter.counts.seen == 1 && filter.counts.dropped == 1)
    }
}
