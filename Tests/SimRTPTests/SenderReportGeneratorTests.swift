import Foundation
import SimCore
import SimRTP
import Testing

@Suite struct SenderReportGeneratorTests {
    static func ms(_ value: UInt64) -> SimInstant { SimInstant(nanoseconds: value * 1_000_000) }
    static let unixSeconds: UInt64 = 1_800_000_000
    static let wall = Date(timeIntervalSince1970: Double(unixSeconds) + 0.25)
    static let wallNTP: UInt64 = (unixSeconds + 2_208_988_800) << 32 | 0x4000_0000

    @Test func noReportBeforeTheFirstPacket() {
        let generator = SenderReportGenerator(ssrc: 1, clockRate: 90000)
        #expect(generator.report(now: Self.ms(0), wallNow: Self.wall) == nil)
    }

    @Test func extrapolatesTheNewestFrameTimestampToNow() {
        var generator = SenderReportGenerator(ssrc: 0xABCD, clockRate: 90000)
        generator.packetSent(timestamp: 1000, payloadLength: 100, now: Self.ms(0))
        generator.packetSent(timestamp: 1000, payloadLength: 200, now: Self.ms(5))  // same frame
        generator.packetSent(timestamp: 4000, payloadLength: 300, now: Self.ms(33))
        generator.packetSent(timestamp: 1000, payloadLength: 100, now: Self.ms(50))  // retransmission
        // 100 ms − 33 ms = 67 ms × 90 kHz = 6030 ticks after 4000.
        let report = generator.report(now: Self.ms(100), wallNow: Self.wall)
        #expect(report == SenderReportGenerator.Report(
            ssrc: 0xABCD, ntpTimestamp: Self.wallNTP, rtpTimestamp: 10030, packetCount: 4, octetCount: 700
        ))
        #expect(generator.extPacketCount == 4 && generator.extOctetCount == 700)
        #expect(report?.compactNTP == UInt32(truncatingIfNeeded: Self.wallNTP >> 16))
    }

    @Test func sameFrameLaterPacketDoesNotMoveTheReference() {
        var generator = SenderReportGenerator(ssrc: 1, clockRate: 90000)
        generator.packetSent(timestamp: 1000, payloadLength: 10, now: Self.ms(0))
        generator.packetSent(timestamp: 1000, payloadLength: 10, now: Self.ms(20))
        #expect(generator.report(now: Self.ms(20), wallNow: Self.wall)?.rtpTimestamp == 2800)
    }

    @Test func audioClockRate() {
        var generator = SenderReportGenerator(ssrc: 2, clockRate: 48000)
        generator.packetSent(timestamp: 960, payloadLength: 80, now: Self.ms(1000))
        #expect(generator.report(now: Self.ms(1020), wallNow: Self.wall)?.rtpTimestamp == 1920)
        #expect(generator.report(now: Self.ms(1000), wallNow: Self.wall)?.rtpTimestamp == 960)
        #expect(generator.report(now: Self.ms(990), wallNow: Self.wall)?.rtpTimestamp == 960)  // clock behind: no step back
    }

    @Test func extrapolationWrapsAt32Bits() {
        var generator = SenderReportGenerator(ssrc: 3, clockRate: 90000)
        generator.packetSent(timestamp: 0xFFFF_FF00, payloadLength: 1, now: Self.ms(0))
        #expect(generator.report(now: Self.ms(1000), wallNow: Self.wall)?.rtpTimestamp == 89744)
        generator.packetSent(timestamp: 100, payloadLength: 1, now: Self.ms(1000))  // newer, across the wrap
        #expect(generator.report(now: Self.ms(1000), wallNow: Self.wall)?.rtpTimestamp == 100)
    }

    @Test func ntpTimestamps() {
        #expect(SenderReportGenerator.ntpTimestamp(for: Date(timeIntervalSince1970: 0)) == 2_208_988_800 << 32)
        #expect(SenderReportGenerator.ntpTimestamp(for: Self.wall) == Self.wallNTP)
        #expect(SenderReportGenerator.ntpTimestamp(for: Date(timeIntervalSince1970: -3_000_000_000)) == 0)
        // 2036-02-07T06:28:16Z starts NTP era 1: the seconds field wraps to 0.
        #expect(SenderReportGenerator.ntpTimestamp(for: Date(timeIntervalSince1970: 2_085_978_496)) == 0)
    }
}
