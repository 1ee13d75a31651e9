import SimCore

/// Delays selected packets by `by` ± seeded jitter while keeping each stream in order: a packet is never released
/// before the previous packet of the same participant and track (a jittery path, not a reordering one).
public struct DelayJitterFault: WindowedFault {
    private struct StreamKey: Hashable, Sendable {
        var participant: ParticipantSID?
        var track: TrackSID?
        var connection: ConnectionID?
    }

    /// The packets.
    public let selector: MessageSelector
    /// The base delay.
    public let by: Duration
    /// The largest deviation either way.
    public let jitter: Duration
    /// The fault's lifetime.
    public var window: FaultWindow
    private var random: SeededRandom
    private var lastRelease: [StreamKey: SimInstant] = [:]

    /// A delay installed at `start`; `seed` drives the jitter.
    public init(selector: MessageSelector, by: Duration, jitter: Duration = .zero, limits: FaultLimits = .unlimited,
                seed: UInt64, start: SimInstant) {
        self.selector = selector
        self.by = by
        self.jitter = jitter
        window = FaultWindow(start: start, limits: limits)
        random = SeededRandom(seed: seed)
    }

    /// `.delay` so that the packet leaves at `now + by ± jitter`, but not before its stream's previous packet.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        window.consume()
        let context = message.context
        let key = StreamKey(participant: context.participant, track: context.track, connection: context.connection)
        var release = now + random.delay(by, spread: jitter)
        if let previous = lastRelease[key], previous > release { release = previous }
        lastRelease[key] = release
        return .delay(release - now)
    }

    /// `media_delay 80ms±20ms <selector>`.
    public var summary: String {
        "media_delay \(DurationText.format(by))" + (jitter == .zero ? "" : "±\(DurationText.format(jitter))") + " \(selector)"
    }
}
