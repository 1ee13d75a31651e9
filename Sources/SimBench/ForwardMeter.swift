import Foundation

/// Reads the LD_PRELOAD malloc counter (`scripts/malloc-counter.c`, loaded by `scripts/bench-allocs`).
struct AllocationCounter: Sendable {
    typealias Reader = @convention(c) () -> UInt64
    /// Mallocs by every thread so far.
    let total: Reader
    /// Mallocs by the calling thread so far.
    let thread: Reader

    /// Finds the counter's readers in the process (the preloaded library is in the global scope).
    /// - Throws: `BenchError` when the counter is not preloaded.
    init() throws {
        let process = dlopen(nil, RTLD_NOW)
        guard let total = dlsym(process, "sfusim_alloc_count_total"), let thread = dlsym(process, "sfusim_alloc_count_thread") else {
            throw BenchError("--allocs needs the malloc counter preloaded: run scripts/bench-allocs")
        }
        self.total = unsafeBitCast(total, to: Reader.self)
        self.thread = unsafeBitCast(thread, to: Reader.self)
    }
}

/// Accumulates the CPU time (and, with a counter, the mallocs) of the calling thread inside each measured call.
final class ForwardMeter: @unchecked Sendable {
    /// Totals so far.
    struct Snapshot {
        /// CPU nanoseconds inside measured calls.
        var routerCPUNanoseconds: UInt64 = 0
        /// Mallocs inside measured calls.
        var routerAllocations: UInt64 = 0
        /// Mallocs of the whole process (0 without a counter).
        var processAllocations: UInt64 = 0
        /// Mallocs on the publisher's receive thread from one measured call to the next and inside them: the whole
        /// receive path (libnice receive, SRTP decrypt, routing, every subscriber's protect and send).
        var receivePathAllocations: UInt64 = 0
    }

    let allocationCounter: AllocationCounter?
    private let lock = NSLock()
    private var totals = Snapshot()
    /// The receive thread's malloc count at the end of the last measured receive-path call.
    private var lastReceiveThreadReading: UInt64?

    init(allocationCounter: AllocationCounter?) {
        self.allocationCounter = allocationCounter
    }

    /// Runs `body`, adding the thread CPU time and mallocs it took (the readings themselves allocate nothing). With
    /// `receivePath`, the calling thread's mallocs since the previous such call count too.
    func measure(receivePath: Bool = false, _ body: () -> Void) {
        let allocationsBefore = allocationCounter?.thread() ?? 0
        let cpuBefore = threadCPUNanoseconds()
        body()
        let cpuAfter = threadCPUNanoseconds()
        let allocationsAfter = allocationCounter?.thread() ?? 0
        lock.withLock {
            totals.routerCPUNanoseconds &+= cpuAfter &- cpuBefore
            totals.routerAllocations &+= allocationsAfter &- allocationsBefore
            guard receivePath, allocationCounter != nil else { return }
            if let last = lastReceiveThreadReading { totals.receivePathAllocations &+= allocationsBefore &- last }
            totals.receivePathAllocations &+= allocationsAfter &- allocationsBefore
            lastReceiveThreadReading = allocationsAfter
        }
    }

    /// The totals now.
    func snapshot() -> Snapshot {
        var snapshot = lock.withLock { totals }
        snapshot.processAllocations = allocationCounter?.total() ?? 0
        return snapshot
    }
}

/// The calling thread's CPU time (user + system).
func threadCPUNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Another thread of this process, read through `/proc/self/task/<tid>` (Linux).
struct ThreadCPU: Sendable {
    /// The kernel thread id.
    let id: Int32

    /// CPU seconds the thread has run (`schedstat`'s first field, in nanoseconds); 0 when unreadable.
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(id)/schedstat", encoding: .utf8),
              let field = text.split(separator: " ").first, let nanoseconds = UInt64(field) else { return 0 }
        return Double(nanoseconds) / 1e9
    }

    /// Ids of this process's threads whose name (`comm`) is `name`.
    static func threads(named name: String) -> Set<Int32> {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(ids.compactMap { id -> Int32? in
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == name else { return nil }
            return Int32(id)
        })
    }
}
