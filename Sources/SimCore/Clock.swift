import Foundation

/// A point on a monotonic clock, in nanoseconds since the clock's origin.
public struct SimInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64

    /// Wraps a nanosecond count.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The clock's origin.
    public static let zero = SimInstant(nanoseconds: 0)

    /// Milliseconds since the origin (the event log's `t_ms`).
    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }

    /// Orders by time.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The instant `duration` later (negative durations clamp at the origin).
    public static func + (lhs: Self, rhs: Duration) -> Self {
        let delta = rhs.nanosecondsClamped
        if delta >= 0 { return SimInstant(nanoseconds: lhs.nanoseconds &+ UInt64(delta)) }
        let back = UInt64(-delta)
        return SimInstant(nanoseconds: lhs.nanoseconds > back ? lhs.nanoseconds - back : 0)
    }

    /// The duration from `rhs` to `lhs`.
    public static func - (lhs: Self, rhs: Self) -> Duration {
        .nanoseconds(Int64(lhs.nanoseconds) - Int64(rhs.nanoseconds))
    }

    /// `<ms>ms`.
    public var description: String { "\(milliseconds)ms" }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    /// The duration in milliseconds as a `Double`.
    public var milliseconds: Double { Double(nanosecondsClamped) / 1_000_000 }
}

/// The time source every shell reads; engines never read it themselves, they are handed `now`.
public protocol SimClock: Sendable {
    /// Monotonic time.
    func now() -> SimInstant
    /// Wall-clock time (for JWT checks, `joined_at`, event-log `wall`).
    func wallNow() -> Date
}

/// The process's real clocks: `CLOCK_MONOTONIC` and the system wall clock.
public struct SystemClock: SimClock {
    private let origin: ContinuousClock.Instant

    /// Starts the monotonic origin now.
    public init() { origin = ContinuousClock.now }

    /// Monotonic time since this clock was made.
    public func now() -> SimInstant {
        SimInstant(nanoseconds: UInt64(max(0, (ContinuousClock.now - origin).nanosecondsClamped)))
    }

    /// The system wall clock.
    public func wallNow() -> Date { Date() }
}

/// A clock that only moves when told to: tests advance it by hand.
public final class ManualClock: SimClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: SimInstant
    private var wall: Date

    /// Starts at `start` with wall time `wall`.
    public init(start: SimInstant = .zero, wall: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
        self.wall = wall
    }

    /// The current manual time.
    public func now() -> SimInstant { lock.withLock { current } }

    /// The current manual wall time (moves with `advance`).
    public func wallNow() -> Date { lock.withLock { wall } }

    /// Moves both clocks forward by `duration`.
    public func advance(by duration: Duration) {
        lock.withLock {
            current = current + duration
            wall = wall.addingTimeInterval(Double(duration.nanosecondsClamped) / 1e9)
        }
    }
}
