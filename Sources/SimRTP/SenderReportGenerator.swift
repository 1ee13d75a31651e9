import Foundation
import SimCore

/// Produces the sender-report fields (RFC 3550 §6.4.1) for one downtrack, so receivers can map its RTP
/// timestamps to wall time and sync audio with video.
///
/// Tell it about every packet sent (`packetSent`); ask for `report` when an SR is due. The RTP timestamp of
/// a report is the newest frame's timestamp extrapolated to `now` with the clock rate, so the NTP/RTP pair
/// describes the same instant. Audio and video downtracks must be given the same wall clock.
public struct SenderReportGenerator: Sendable {
    /// The fields of one sender report's sender-info block.
    public struct Report: Sendable, Equatable {
        /// The downtrack's SSRC.
        public var ssrc: UInt32
        /// Wall time in 64-bit NTP format: seconds since 1900 (high 32 bits), fraction (low 32 bits).
        public var ntpTimestamp: UInt64
        /// The RTP timestamp that corresponds to `ntpTimestamp`.
        public var rtpTimestamp: UInt32
        /// Packets sent since the start, modulo 2^32.
        public var packetCount: UInt32
        /// Payload octets sent since the start (headers and padding excluded), modulo 2^32.
        public var octetCount: UInt32

        /// The middle 32 bits of `ntpTimestamp`: what receivers echo as LSR (RFC 3550 §6.4.1) for RTT.
        public var compactNTP: UInt32 { UInt32(truncatingIfNeeded: ntpTimestamp >> 16) }

        /// Collects the fields.
        public init(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
            self.ssrc = ssrc
            self.ntpTimestamp = ntpTimestamp
            self.rtpTimestamp = rtpTimestamp
            self.packetCount = packetCount
            self.octetCount = octetCount
        }
    }

    /// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (RFC 5905 §6).
    public static let ntpUnixEpochOffset: UInt64 = 2_208_988_800

    /// The downtrack's SSRC.
    public let ssrc: UInt32
    /// The RTP clock rate in Hz.
    public let clockRate: UInt32
    /// Packets sent so far, retransmissions included.
    public private(set) var extPacketCount: UInt64 = 0
    /// Payload octets sent so far.
    public private(set) var extOctetCount: UInt64 = 0

    private var timestamps = TimestampUnwrapper()
    /// The newest frame's RTP timestamp and when its first packet went out.
    private var reference: (timestamp: UInt32, at: SimInstant)?

    /// Starts with nothing sent.
    public init(ssrc: UInt32, clockRate: UInt32) {
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// Counts one packet sent on the downtrack (retransmissions too).
    ///
    /// - Parameters:
    ///   - timestamp: its outgoing RTP timestamp; only a newer one moves the extrapolation reference.
    ///   - payloadLength: its payload bytes, without header and padding.
    ///   - now: when it was sent.
    public mutating func packetSent(timestamp: UInt32, payloadLength: Int, now: SimInstant) {
        extPacketCount &+= 1
        extOctetCount &+= UInt64(max(0, payloadLength))
        let previousHighest = timestamps.extHighest
        let extTimestamp = timestamps.unwrap(timestamp)
        if previousHighest.map({ extTimestamp > $0 }) ?? true {
            reference = (timestamp, now)
        }
    }

    /// The sender-info fields for an SR sent at `now`, or `nil` before the first packet (RFC 3550 §6.4: an
    /// SR needs a sent packet to anchor its RTP timestamp).
    ///
    /// - Parameters:
    ///   - now: the monotonic time of sending.
    ///   - wallNow: the wall time of sending, for the NTP timestamp.
    public func report(now: SimInstant, wallNow: Date) -> Report? {
        guard let reference else { return nil }
        let ticks = Self.rtpTicks(elapsed: now - reference.at, clockRate: clockRate)
        return Report(
            ssrc: ssrc,
            ntpTimestamp: Self.ntpTimestamp(for: wallNow),
            rtpTimestamp: reference.timestamp &+ UInt32(truncatingIfNeeded: ticks),
            packetCount: UInt32(truncatingIfNeeded: extPacketCount),
            octetCount: UInt32(truncatingIfNeeded: extOctetCount)
        )
    }

    /// `date` in 64-bit NTP format (RFC 5905 §6: seconds modulo 2^32, so era 1 from 2036 wraps to 0);
    /// dates before 1900 or not finite give 0.
    public static func ntpTimestamp(for date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970 + Double(ntpUnixEpochOffset)
        guard seconds.isFinite, seconds > 0, seconds < 1e18 else { return 0 }
        let whole = seconds.rounded(.down)
        let fraction = UInt64(((seconds - whole) * 4_294_967_296).rounded(.down))
        return UInt64(whole) << 32 | min(fraction, 0xFFFF_FFFF)
    }

    /// RTP clock ticks in `elapsed` at `clockRate` Hz, truncated; 0 for negative durations.
    static func rtpTicks(elapsed: Duration, clockRate: UInt32) -> UInt64 {
        let nanoseconds = elapsed.nanosecondsClamped
        guard nanoseconds > 0 else { return 0 }
        // < 2^63 × 2^32 = 2^95, so the high word stays below 10^9 and the division cannot overflow.
        let product = UInt64(nanoseconds).multipliedFullWidth(by: UInt64(clockRate))
        return UInt64(1_000_000_000).dividingFullWidth(product).quotient
    }
}
