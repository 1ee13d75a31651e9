import Foundation
import SimCore

/// Drops a seeded share of the messages or packets it sees (optionally only for one participant or track): the
/// media impairment `loss %`. The same seed and the same sequence of packets give the same drops.
public final class LossFilter: TapFilter, @unchecked Sendable {
    /// Share dropped, 0…1.
    public let probability: Double
    /// Only packets to or from this participant, if set.
    public let participant: ParticipantSID?
    /// Only this track, if set.
    public let track: TrackSID?
    private let lock = NSLock()
    private var random: SeededRandom
    private var seen: UInt64 = 0
    private var dropped: UInt64 = 0

    /// A filter dropping `percent` % (clamped to 0…100), decided by a generator seeded with `seed`.
    public init(percent: Double, seed: UInt64, participant: ParticipantSID? = nil, track: TrackSID? = nil) {
        probability = min(1, max(0, percent / 100))
        self.participant = participant
        self.track = track
        random = SeededRandom(seed: seed)
    }

    /// Packets considered and dropped so far.
    public var counts: (seen: UInt64, dropped: UInt64) { lock.withLock { (seen, dropped) } }

    /// Drops with the configured probability (matching packets only).
    public func decide(_ context: TapContext) -> TapVerdict {
        if let participant, context.participant != participant { return .pass }
        if let track, context.track != track { return .pass }
        let drop: Bool = lock.withLock {
            seen += 1
            // 53 random bits → a uniform double in [0, 1).
            let draw = Double(random.next() >> 11) / Double(1 << 53)
            if draw < probability { dropped += 1; return true }
            return false
        }
        return drop ? .drop(reason: "loss \(probability * 100)%") : .pass
    }
}
