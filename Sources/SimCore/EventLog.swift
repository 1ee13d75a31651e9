import Foundation

/// The process-wide event log: stamps records, keeps a bounded in-memory window for `GET /_sim/events`,
/// and appends every event to an optional JSONL sink.
///
/// Appends from any thread are serialised by a lock; sequence numbers are therefore a total order.
public final class EventLog: @unchecked Sendable {
    /// How many events the in-memory window keeps by default.
    public static let defaultCapacity = 100_000
    /// How much memory (estimated) the in-memory window may hold by default: 64 MiB.
    public static let defaultMemoryLimit = 64 * 1024 * 1024

    private let lock = NSLock()
    private let clock: any SimClock
    private let capacity: Int
    private let memoryLimit: Int
    /// The estimated bytes of `events` (``EventRecord/estimatedBytes``).
    private var retainedBytes = 0
    private var events: [SimEvent] = []
    private var nextSeq: UInt64 = 1
    private var sink: FileHandle?
    private var sinkFailure: String?
    private var listeners: [UInt64: @Sendable (SimEvent) -> Void] = [:]
    private var nextListener: UInt64 = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A log on `clock` keeping the last `capacity` events in memory, and no more than about `memoryLimit` bytes of
    /// them (the JSONL sink, when open, has every event).
    public init(clock: any SimClock, capacity: Int = EventLog.defaultCapacity, memoryLimit: Int = EventLog.defaultMemoryLimit) {
        self.clock = clock
        self.capacity = max(1, capacity)
        self.memoryLimit = max(1, memoryLimit)
    }

    /// The in-memory window: how many events, and their estimated bytes.
    public var window: (events: Int, bytes: Int) { lock.withLock { (events.count, retainedBytes) } }

    /// Appends every future event as a JSON line to `path` (created or truncated).
    public func openSink(path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        lock.withLock { sink = handle }
    }

    /// Why the JSONL sink stopped (its reader closed a pipe, a write failed), if it did; the in-memory window and
    /// listeners go on regardless.
    public var sinkError: String? { lock.withLock { sinkFailure } }

    /// Stamps and stores `record`; returns the stamped event.
    @discardableResult
    public func append(_ record: EventRecord) -> SimEvent {
        let now = clock.now()
        let wall = clock.wallNow()
        let (event, callbacks, line): (SimEvent, [@Sendable (SimEvent) -> Void], Data?) = lock.withLock {
            let event = SimEvent(seq: nextSeq, tMs: now.milliseconds, wall: wall, record: record)
            nextSeq += 1
            events.append(event)
            retainedBytes += record.estimatedBytes
            // Trimmed in batches (a quarter over either bound, back to it), so removing from the front stays amortised.
            if events.count > capacity + capacity / 4 || retainedBytes > memoryLimit + memoryLimit / 4 {
                var drop = max(0, events.count - capacity)
                var bytes = retainedBytes
                for index in 0..<drop { bytes -= events[index].record.estimatedBytes }
                while bytes > memoryLimit, drop < events.count - 1 {
                    bytes -= events[drop].record.estimatedBytes
                    drop += 1
                }
                events.removeFirst(drop)
                retainedBytes = bytes
            }
            var line: Data?
            if sink != nil, var data = try? encoder.encode(event) {
                data.append(0x0A)
                line = data
            }
            if let line, let handle = sink {
                do {
                    try handle.write(contentsOf: line)
                } catch {
                    // The reader went away (a broken pipe) or the disk is full: stop writing, keep serving.
                    sink = nil
                    sinkFailure = "\(error)"
                }
            }
            return (event, Array(listeners.values), line)
        }
        _ = line
        for callback in callbacks { callback(event) }
        return event
    }

    /// Appends each record in order.
    public func append(contentsOf records: [EventRecord]) {
        for record in records { append(record) }
    }

    /// Events with `seq > since`, oldest first, at most `limit`.
    public func events(since: UInt64 = 0, limit: Int = .max) -> [SimEvent] {
        lock.withLock {
            guard let first = events.first else { return [] }
            let start = since < first.seq ? 0 : Int(since - first.seq + 1)
            guard start < events.count, limit > 0 else { return [] }
            let end = limit >= events.count - start ? events.count : start + limit
            return Array(events[start..<end])
        }
    }

    /// The sequence number of the newest event (0 when empty).
    public var lastSeq: UInt64 { lock.withLock { nextSeq - 1 } }

    /// Calls `callback` for every future event, after it is stored; returns a token for `removeListener`.
    public func addListener(_ callback: @escaping @Sendable (SimEvent) -> Void) -> UInt64 {
        lock.withLock {
            nextListener += 1
            listeners[nextListener] = callback
            return nextListener
        }
    }

    /// Stops calling a listener.
    public func removeListener(_ token: UInt64) {
        _ = lock.withLock { listeners.removeValue(forKey: token) }
    }

    /// Encodes one event as a JSON line (no newline).
    public func jsonLine(_ event: SimEvent) -> String {
        (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Flushes and closes the sink.
    public func close() {
        lock.withLock {
            try? sink?.synchronize()
            try? sink?.close()
            sink = nil
        }
    }
}
