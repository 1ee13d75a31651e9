import SimCore

/// The lifetime shared by most primitives: from `start`, until `end` (if any), for at most `remaining` affected
/// messages (if limited). It also remembers when its end has passed, so a fault built on it needs no timing code.
public struct FaultWindow: Sendable, Equatable {
    /// When the fault was installed.
    public let start: SimInstant
    /// When it expires, if it does.
    public let end: SimInstant?
    /// How many more messages it may affect, if limited.
    public private(set) var remaining: Int?
    /// Whether time has reached `end` (set by ``advance(to:)``).
    public private(set) var expired = false

    /// A window from `start` with `limits`.
    public init(start: SimInstant, limits: FaultLimits) {
        self.start = start
        end = limits.during.map { start + $0 }
        remaining = limits.count
    }

    /// Whether the fault may still affect a message at `now`.
    public func isOpen(at now: SimInstant) -> Bool {
        if expired { return false }
        if let end, now >= end { return false }
        if let remaining, remaining <= 0 { return false }
        return true
    }

    /// Counts one affected message.
    public mutating func consume() {
        if let remaining { self.remaining = remaining - 1 }
    }

    /// Time has reached `now`: expires the window once its end has passed.
    public mutating func advance(to now: SimInstant) {
        if let end, now >= end { expired = true }
    }

    /// Whether the count is used up.
    public var isExhausted: Bool { remaining.map { $0 <= 0 } ?? false }

    /// Whether the window is over for good: expired or exhausted.
    public var isFinished: Bool { expired || isExhausted }

    /// When the window needs ``advance(to:)`` next: its end, until it has expired.
    public var nextDeadline: SimInstant? { expired ? nil : end }
}

/// A fault whose whole lifetime is its ``FaultWindow``: time, deadline and end come from the window, so each such
/// fault only decides.
public protocol WindowedFault: FaultFilter {
    /// The fault's lifetime.
    var window: FaultWindow { get set }
}

extension WindowedFault {
    /// Expires the window once its end has passed; releases nothing.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        window.advance(to: now)
        return []
    }

    /// The window's end, until it has passed.
    public var nextDeadline: SimInstant? { window.nextDeadline }

    /// Done once the window expired or its count is used up.
    public var isFinished: Bool { window.isFinished }
}
