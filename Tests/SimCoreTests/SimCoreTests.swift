import Foundation
import Testing
@testable import SimCore

@Suite struct SIDGeneratorTests {
    @Test func sidsHaveLiveKitShapeAndAreDeterministic() {
        var a = SIDGenerator(seed: 3)
        var b = SIDGenerator(seed: 3)
        let room = a.roomSID()
        #expect(room == b.roomSID())
        #expect(room.rawValue.hasPrefix("RM_") && room.rawValue.count == 15)
        let track = a.trackSID(kindLetter: "V", sourceLetter: "C")
        #expect(track.rawValue.hasPrefix("TR_VC") && track.rawValue.count == 17)
        let alphabet = Set(SIDGenerator.alphabet)
        #expect(a.participantSID().rawValue.dropFirst(3).allSatisfy(alphabet.contains))
        var c = SIDGenerator(seed: 4)
        #expect(c.roomSID() != room)
    }
}

@Suite struct ClockTests {
    @Test func manualClockMovesOnlyWhenAdvanced() {
        let clock = ManualClock()
        let start = clock.now()
        let wall = clock.wallNow()
        clock.advance(by: .milliseconds(1500))
        #expect(clock.now() - start == .milliseconds(1500))
        #expect(abs(clock.wallNow().timeIntervalSince(wall) - 1.5) < 1e-9)
        #expect((start + .seconds(2)).milliseconds == start.milliseconds + 2000)
        #expect((SimInstant(nanoseconds: 5) + .nanoseconds(-10)) == .zero)
    }
}

@Suite struct EventLogTests {
    @Test func stampsQueriesSinceAndWritesJSONL() throws {
        let clock = ManualClock()
        let log = EventLog(clock: clock, capacity: 10)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try log.openSink(path: path)
        log.append(EventRecord(kind: "room.created", room: "r1"))
        clock.advance(by: .milliseconds(5))
        log.append(EventRecord(kind: "signal.out.join", connection: ConnectionID(4), room: "r1", participant: "PA_x", identity: "alice",
                               tap: .signalOut, direction: .outbound, detail: ["others": .strings(["PA_y"]), "n": 3, "ok": true]))
        log.close()
        #expect(log.lastSeq == 2)
        #expect(log.events(since: 1).map(\.record.kind) == ["signal.out.join"])
        #expect(log.events(since: 2).isEmpty)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let second = try JSONDecoder().decode(SimEvent.self, from: Data(lines[1].utf8))
        #expect(second.seq == 2 && second.tMs == 5 && second.record.connection == ConnectionID(4))
        #expect(second.record.detail["n"] == 3 && second.record.tap == .signalOut && second.record.direction == .outbound)
        #expect(lines[1].contains(#""conn":"c4""#) && lines[1].contains(#""kind":"signal.out.join""#))
    }

    @Test func windowKeepsTheNewestAndListenersSeeEverything() {
        let log = EventLog(clock: ManualClock(), capacity: 4)
        let seen = Counter()
        let token = log.addListener { _ in seen.increment() }
        for index in 0..<20 { log.append(EventRecord(kind: "k\(index)")) }
        log.removeListener(token)
        log.append(EventRecord(kind: "after"))
        #expect(seen.value == 20)
        let kept = log.events()
        #expect(kept.last?.record.kind == "after" && kept.count <= 5 && kept.count >= 4)
        #expect(log.events(since: 0, limit: 2).count == 2)
    }

    /// A sink whose reader went away (a test harness reading the event log through a pipe that closed) stops the
    /// sink, not the server: found when a closed pipe made `FileHandle.write` trap.
    @Test func aBrokenPipeStopsTheSinkAndTheLogGoesOn() throws {
        signal(SIGPIPE, SIG_IGN)  // as NIO does in the server: EPIPE comes back as an error
        let pipe = Pipe()
        let log = EventLog(clock: ManualClock())
        try log.openSink(path: "/proc/self/fd/\(pipe.fileHandleForWriting.fileDescriptor)")
        log.append(EventRecord(kind: "before"))
        let first = pipe.fileHandleForReading.availableData
        #expect(String(decoding: first, as: UTF8.self).contains("\"kind\":\"before\""))
        try pipe.fileHandleForReading.close()
        for index in 0..<3 { log.append(EventRecord(kind: "after\(index)")) }
        #expect(log.sinkError != nil)
        #expect(log.events().map(\.record.kind) == ["before", "after0", "after1", "after2"])
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
