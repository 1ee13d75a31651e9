import SimCore

/// Holds every selected message from installation until a time has passed or a trigger fires (whichever is
/// first), then releases them all in arrival order and finishes.
public struct HoldFault: FaultFilter {
    /// The messages.
    public let selector: MessageSelector
    /// How long after installation the hold releases, if it does on time.
    public let duration: Duration?
    /// Release time, if any.
    public let releaseAt: SimInstant?
    /// Release trigger, if any.
    public let until: Trigger?
    /// Hold at most this many; later ones pass.
    public let maxHeld: Int?
    private var held: [TapMessageID] = []
    private var untilMatches = 0
    private var released = false

    /// A hold installed at `start`, released after `duration` and/or when `until` fires.
    public init(selector: MessageSelector, duration: Duration? = nil, until: Trigger? = nil, maxHeld: Int? = nil,
                start: SimInstant) {
        self.selector = selector
        self.duration = duration
        releaseAt = duration.map { start + $0 }
        self.until = until
        self.maxHeld = maxHeld
    }

    /// Holds selected messages until the release.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !released, selector.matches(message.context) else { return .pass }
        if let releaseAt, now >= releaseAt { return .pass }
        if let maxHeld, held.count >= maxHeld { return .pass }
        held.append(message.id)
        if let until { return .hold(until: .event(until, deadline: releaseAt)) }
        return .hold(until: .instant(releaseAt ?? now))
    }

    /// Releases everything at the release time.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        guard !released, let releaseAt, now >= releaseAt else { return [] }
        return release()
    }

    /// Releases everything when the trigger fires.
    public mutating func eventLogged(_ event: SimEvent, now: SimInstant) -> [TapMessageID] {
        guard !released, let until, until.pattern.matches(event.record) else { return [] }
        untilMatches += 1
        guard until.fires(atMatch: untilMatches) else { return [] }
        return release()
    }

    private mutating func release() -> [TapMessageID] {
        released = true
        defer { held = [] }
        return held
    }

    /// The release time, until released.
    public var nextDeadline: SimInstant? { released ? nil : releaseAt }
    /// Done once released.
    public var isFinished: Bool { released }
    /// Messages held so far.
    public var heldMessages: [TapMessageID] { held }
    /// `hold <selector> for …/until …`.
    public var summary: String {
        var text = "hold \(selector)"
        if let duration { text += " for \(DurationText.format(duration))" }
        if let until { text += " until \(until)" }
        return text
    }
}
