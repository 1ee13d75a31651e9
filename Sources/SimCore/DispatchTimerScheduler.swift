import Dispatch

/// Timers on real time via Dispatch's global queue: for tools and tests that run real transports outside the
/// server's NIO event loops (the server itself uses its event loop).
public struct DispatchTimerScheduler: TimerScheduler {
    private final class Handle: TimerHandle, @unchecked Sendable {
        let item: DispatchWorkItem
        init(_ item: DispatchWorkItem) { self.item = item }
        func cancel() { item.cancel() }
    }

    /// A scheduler.
    public init() {}

    /// Calls `fire` once after `delay` on a global queue.
    public func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> any TimerHandle {
        let item = DispatchWorkItem(block: fire)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(delay.nanosecondsClamped)), execute: item)
        return Handle(item)
    }
}
