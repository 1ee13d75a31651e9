import Foundation
import SimCore
import SimFaults
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import Testing

/// A scenario shell stand-in: fixed outcomes per message kind, recording what it saw.
final class ScriptedInterceptor: TapInterceptor, @unchecked Sendable {
    private let lock = NSLock()
    var outcomes: [String: TapOutcome] = [:]
    private(set) var seen: [TapContext] = []

    func isActive(at tap: TapPoint) -> Bool { tap == .signalOut || tap == .signalIn }
    func intercept(_ context: TapContext) -> TapOutcome {
        lock.withLock {
            seen.append(context)
            return outcomes[context.kind] ?? .pass
        }
    }
}

@Suite struct TapInterceptionTests {
    let factory = SignalTestFactory()

    func send(_ hub: SignalHub, _ connection: ConnectionID, _ message: Livekit_SignalRequest.OneOf_Message) throws {
        var request = Livekit_SignalRequest()
        request.message = message
        hub.received(.binary(try request.serializedBytes()), on: connection)
    }

    @Test func heldMessagesWaitForTheirReleaseAndDelayedOnesForTheClock() throws {
        let hub = factory.hub()
        let interceptor = ScriptedInterceptor()
        interceptor.outcomes = ["update": .hold(id: 7), "pong_resp": .delay(.seconds(1))]
        hub.attachInterceptor(interceptor)
        let alice = RecordingSink(), bob = RecordingSink()
        let aliceConnection = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: alice)
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: bob)
        #expect(!alice.kinds.contains("update"))  // bob's arrival is held
        let held = try #require(interceptor.seen.first { $0.kind == "update" })
        #expect(held.about.map(\.rawValue) == ["bob"])
        hub.releaseHeld([7])
        #expect(alice.kinds.last == "update")

        var ping = Livekit_Ping()
        ping.timestamp = 5
        try send(hub, aliceConnection, .pingReq(ping))
        #expect(alice.kinds.last != "pongResp")
        factory.scheduler.advance(by: .milliseconds(999))
        #expect(alice.kinds.last != "pongResp")
        factory.scheduler.advance(by: .milliseconds(1))
        #expect(alice.kinds.last == "pongResp")
        // Logged as crossing the tap when delivered, not when decided.
        let pongs = hub.log.events().filter { $0.record.kind == "signal.out.pong_resp" }
        #expect(pongs.count == 1 && pongs[0].tMs >= 1000)
    }

    @Test func dropDuplicateAndCloseOutcomes() throws {
        let hub = factory.hub()
        let interceptor = ScriptedInterceptor()
        interceptor.outcomes = ["pong_resp": .duplicate(copies: 2), "pong": .drop, "ping_req": .close(code: 4001, reason: "scenario")]
        hub.attachInterceptor(interceptor)
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: sink)
        try send(hub, connection, .ping(1))
        #expect(!sink.kinds.contains("pong"))
        interceptor.outcomes["ping_req"] = nil
        try send(hub, connection, .pingReq(Livekit_Ping()))
        #expect(sink.kinds.filter { $0 == "pongResp" }.count == 3)
        interceptor.outcomes["ping_req"] = .close(code: 4001, reason: "scenario")
        try send(hub, connection, .pingReq(Livekit_Ping()))
        #expect(sink.closed?.code == 4001)
    }
}

@Suite struct ScenarioCommandTests {
    let factory = SignalTestFactory()

    func leaves(_ sink: RecordingSink) -> [Livekit_LeaveRequest] {
        sink.responses.compactMap { response -> Livekit_LeaveRequest? in
            if case .leave(let leave)? = response.message { return leave }
            return nil
        }
    }

    func updates(_ sink: RecordingSink) -> [Livekit_ParticipantUpdate] {
        sink.responses.compactMap { response -> Livekit_ParticipantUpdate? in
            if case .update(let update)? = response.message { return update }
            return nil
        }
    }

    @Test func anAbortOutcomeDropsTheSocketWithoutACloseFrameAndKeepsTheParticipantForItsResume() throws {
        let hub = factory.hub()
        let interceptor = ScriptedInterceptor()
        interceptor.outcomes = ["ping_req": .abort]
        hub.attachInterceptor(interceptor)
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: sink)
        var request = Livekit_SignalRequest()
        request.message = .pingReq(Livekit_Ping())
        hub.received(.binary(try request.serializedBytes()), on: connection)
        #expect(sink.aborted && sink.closed == nil)
        let kinds = hub.log.events().map(\.record.kind)
        #expect(kinds.contains("participant.signal_lost") && !kinds.contains("participant.disconnected"))
    }

    @Test func endSignalAbortsOnlyTheNamedIdentity() throws {
        let hub = factory.hub()
        let alice = RecordingSink(), bob = RecordingSink()
        _ = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: alice)
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: bob)
        hub.endSignal(connection: nil, identity: Identity("bob"), .abort)
        #expect(bob.aborted && !alice.aborted && alice.closed == nil)
        hub.endSignal(connection: nil, identity: Identity("alice"), .close(code: 4002, reason: "bye"))
        #expect(alice.closed?.code == 4002 && !alice.aborted)
    }

    @Test func leaveWithReconnectRemovesTheParticipantAndTheOthersSeeItGo() throws {
        let hub = factory.hub()
        let alice = RecordingSink(), bob = RecordingSink()
        _ = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: alice)
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: bob)
        alice.clear()
        hub.sendLeave(LeaveNotice(reason: .duplicateIdentity, action: .reconnect), connection: nil, identity: Identity("bob"))
        let leave = try #require(leaves(bob).first)
        #expect(leave.action == .reconnect && leave.reason == .duplicateIdentity && leave.canReconnect)
        #expect(bob.closed != nil)
        let update = try #require(updates(alice).last)
        #expect(update.participants.first { $0.identity == "bob" }?.state == .disconnected)
        #expect(hub.log.events().contains { $0.record.kind == "participant.disconnected" && $0.record.identity == Identity("bob") })
    }

    @Test func leaveWithResumeClosesTheSignalButKeepsTheParticipant() throws {
        let hub = factory.hub()
        let bob = RecordingSink()
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: bob)
        hub.sendLeave(LeaveNotice(reason: .signalClose, action: .resume), connection: nil, identity: nil)
        let leave = try #require(leaves(bob).first)
        #expect(leave.action == .resume && leave.reason == .signalClose)
        #expect(bob.closed != nil)
        let kinds = hub.log.events().map(\.record.kind)
        #expect(kinds.contains("participant.leave_sent") && kinds.contains("participant.signal_lost") && !kinds.contains("participant.disconnected"))
    }

    @Test func simulateRunsTheCaseAsIfTheClientHadAsked() throws {
        let hub = factory.hub()
        let alice = RecordingSink(), bob = RecordingSink()
        _ = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: alice)
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: bob)
        hub.simulate(.serverLeave, connection: nil, identity: Identity("alice"))
        let leave = try #require(leaves(alice).first)
        #expect(leave.reason == .serverShutdown && leave.action == .disconnect)
        #expect(leaves(bob).isEmpty)
        #expect(hub.log.events().contains { $0.record.kind == "participant.simulate" && $0.record.identity == Identity("alice") })
    }
}
