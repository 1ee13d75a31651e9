import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct BandwidthCapFaultTests {
    @Test func tokenBucketPassesTheBurstThenTheRate() {
        let clock = ManualClock()
        // 80 kbps = 10,000 bytes/s; bucket 3,000 bytes.
        var cap = BandwidthCapFault(selector: MessageSelector(tap: .mediaRTP), rate: Bitrate(bitsPerSecond: 80_000), burst: ByteCount(3000),
                                    start: clock.now())
        func send(_ id: UInt64, _ bytes: Int) -> FaultVerdict { cap.decide(message(id, .mediaRTP, "rtp", bytes: bytes), now: clock.now()) }
        #expect([send(1, 1000), send(2, 1000), send(3, 1000), send(4, 1)] == [.pass, .pass, .pass, .drop])
        clock.advance(ms: 100)  // +1,000 bytes
        #expect([send(5, 1000), send(6, 1)] == [.pass, .drop])
        clock.advance(ms: 50)  // +500 bytes: a 600-byte packet does not fit, a 500-byte one does
        #expect([send(7, 600), send(8, 500)] == [.drop, .pass])
        clock.advance(ms: 60_000)  // long idle refills only to the burst
        #expect([send(9, 3000), send(10, 1)] == [.pass, .drop])
    }

    @Test func unsizedPacketsPassAndTheCapEnds() {
        let clock = ManualClock()
        var cap = BandwidthCapFault(selector: MessageSelector(tap: .mediaRTP), rate: Bitrate(bitsPerSecond: 8000), burst: ByteCount(100),
                                    during: .seconds(1), start: clock.now())
        #expect(cap.decide(message(1, .mediaRTP, "rtp"), now: clock.now()) == .pass)
        #expect(cap.decide(message(2, .mediaRTP, "rtp", bytes: 101), now: clock.now()) == .drop)
        clock.advance(ms: 1000)
        #expect(cap.decide(message(3, .mediaRTP, "rtp", bytes: 10_000), now: clock.now()) == .pass)
        _ = cap.timeAdvanced(to: clock.now())
        #expect(cap.isFinished)
    }
}
