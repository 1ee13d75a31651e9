import SimCore
import Testing
@testable import SimDecart

/// The admission queue as clients see it: `queue_position` while waiting, promotion when others leave, close 1013
/// beyond the limit (reference §1, §3, §9.3).
@Suite struct DecartQueueSessionTests {
    static func configuration(capacity: Int, waiting: Int) -> DecartConfiguration {
        var configuration = DecartConfiguration()
        configuration.maxActiveSessions = capacity
        configuration.maxWaitingSessions = waiting
        return configuration
    }

    @Test func capacityOneSecondSessionWaitsThenMovesToActive() throws {
        var h = DecartHarness(configuration: Self.configuration(capacity: 1, waiting: 4))
        h.joined(1)
        h.published(1)
        h.open(2)
        let wait = h.text(2, #"{"type":"livekit_join"}"#)
        #expect(wait.messages(to: 2) == [.queuePosition(position: 1, queueSize: 1)])
        #expect(wait.frames(to: 2) == [#"{"type":"queue_position","position":1,"queue_position":1,"queue_size":1}"#])
        #expect(wait.roomRequests(ConnectionID(2)).isEmpty)
        // Nothing more while waiting: no room_info, no repeated position.
        #expect(h.advance(by: .seconds(20)).types(to: 2).isEmpty)
        let leave = h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: "client disconnect"))
        #expect(leave.contains(1) { if case .stopInference = $0 { true } else { false } })
        #expect(leave.contains(1) { if case .releaseRoom = $0 { true } else { false } })
        #expect(leave.roomRequests(ConnectionID(2)).count == 1)
        #expect(leave.types(to: 1).isEmpty)
        #expect(h.roomCreated(2).types(to: 2) == ["livekit_room_info", "session_id"])
        #expect(h.published(2).types(to: 2) == ["generation_started"])
    }

    @Test func beyondTheLimitClosesWith1013() {
        var h = DecartHarness(configuration: Self.configuration(capacity: 1, waiting: 1))
        h.joined(1)
        h.open(2)
        h.text(2, #"{"type":"livekit_join"}"#)
        h.open(3)
        let refused = h.text(3, #"{"type":"livekit_join"}"#)
        #expect(refused.types(to: 3).isEmpty)
        #expect(refused.closes.count == 1)
        #expect(refused.closes.first?.0 == ConnectionID(3))
        #expect(refused.closes.first?.1 == .tryAgainLater)
        #expect(refused.closes.first?.2 == "Concurrent session limit reached.")
        #expect(refused.logged.contains("decart.queue.refused"))
        // The refused session is gone; the others are untouched.
        #expect(h.text(3, #"{"type":"prompt","prompt":"x"}"#).isEmpty)
        #expect(refused.types(to: 2).isEmpty && refused.types(to: 1).isEmpty)
        #expect(h.machine.queue.waiting == [ConnectionID(2)])
    }

    @Test func queueFullErrorFrameByRule() {
        var configuration = Self.configuration(capacity: 1, waiting: 0)
        configuration.rules.queueFull = DecartRules.QueueFull(errorText: "Server at capacity. Please try again later.", closeReason: "Session Limit Reached")
        var h = DecartHarness(configuration: configuration)
        h.joined(1)
        h.open(2)
        let refused = h.text(2, #"{"type":"livekit_join"}"#)
        #expect(refused.errors(to: 2) == ["Server at capacity. Please try again later."])
        #expect(refused.closes.first?.2 == "Session Limit Reached")
        // error frame strictly before the close.
        let errorIndex = refused.firstIndex { if case .send(_, .error) = $0 { true } else { false } }
        let closeIndex = refused.firstIndex { if case .close = $0 { true } else { false } }
        #expect(errorIndex != nil && closeIndex != nil && errorIndex! < closeIndex!)
    }

    @Test func positionsMoveUpAsOthersLeave() {
        var h = DecartHarness(configuration: Self.configuration(capacity: 1, waiting: 5))
        h.joined(1)
        for connection: UInt64 in 2...4 {
            h.open(connection)
            h.text(connection, #"{"type":"livekit_join"}"#)
        }
        #expect(h.transcript.messages(to: 4) == [.queuePosition(position: 3, queueSize: 3)])
        // A waiter ahead leaves: those behind move up, the one ahead learns the new size.
        let leave = h.handle(.connectionClosed(ConnectionID(3), code: nil, reason: ""))
        #expect(leave.messages(to: 2) == [.queuePosition(position: 1, queueSize: 2)])
        #expect(leave.messages(to: 4) == [.queuePosition(position: 2, queueSize: 2)])
        // The active one leaves: 2 is admitted, 4 becomes first.
        let done = h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: ""))
        #expect(done.roomRequests(ConnectionID(2)).count == 1)
        #expect(done.messages(to: 4) == [.queuePosition(position: 1, queueSize: 1)])
        #expect(done.types(to: 2).isEmpty)
    }

    /// A bundled state is acked even while queued (the client buffers it, and its ack timer only starts at
    /// room_info: JS test "does not start the initial-state ack timer while waiting in queue").
    @Test func bundledAckPrecedesQueuePosition() {
        var h = DecartHarness(configuration: Self.configuration(capacity: 1, waiting: 4))
        h.joined(1)
        h.open(2)
        let join = h.text(2, #"{"type":"livekit_join","initial_state":{"type":"prompt","prompt":"p","enhance_prompt":true}}"#)
        #expect(join.types(to: 2) == ["prompt_ack", "queue_position"])
    }

    @Test func serverEndedSessionFreesItsSlot() {
        var h = DecartHarness(configuration: Self.configuration(capacity: 1, waiting: 4))
        h.joined(1)
        h.published(1)
        h.open(2)
        h.text(2, #"{"type":"livekit_join"}"#)
        let end = h.handle(.sessionEndRequested(ConnectionID(1), reason: .insufficientCredits, errorText: "Insufficient credits"))
        #expect(end.roomRequests(ConnectionID(2)).count == 1)
    }
}

/// Early-room-info sessions are queued at open, but learn their position only once they joined (Android and
/// Python arm their room-info wait in `livekit_join`).
@Suite struct DecartEarlyQueueTests {
    @Test func queuePositionForAnEarlySessionWaitsForTheJoin() {
        var configuration = DecartConfiguration()
        configuration.maxActiveSessions = 1
        var h = DecartHarness(configuration: configuration)
        h.joined(1)
        let open = h.open(2, query: "api_key=k&model=m&livekit_early_room_info=true")
        #expect(open.types(to: 2).isEmpty)
        #expect(open.logged.contains("decart.queue.waiting"))
        #expect(h.text(2, #"{"type":"livekit_join"}"#).messages(to: 2) == [.queuePosition(position: 1, queueSize: 1)])
        let admitted = h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: ""))
        #expect(admitted.roomRequests(ConnectionID(2)).count == 1)
        #expect(h.roomCreated(2).types(to: 2) == ["livekit_room_info", "session_id"])
    }

    @Test func closeReasonsFitACloseFrame() {
        let long = String(repeating: "é", count: 200)
        let clamped = DecartCloseCode.clampedReason(long)
        #expect(clamped.utf8.count <= DecartCloseCode.maximumReasonBytes && clamped.utf8.count >= DecartCloseCode.maximumReasonBytes - 1)
        var h = DecartHarness()
        h.joined(1)
        let end = h.handle(.sessionEndRequested(ConnectionID(1), reason: .error, errorText: long))
        #expect(end.closes.first.map { $0.2.utf8.count <= 123 } == true)
        #expect(end.errors(to: 1) == [long])
    }

    static func scripted(_ positions: [Int], admit: Bool = true) -> DecartRules {
        var rules = DecartRules()
        rules.queueScript = DecartRules.QueueScript(positions: positions, size: 3, interval: .seconds(2), admit: admit)
        return rules
    }

    @Test func aScriptedWaitSendsEachPositionOnTimeThenAdmits() {
        var h = DecartHarness()
        h.open(1, rules: Self.scripted([3, 2, 1]))
        let join = h.text(1, #"{"type":"livekit_join"}"#)
        #expect(join.messages(to: 1) == [.queuePosition(position: 3, queueSize: 3)])
        #expect(join.roomRequests(ConnectionID(1)).isEmpty)
        #expect(h.advance(by: .milliseconds(1999)).types(to: 1).isEmpty)
        #expect(h.advance(by: .milliseconds(1)).messages(to: 1) == [.queuePosition(position: 2, queueSize: 3)])
        #expect(h.advance(by: .seconds(2)).messages(to: 1) == [.queuePosition(position: 1, queueSize: 3)])
        let admitted = h.advance(by: .seconds(2))
        #expect(admitted.roomRequests(ConnectionID(1)).count == 1 && admitted.logged.contains("decart.queue.admitted"))
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
    }

    @Test func aScriptThatNeverAdmitsLeavesTheSessionWaitingAndItsSlotFree() {
        var h = DecartHarness(configuration: DecartQueueSessionTests.configuration(capacity: 1, waiting: 4))
        h.open(1, rules: Self.scripted([1], admit: false))
        #expect(h.text(1, #"{"type":"livekit_join"}"#).messages(to: 1) == [.queuePosition(position: 1, queueSize: 3)])
        #expect(h.advance(by: .seconds(2)).logged.contains("decart.queue.never_admitted"))
        #expect(h.advance(by: .seconds(60)).types(to: 1).isEmpty)
        // It never took a real slot: another session is admitted at once.
        #expect(h.joined(2).roomRequests(ConnectionID(2)).count == 1)
        // Closing the waiting session disturbs nobody.
        #expect(h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: "gave up")).types(to: 2).isEmpty)
    }

    @Test func anEarlySessionsScriptedPositionWaitsForItsJoin() {
        var h = DecartHarness()
        #expect(h.open(1, query: "api_key=k&model=m&livekit_early_room_info=true", rules: Self.scripted([2, 1])).types(to: 1).isEmpty)
        #expect(h.text(1, #"{"type":"livekit_join"}"#).messages(to: 1) == [.queuePosition(position: 2, queueSize: 3)])
        #expect(h.advance(by: .seconds(2)).messages(to: 1) == [.queuePosition(position: 1, queueSize: 3)])
    }
}
