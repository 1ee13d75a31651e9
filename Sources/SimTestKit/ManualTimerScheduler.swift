import Foundation
import SimCore
import SimSignal

/// Timers driven by a `ManualClock`: nothing fires until a test calls `advance(by:)`.
public final class ManualTimerScheduler: TimerScheduler, @unchecked Sendable {
    private struct Entry {
        var id: UInt64
        var deadline: SimInstant
        var fire: @Sendable () -> Void
    }

    private final class Handle: TimerHandle, @unchecked Sendable {
        let id: UInt64
        weak var scheduler: ManualTimerScheduler?
        init(id: UInt64, scheduler: ManualTimerScheduler) {
            self.id = id
            self.scheduler = scheduler
        }
        func cancel() { scheduler?.cancel(id) }
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var nextID: UInt64 = 0
    /// The clock the deadlines are on.
    public let clock: ManualClock

    /// A scheduler on `clock`.
    public init(clock: ManualClock) { self.clock = clock }

    /// Registers `fire` for `now + delay`.
    public func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> any TimerHandle {
        lock.withLock {
            nextID += 1
            entries.append(Entry(id: nextID, deadline: clock.now() + delay, fire: fire))
            return Handle(id: nextID, scheduler: self)
        }
    }

    /// Pending timers.
    public var pendingCount: Int { lock.withLock { entries.count } }

    /// Advances the clock, firing due timers in deadline order (each at its own time).
    public func advance(by duration: Duration) {
        let target = clock.now() + duration
        while true {
            let due: Entry? = lock.withLock {
                guard let index = entries.indices.filter({ entries[$0].deadline <= target }).min(by: { entries[$0].deadline < entries[$1].deadline }) else { return nil }
                return entries.remove(at: index)
            }
            guard let due else { break }
            if due.deadline > clock.now() { clock.advance(by: due.deadline - clock.now()) }
            due.fire()
        }
        if target > clock.now() { clock.advance(by: target - clock.now()) }
    }

    private func cancel(_ id: UInt64) {
        lock.withLock { entries.removeAll { $0.id == id } }
    }
}
