import Foundation
import SimCore
import SimAuth
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import SwiftProtobuf
import Testing

/// DataPackets from data channels, forwarded by the engine with LiveKit's rules (one test per rule).
@Suite struct DataPlaneTests {
    let factory = SignalTestFactory()

    /// A hub with alice, bob and carol in r1 (all ACTIVE unless `active` says otherwise) and a recording media layer.
    func room(active: Set<String> = ["alice", "bob", "carol"], carolGrant: @escaping (inout VideoGrant) -> Void = { _ in }) throws -> (SignalHub, FakeMedia, Room) {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        var sids: [String: ParticipantSID] = [:]
        for name in ["alice", "bob", "carol"] {
            var request = try factory.v1Request(name)
            if name == "carol" { request.authorization = "Bearer \(factory.token(name, grant: carolGrant))" }
            let connection = hub.open(try hub.validate(request).get(), sink: RecordingSink())
            let sid = try #require(hub.inspect { $0.participant(of: connection) })
            sids[name] = sid
            if active.contains(name) { hub.transportConnected(sid, target: .publisher) }
        }
        return (hub, media, Room(alice: try #require(sids["alice"]), bob: try #require(sids["bob"]), carol: try #require(sids["carol"])))
    }

    /// The three participants' SIDs.
    struct Room {
        var alice: ParticipantSID
        var bob: ParticipantSID
        var carol: ParticipantSID
    }

    func userPacket(_ payload: String, topic: String? = nil, to destinations: [String] = [], sequence: UInt32 = 0, nonce: Data = Data()) throws -> [UInt8] {
        var user = Livekit_UserPacket()
        user.payload = Data(payload.utf8)
        if let topic { user.topic = topic }
        user.nonce = nonce
        var packet = Livekit_DataPacket()
        packet.destinationIdentities = destinations
        packet.sequence = sequence
        packet.participantIdentity = "someone-else"  // a client may not speak for others
        packet.value = .user(user)
        return try packet.serializedBytes()
    }

    func decoded(_ bytes: [UInt8]) throws -> Livekit_DataPacket { try Livekit_DataPacket(serializedBytes: bytes) }

    @Test func aReliablePacketReachesEveryoneElseStampedWithItsSender() throws {
        let (hub, media, sids) = try room()
        hub.dataReceived(try userPacket("hi", topic: "chat"), label: "_reliable", participant: sids.alice)
        #expect(Set(media.delivered.map(\.participant)) == [sids.bob, sids.carol])
        let packet = try decoded(try #require(media.delivered.first?.packet))
        #expect(packet.participantIdentity == "alice" && packet.participantSid == sids.alice.rawValue && packet.kind == .reliable)
        guard case .user(let user)? = packet.value else { Issue.record("no user packet"); return }
        #expect(user.payload == Data("hi".utf8) && user.topic == "chat" && user.participantIdentity == "alice")
        #expect(media.delivered.allSatisfy { $0.reliable })
        #expect(hub.log.events().contains { $0.record.kind == "data.received" && $0.record.detail["kind"] == "user" })
    }

    @Test func destinationsLimitTheRecipientsAndAreSyncedIntoTheUserPacket() throws {
        let (hub, media, sids) = try room()
        hub.dataReceived(try userPacket("psst", to: ["carol"]), label: "_reliable", participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.carol])
        guard case .user(let user)? = try decoded(try #require(media.delivered.first?.packet)).value else { Issue.record("no user"); return }
        #expect(user.destinationIdentities == ["carol"])
    }

    @Test func aRepeatedReliableSequenceIsDropped() throws {
        let (hub, media, sids) = try room()
        let alice = sids.alice
        hub.dataReceived(try userPacket("one", sequence: 5), label: "_reliable", participant: alice)
        hub.dataReceived(try userPacket("again", sequence: 5), label: "_reliable", participant: alice)
        hub.dataReceived(try userPacket("older", sequence: 4), label: "_reliable", participant: alice)
        hub.dataReceived(try userPacket("two", sequence: 6), label: "_reliable", participant: alice)
        #expect(media.delivered.count == 4)  // "one" and "two", to bob and carol
        #expect(hub.log.events().filter { $0.record.kind == "data.dropped" }.count == 2)
    }

    @Test func aRepeatedNonceIsDroppedOnceSeenInTheRoom() throws {
        let (hub, media, sids) = try room()
        let nonce = Data((0..<16).map { UInt8($0) })
        hub.dataReceived(try userPacket("a", nonce: nonce), label: "_lossy", participant: sids.alice)
        hub.dataReceived(try userPacket("b", nonce: nonce), label: "_lossy", participant: sids.bob)
        #expect(media.delivered.count == 2 && media.delivered.allSatisfy { !$0.reliable })
    }

    @Test func lossyPacketsReachOnlyActiveParticipants() throws {
        let (hub, media, sids) = try room(active: ["alice", "bob"])
        hub.dataReceived(try userPacket("fast"), label: "_lossy", participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.bob])
        hub.dataReceived(try userPacket("sure"), label: "_reliable", participant: sids.alice)
        #expect(Set(media.delivered.suffix(2).map(\.participant)) == [sids.bob, sids.carol])
    }

    @Test func aSenderWithoutCanPublishDataIsDroppedAndLogged() throws {
        let (hub, media, sids) = try room(carolGrant: { $0.canPublishData = false })
        hub.dataReceived(try userPacket("nope"), label: "_reliable", participant: sids.carol)
        #expect(media.delivered.isEmpty)
        let drop = try #require(hub.log.events().first { $0.record.kind == "data.dropped" })
        #expect(drop.record.detail["why"] == "the sender has no canPublishData grant")
    }

    @Test func garbageIsDroppedAndUnknownPayloadsAreForwardedUntouched() throws {
        let (hub, media, sids) = try room()
        let alice = sids.alice
        hub.dataReceived([0xFF, 0xFF, 0xFF], label: "_reliable", participant: alice)
        #expect(media.delivered.isEmpty && hub.log.events().contains { $0.record.kind == "data.dropped" })
        // A stream_header (field 13) this schema does not model: a length-delimited field with opaque content.
        let streamHeader: [UInt8] = [13 << 3 | 2, 4, 0x0A, 0x02, 0x73, 0x31]
        hub.dataReceived(streamHeader, label: "_reliable", participant: alice)
        let forwarded = try #require(media.delivered.first?.packet)
        let packet = try decoded(forwarded)
        #expect(packet.participantIdentity == "alice" && packet.value == nil)
        #expect(forwarded.count > streamHeader.count)  // stamped, and the unknown field kept
        #expect(Array(packet.unknownFields.data) == streamHeader)
    }

    @Test func kindsAreNamedByTheirOneofModelledOrNot() throws {
        #expect(SignalServerStateMachine.dataKind(of: try userPacket("x")) == "user")
        #expect(SignalServerStateMachine.dataKind(of: [14 << 3 | 2, 2, 0x0A, 0x00]) == "stream_chunk")
        #expect(SignalServerStateMachine.dataKind(of: [9 << 3 | 2, 0]) == "chat_message")
        var ack = Livekit_DataPacket()
        ack.value = .rpcAck(Livekit_RpcAck())
        #expect(SignalServerStateMachine.dataKind(of: try ack.serializedBytes()) == "rpc_ack")
        #expect(SignalServerStateMachine.dataKind(of: [0xFF, 0xFF]) == "other")
    }

    @Test func theDataTapsSeeEachPacketAndApplyTheScenariosVerdicts() throws {
        let (hub, media, sids) = try room()
        // data.out: bob's copies of rpc_ack are dropped; data.in: carol's packets are held until released.
        let taps = RuleInterceptor(taps: [.dataIn, .dataOut]) { context in
            if context.tap == .dataOut, context.kind == "rpc_ack", context.identity == "bob" { return .drop }
            if context.tap == .dataIn, context.identity == "carol" { return .hold(id: 77) }
            return .pass
        }
        hub.attachInterceptor(taps)
        var ack = Livekit_DataPacket()
        ack.value = .rpcAck(Livekit_RpcAck())
        hub.dataReceived(try ack.serializedBytes(), label: "_reliable", participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.carol])
        let outbound = taps.seen.filter { $0.tap == .dataOut }
        #expect(Set(outbound.compactMap(\.identity)) == ["bob", "carol"] && outbound.allSatisfy { $0.kind == "rpc_ack" })
        let inbound = try #require(taps.seen.first { $0.tap == .dataIn })
        #expect(inbound.identity == "alice" && inbound.kind == "rpc_ack" && inbound.direction == .inbound)

        hub.dataReceived(try userPacket("held"), label: "_reliable", participant: sids.carol)
        #expect(media.delivered.count == 1)
        hub.releaseHeld([77])
        #expect(media.delivered.count == 3 && Set(media.delivered.suffix(2).map(\.participant)) == [sids.alice, sids.bob])
    }

    /// Peers pick RPC v2 and compressed single-packet streams from each other's client protocol and capabilities,
    /// so both are echoed in ParticipantInfo, from a v1 JoinRequest and from the v0 query alike.
    @Test func clientProtocolAndCapabilitiesAreEchoedToPeers() throws {
        let hub = factory.hub()
        var join = Livekit_JoinRequest()
        join.clientInfo.protocol = 16
        join.clientInfo.clientProtocol = 2
        join.clientInfo.capabilities = [.capPacketTrailer, .capCompressionDeflateRaw]
        join.connectionSettings.autoSubscribe = true
        let alice = ConnectRequest(path: .rtcV1, query: ["join_request": try JoinRequestParameter.encode(join)],
                                   authorization: "Bearer \(factory.token("alice"))")
        hub.open(try hub.validate(alice).get(), sink: RecordingSink())
        let bob = factory.v0Request("bob", extra: ["client_protocol": "1", "capabilities": "CAP_PACKET_TRAILER,CAP_NONSENSE"])
        let bobSink = RecordingSink()
        hub.open(try hub.validate(bob).get(), sink: bobSink)
        guard case .join(let response)? = bobSink.responses.first?.message else { Issue.record("no join"); return }
        let seen = try #require(response.otherParticipants.first { $0.identity == "alice" })
        #expect(seen.clientProtocol == 2 && seen.capabilities == [.capPacketTrailer, .capCompressionDeflateRaw])
        #expect(response.participant.clientProtocol == 1 && response.participant.capabilities == [.capPacketTrailer])
    }

    /// Data tracks are not modelled: a publish request is refused at once (never left to the client's timeout).
    @Test func aDataTrackRequestIsRefusedAtOnce() throws {
        let hub = factory.hub()
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(try factory.v1Request("alice")).get(), sink: sink)
        var publish = Livekit_PublishDataTrackRequest()
        publish.pubHandle = 7
        publish.name = "telemetry"
        var request = Livekit_SignalRequest()
        request.message = .publishDataTrackRequest(publish)
        hub.received(.binary(try request.serializedBytes()), on: connection)
        guard case .requestResponse(let answer)? = sink.responses.last?.message else { Issue.record("no request_response"); return }
        #expect(answer.reason == .unsupportedType && answer.request == .publishDataTrack(publish))
        #expect(hub.log.events().contains { $0.record.kind == "data_track.refused" && $0.record.detail["name"] == "telemetry" })
    }

    /// A resumed participant learns the last reliable sequence the server took from it, so its SDK resends only what
    /// came after (data keeps flowing across a signal resume).
    @Test func aResumeReportsTheLastReliableSequence() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let connection = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: RecordingSink())
        _ = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: RecordingSink())
        let alice = try #require(hub.inspect { $0.participant(of: connection) })
        hub.dataReceived(try userPacket("a", sequence: 41), label: "_reliable", participant: alice)
        hub.dataReceived(try userPacket("b", sequence: 42), label: "_reliable", participant: alice)
        hub.closed(connection)
        let resumed = RecordingSink()
        hub.open(try hub.validate(factory.v0Request("alice", extra: ["reconnect": "1", "sid": alice.rawValue])).get(), sink: resumed)
        guard case .reconnect(let reconnect)? = resumed.responses.first?.message else { Issue.record("no reconnect"); return }
        #expect(reconnect.lastMessageSeq == 42)
        // After the resume, a resent older packet is still dropped and a newer one goes through.
        hub.dataReceived(try userPacket("b again", sequence: 42), label: "_reliable", participant: alice)
        hub.dataReceived(try userPacket("c", sequence: 43), label: "_reliable", participant: alice)
        #expect(media.delivered.count == 3)
    }
}
