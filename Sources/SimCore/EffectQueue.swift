import Foundation

/// Side effects a shell decided under its lock and runs after releasing it, in the order they were decided.
///
/// A shell enqueues effects while it holds its own lock (so their order is the engine's order), releases the lock,
/// then calls ``drain(_:)``. One thread drains at a time: a thread that finds another draining leaves its effects to
/// that one and returns at once, so effects never run concurrently or out of order, and no shell lock is held while
/// they run (an effect may block — closing a transport joins its ICE thread — without stalling other connections).
/// With a single caller (tests), every effect has run when `drain` returns.
public final class EffectQueue<Effect>: @unchecked Sendable {
    private let lock = NSLock()
    private var queued: [Effect] = []
    private var draining = false

    /// An empty queue.
    public init() {}

    /// Adds an effect after those already queued.
    public func enqueue(_ effect: Effect) {
        lock.withLock { queued.append(effect) }
    }

    /// Runs queued effects in order until none is left, unless another thread is already doing so.
    public func drain(_ perform: (Effect) -> Void) {
        while true {
            let batch: [Effect]? = lock.withLock {
                guard !draining, !queued.isEmpty else { return nil }
                draining = true
                defer { queued.removeAll(keepingCapacity: true) }
                return queued
            }
            guard let batch else { return }
            for effect in batch { perform(effect) }
            let more = lock.withLock {
                draining = false
                return !queued.isEmpty
            }
            guard more else { return }
        }
    }

    /// How many effects wait to run.
    public var count: Int { lock.withLock { queued.count } }
}
