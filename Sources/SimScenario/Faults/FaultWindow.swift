import SimCore

/// The lifetime shared by most primitives: from `start`, until `end` (if any), for at most `remaining` affected
/// messages (if limited).
public struct FaultWindow: Sendable, Equatable {
    /// When the fault was installed.
    public let start: SimInstant
    /// When it expires, if it does.
    public let end: SimInstant?
    /// How many more messages it may affect, if limited.
    public private(set) var remaining: Int?

    /// A window from `start` with `limits`.
    public init(start: SimInstant, limits: FaultLimits) {
        self.start = start
        end = limits.during.map { start + $0 }
        remaining = limits.count
    }

    /// Whether the fault may still affect a message at `now`.
    public func isOpen(at now: SimInstant) -> Bool {
        if let end, now >= end { return false }
        if let remaining, remaining <= 0 { return false }
        return true
    }

    /// Counts one affected message.
    public mutating func consume() {
        if let remaining { self.remaining = remaining - 1 }
    }

    /// Whether the count is used up.
    public var isExhausted: Bool { remaining.map { $0 <= 0 } ?? false }

    /// Whether the window is over at `now` (expired or exhausted).
    public func isOver(at now: SimInstant) -> Bool { !isOpen(at: now) }
}
