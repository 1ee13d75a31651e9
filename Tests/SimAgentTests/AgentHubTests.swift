import Foundation
import SimAgent
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import SwiftProtobuf
import Testing

/// The shell: frames in (binary and protojson), bad frames closed with the right code, the registration timer,
/// and dispatch driven by a real signal hub's rooms.
struct AgentHubTests {
    let factory = SignalTestFactory()

    func makeHub() -> AgentHub {
        AgentHub(engine: AgentDispatcher(configuration: AgentConfiguration(keys: factory.keys), seed: 3), clock: factory.clock,
                 log: EventLog(clock: factory.clock), scheduler: factory.scheduler)
    }

    static func frame(_ build: (inout Livekit_WorkerMessage) -> Void) throws -> SignalFrame {
        var message = Livekit_WorkerMessage()
        build(&message)
        return .binary(try message.serializedBytes())
    }

    static func serverMessages(_ sink: RecordingSink) throws -> [Livekit_ServerMessage] {
        try sink.written.map { frame in
            guard case .binary(let bytes) = frame else { throw CancellationError() }
            return try Livekit_ServerMessage(serializedBytes: bytes)
        }
    }

    @Test func binaryAndJSONRegistrationsAreAnsweredWithRegisterFirst() throws {
        let hub = makeHub()
        let binary = RecordingSink()
        let worker = hub.open(apiKey: DevCredentials.apiKey, sink: binary)
        hub.received(try Self.frame { $0.register.agentName = "a" }, on: worker)
        let json = RecordingSink()
        let other = hub.open(apiKey: DevCredentials.apiKey, sink: json)
        hub.received(.text(#"{"register": {"agentName": "b", "type": "JT_ROOM"}}"#), on: other)
        for sink in [binary, json] {
            let messages = try Self.serverMessages(sink)
            #expect(messages.count == 1 && messages[0].register.workerID.hasPrefix("AW_"))
        }
        #expect(hub.inspect { $0.workers.values.map(\.agentName).sorted() } == ["a", "b"])
        #expect(hub.log.events().map(\.record.kind).filter { $0.hasPrefix("agent.") } == [
            "agent.open", "agent.in.register", "agent.out.register", "agent.worker_registered",
            "agent.open", "agent.in.register", "agent.out.register", "agent.worker_registered",
        ])
    }

    @Test func malformedOrOversizedFramesCloseTheSocketAndOthersCarryOn() throws {
        let hub = makeHub()
        let garbage = RecordingSink()
        let bad = hub.open(apiKey: DevCredentials.apiKey, sink: garbage)
        hub.received(.binary([0xFF, 0xFF, 0xFF]), on: bad)
        #expect(garbage.closed?.code == 1007)
        let big = RecordingSink()
        let large = hub.open(apiKey: DevCredentials.apiKey, sink: big)
        hub.received(.binary([UInt8](repeating: 0, count: 2 * 1024 * 1024 + 1)), on: large)
        #expect(big.closed?.code == 1009)
        let good = RecordingSink()
        let fine = hub.open(apiKey: DevCredentials.apiKey, sink: good)
        hub.received(try Self.frame { $0.register.agentName = "" }, on: fine)
        #expect(try Self.serverMessages(good).count == 1 && good.closed == nil)
        #expect(hub.connectionCount == 1)
    }

    @Test func aWorkerThatNeverRegistersIsClosedAfterTenSeconds() {
        let hub = makeHub()
        let sink = RecordingSink()
        _ = hub.open(apiKey: DevCredentials.apiKey, sink: sink)
        factory.scheduler.advance(by: .seconds(9))
        #expect(sink.closed == nil)
        factory.scheduler.advance(by: .seconds(1))
        #expect(sink.closed?.code == 1008)
    }

    @Test func aRoomCreatedByAJoinIsDispatchedToTheTokensNamedAgent() throws {
        let signal = factory.hub()
        let hub = makeHub()
        hub.follow(signal)
        let sink = RecordingSink()
        let worker = hub.open(apiKey: DevCredentials.apiKey, sink: sink)
        hub.received(try Self.frame { $0.register.agentName = "helper" }, on: worker)
        var claims = AccessTokenClaims(iss: DevCredentials.apiKey, sub: "user", nbf: 1_799_999_000, exp: 1_800_003_600,
                                       video: VideoGrant.join("r9"))
        claims.roomConfig = .object(["agents": .array([.object(["agentName": .string("helper"), "metadata": .string("md")])])])
        let token = TokenMinter.mint(claims: claims, apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        let plan = try signal.validate(ConnectRequest(path: .rtc, query: ["access_token": token], authorization: nil)).get()
        #expect(plan.join.roomAgents == [RoomAgentRequest(agentName: "helper", metadata: "md")])
        signal.open(plan, sink: RecordingSink())
        let offer = try #require(try Self.serverMessages(sink).last).availability
        #expect(offer.job.room.name == "r9" && offer.job.agentName == "helper" && offer.job.metadata == "md" && offer.job.room.sid.hasPrefix("RM_"))
    }
}
