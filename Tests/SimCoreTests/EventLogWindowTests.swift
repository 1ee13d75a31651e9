import Foundation
import SimCore
import Testing

/// The event log's in-memory window is bounded in events and in (estimated) bytes, so a long run's memory is flat
/// however large its events are; the newest events stay, in order, with their sequence numbers.
struct EventLogWindowTests {
    @Test func theWindowKeepsTheNewestEventsWithinItsByteBound() {
        let limit = 256 * 1024
        let log = EventLog(clock: ManualClock(), capacity: 1_000_000, memoryLimit: limit)
        let big = String(repeating: "x", count: 4000)
        for index in 0..<2000 {
            log.append(EventRecord(kind: "test.big", detail: ["payload": .string(big), "n": .int(Int64(index))]))
        }
        let window = log.window
        #expect(window.bytes <= limit + limit / 4 && window.bytes > limit / 2)
        let kept = log.events()
        #expect(kept.count == window.events && kept.count < 2000)
        #expect(kept.last?.seq == 2000 && kept.last?.record.detail["n"] == .int(1999))
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.seq + 1 == $1.seq })
        #expect(log.lastSeq == 2000)
    }

    @Test func theWindowKeepsAtMostItsEventCount() {
        let log = EventLog(clock: ManualClock(), capacity: 100)
        for _ in 0..<1000 { log.append(EventRecord(kind: "test.small")) }
        #expect(log.window.events <= 125 && log.events().last?.seq == 1000)
        #expect(log.events(since: 990).count == 10)
    }
}
