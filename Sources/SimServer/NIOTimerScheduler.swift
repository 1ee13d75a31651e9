import NIOCore
import NIOPosix
import SimCore

/// Timers on a NIO event loop (the server's real clock).
struct NIOTimerScheduler: TimerScheduler {
    let eventLoop: any EventLoop

    struct Handle: TimerHandle {
        let scheduled: Scheduled<Void>
        func cancel() { scheduled.cancel() }
    }

    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> any TimerHandle {
        Handle(scheduled: eventLoop.scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { fire() })
    }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000
    }
}
