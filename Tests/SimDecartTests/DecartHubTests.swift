import Foundation
import SimCore
import SimFaults
import SimTestKit
import Testing
@testable import SimDecart

/// Records what the hub writes on one control connection.
final class RecordingControlSink: DecartControlSink, @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [String] = []
    private(set) var closed: (code: UInt16, reason: String)?

    func write(_ text: String) { lock.withLock { frames.append(text) } }
    func close(code: UInt16, reason: String) { lock.withLock { closed = (code, reason) } }
    func abort() { lock.withLock { aborted = true } }
    private(set) var aborted = false

    /// The `type` of every frame written, in order.
    var types: [String] {
        lock.withLock { frames }.compactMap { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["type"] as? String
        }
    }
}

/// Records what the hub asks the room side to do.
final class FakeRooms: DecartRoomDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [String] = []
    private(set) var rooms: [ConnectionID: DecartRoomRequest] = [:]

    private func record(_ call: String) { lock.withLock { calls.append(call) } }
    func createRoom(for connection: ConnectionID, request: DecartRoomRequest) {
        lock.withLock { rooms[connection] = request }
        record("create \(request.roomName)")
    }
    func releaseRoom(for connection: ConnectionID, room: RoomName) {
        record("release \(room)")
        if let gate = lock.withLock({ slowRelease }) {
            gate.entered.signal()
            gate.release.wait()
        }
    }

    /// From now on `releaseRoom` blocks until `finishReleases()` (a room teardown closing transports).
    private var slowRelease: (entered: DispatchSemaphore, release: DispatchSemaphore)?
    func blockReleases() -> DispatchSemaphore {
        let entered = DispatchSemaphore(value: 0)
        lock.withLock { slowRelease = (entered, DispatchSemaphore(value: 0)) }
        return entered
    }
    func finishReleases() {
        let release = lock.withLock { () -> DispatchSemaphore? in
            defer { slowRelease = nil }
            return slowRelease?.release
        }
        release?.signal()
    }
    func startInference(for connection: ConnectionID, parameters: DecartInferenceParameters) { record("start") }
    func stateChanged(for connection: ConnectionID, state: DecartGenerationState, initial: Bool) { record(initial ? "initial" : "state") }
    func stopInference(for connection: ConnectionID) { record("stop") }
    func startPeer(for connection: ConnectionID, offerSDP: String) { record("peer") }
    func addRemoteCandidate(for connection: ConnectionID, candidate: DecartICECandidate?) { record("candidate") }
    func closePeer(for connection: ConnectionID) { record("close peer") }
}

@Suite struct DecartHubTests {
    let clock = ManualClock()
    let endpoint = DecartServerEndpoint(ip: "198.18.0.1", port: 7880)

    func hub(_ configuration: DecartConfiguration = DecartConfiguration()) -> (DecartHub, FakeRooms, ManualTimerScheduler) {
        let scheduler = ManualTimerScheduler(clock: clock)
        let hub = DecartHub(engine: DecartSessionStateMachine(configuration: configuration, seed: 3), clock: clock,
                            log: EventLog(clock: clock), scheduler: scheduler)
        let rooms = FakeRooms()
        hub.attachRooms(rooms)
        return (hub, rooms, scheduler)
    }

    @Test func aLeanJoinGetsRoomInfoOnceTheRoomExistsAndEveryFrameIsLogged() throws {
        let (hub, rooms, scheduler) = hub()
        let sink = RecordingControlSink()
        let connection = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage&user_agent=decart-js-sdk/0.1.9"), endpoint: endpoint, sink: sink)
        hub.received(text: #"{"type":"livekit_join","passthrough":false}"#, on: connection)
        hub.received(text: #"{"type":"prompt","prompt":"a cat","enhance_prompt":false}"#, on: connection)
        let request = try #require(rooms.rooms[connection])
        #expect(!sink.types.contains("livekit_room_info"))  // not before the room exists
        hub.notify(.roomCreated(connection, livekitURL: "ws://198.18.0.1:7880", token: "jwt", roomName: request.roomName))
        #expect(sink.types.contains("prompt_ack") && sink.types.contains("livekit_room_info"))
        hub.notify(.publisherVideoPublished(connection))
        #expect(sink.types.last == "generation_started" && rooms.calls.contains("start"))
        scheduler.advance(by: .seconds(1))
        #expect(sink.types.last == "generation_tick")
        let kinds = hub.log.events().map(\.record.kind)
        #expect(kinds.contains("control.in.livekit_join") && kinds.contains("control.in.prompt"))
        #expect(kinds.contains("control.out.livekit_room_info") && kinds.contains("control.out.generation_tick"))

        hub.closed(connection, code: 1000, reason: "bye")
        #expect(rooms.calls.contains("stop") && rooms.calls.contains("release \(request.roomName)"))
        scheduler.advance(by: .seconds(3))
        #expect(sink.types.filter { $0 == "generation_tick" }.count == 1)  // the tick timer went with the session
    }

    @Test func tapsDropControlMessagesBothWays() throws {
        let dropped: Set<String> = ["prompt_ack", "set_image"]
        let taps = RuleInterceptor(taps: [.controlIn, .controlOut]) { dropped.contains($0.kind) ? .drop : .pass }
        let (hub, _, _) = hub()
        hub.attachInterceptor(taps)
        let sink = RecordingControlSink()
        let connection = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: sink)
        hub.received(text: #"{"type":"prompt","prompt":"x"}"#, on: connection)
        hub.received(text: #"{"type":"set_image","image_data":null}"#, on: connection)
        #expect(!sink.types.contains("prompt_ack") && !sink.types.contains("set_image_ack"))
        let drops = taps.seen.filter { dropped.contains($0.kind) }
        #expect(drops.map(\.tap) == [.controlOut, .controlIn] && drops.allSatisfy { $0.connection == connection })
        #expect(!hub.log.events().contains { $0.record.kind == "control.in.set_image" })
    }

    /// Room work runs after the hub's lock is released: a session whose room teardown blocks does not stop another
    /// session's frames from being answered.
    @Test func aSlowRoomReleaseDoesNotStallAnotherSession() throws {
        let (hub, rooms, _) = hub()
        let first = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: RecordingControlSink())
        hub.received(text: #"{"type":"livekit_join","passthrough":false}"#, on: first)
        let request = try #require(rooms.rooms[first])
        hub.notify(.roomCreated(first, livekitURL: "ws://198.18.0.1:7880", token: "jwt", roomName: request.roomName))
        let releasing = rooms.blockReleases()
        let closed = DispatchGroup()
        DispatchQueue.global().async(group: closed) { hub.closed(first, code: 1000, reason: "bye") }
        defer {
            rooms.finishReleases()
            closed.wait()
        }
        #expect(releasing.wait(timeout: .now() + 5) == .success)

        let sink = RecordingControlSink()
        let answered = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let second = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: self.endpoint, sink: sink)
            hub.received(text: #"{"type":"prompt","prompt":"a cat","enhance_prompt":false}"#, on: second)
            answered.signal()
        }
        #expect(answered.wait(timeout: .now() + 5) == .success)
        #expect(sink.types.contains("prompt_ack"))
    }

    @Test func badFramesGetErrorFramesAndAnotherSessionIsUnaffected() {
        let (hub, _, _) = hub()
        let sink = RecordingControlSink(), other = RecordingControlSink()
        let connection = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: sink)
        let second = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: other)
        hub.received(text: "{not json", on: connection)
        hub.received(binaryCount: 12, on: connection)
        #expect(sink.types == ["error", "error"] && sink.closed == nil)
        hub.received(text: #"{"type":"prompt","prompt":"ok"}"#, on: second)
        #expect(other.types == ["prompt_ack"])
        #expect(connection != second && connection.value > 1_000_000)  // never collides with signal connections
    }

    @Test func endControlAbortsWithoutACloseFrameAndTheSessionEndsAsOnA1006() {
        let (hub, rooms, _) = hub()
        let sink = RecordingControlSink(), other = RecordingControlSink()
        let connection = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: sink)
        _ = hub.open(query: DecartConnectQuery(rawQuery: "api_key=k&model=mirage"), endpoint: endpoint, sink: other)
        hub.received(text: #"{"type":"livekit_join"}"#, on: connection)
        hub.endControl(connection, .abort)
        #expect(sink.aborted && sink.closed == nil && !other.aborted && other.closed == nil)
        let close = hub.log.events().first { $0.record.kind == "control.close" }?.record
        #expect(close?.detail["code"] == .int(1006) && close?.detail["aborted"] == .bool(true))
        #expect(rooms.calls.contains { $0.hasPrefix("release") })
        hub.received(text: #"{"type":"prompt","prompt":"late"}"#, on: connection)  // ignored: the session is gone
        #expect(sink.types.isEmpty)
    }
}
