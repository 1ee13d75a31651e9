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
            if active.contains(name) {
                hub.transportConnected(sid, target: .publisher)
                hub.dataChannelOpened(.reliable, participant: sid)
            }
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
        hub.dataReceived(try userPacket("hi", topic: "chat"), on: .reliable, participant: sids.alice)
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
        hub.dataReceived(try userPacket("psst", to: ["carol"]), on: .reliable, participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.carol])
        guard case .user(let user)? = try decoded(try #require(media.delivered.first?.packet)).value else { Issue.record("no user"); return }
        #expect(user.destinationIdentities == ["carol"])
    }

    @Test func aRepeatedReliableSequenceIsDropped() throws {
        let (hub, media, sids) = try room()
        let alice = sids.alice
        hub.dataReceived(try userPacket("one", sequence: 5), on: .reliable, participant: alice)
        hub.dataReceived(try userPacket("again", sequence: 5), on: .reliable, participant: alice)
        hub.dataReceived(try userPacket("older", sequence: 4), on: .reliable, participant: alice)
        hub.dataReceived(try userPacket("two", sequence: 6), on: .reliable, participant: alice)
        #expect(media.delivered.count == 4)  // "one" and "two", to bob and carol
        #expect(hub.log.events().filter { $0.record.kind == "data.dropped" }.count == 2)
    }

    @Test func aRepeatedNonceIsDroppedOnceSeenInTheRoom() throws {
        let (hub, media, sids) = try room()
        let nonce = Data((0..<16).map { UInt8($0) })
        hub.dataReceived(try userPacket("a", nonce: nonce), on: .lossy, participant: sids.alice)
        hub.dataReceived(try userPacket("b", nonce: nonce), on: .lossy, participant: sids.bob)
        #expect(media.delivered.count == 2 && media.delivered.allSatisfy { !$0.reliable })
    }

    @Test func lossyPacketsReachOnlyActiveParticipants() throws {
        let (hub, media, sids) = try room(active: ["alice", "bob"])
        hub.dataReceived(try userPacket("fast"), on: .lossy, participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.bob])
        // A reliable one reaches carol too, once she can be written to (her `_reliable` channel opens).
        hub.dataReceived(try userPacket("sure"), on: .reliable, participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.bob, sids.bob])
        hub.dataChannelOpened(.reliable, participant: sids.carol)
        #expect(media.delivered.map(\.participant) == [sids.bob, sids.bob, sids.carol])
    }

    /// A participant still joining (its `_reliable` channel not yet open) gets, once it opens, the sequenced packets
    /// it missed that are under 2 s old, in order and never twice, and the server's own unsequenced ones (≤ 100 kB).
    @Test func aJoinerGetsWhatItMissedInTheLastTwoSecondsOnceItsChannelOpens() throws {
        let (hub, media, sids) = try room(active: ["alice", "bob"])
        hub.dataReceived(try userPacket("old", sequence: 1), on: .reliable, participant: sids.alice)
        factory.clock.advance(by: .milliseconds(2_500))
        hub.dataReceived(try userPacket("recent", sequence: 2), on: .reliable, participant: sids.alice)
        hub.dataReceived(try userPacket("for bob only", to: ["bob"], sequence: 3), on: .reliable, participant: sids.alice)
        hub.dataReceived(try userPacket("latest", sequence: 4), on: .reliable, participant: sids.alice)
        hub.deliverData(Array(repeating: 7, count: 60_000), reliable: true, to: [sids.carol])
        hub.deliverData(Array(repeating: 8, count: 60_000), reliable: true, to: [sids.carol])   // over 100 kB: dropped
        #expect(!media.delivered.contains { $0.participant == sids.carol })
        // "old" was missed too but is 2.5 s old: out of the cache window. "recent" and "latest" replay; not bob's.
        hub.dataChannelOpened(.reliable, participant: sids.carol)
        let toCarol = media.delivered.filter { $0.participant == sids.carol }
        let payloads = try toCarol.dropLast().map { packet -> String in
            guard case .user(let user)? = try decoded(packet.packet).value else { return "?" }
            return String(decoding: user.payload, as: UTF8.self)
        }
        #expect(payloads == ["recent", "latest"])
        #expect(toCarol.last?.packet.first == 7 && toCarol.last?.packet.count == 60_000)
        // A later live packet is written once; a resent old sequence is not written again.
        hub.dataReceived(try userPacket("live", sequence: 5), on: .reliable, participant: sids.alice)
        #expect(media.delivered.filter { $0.participant == sids.carol }.count == 4)
        #expect(hub.log.events().contains { $0.record.kind == "data.replayed" && $0.record.detail["replayed"] == 2 })
        #expect(hub.log.events().contains { $0.record.kind == "data.dropped" && $0.record.participant == sids.carol })
    }

    @Test func aSenderWithoutCanPublishDataIsDroppedAndLogged() throws {
        let (hub, media, sids) = try room(carolGrant: { $0.canPublishData = false })
        hub.dataReceived(try userPacket("nope"), on: .reliable, participant: sids.carol)
        #expect(media.delivered.isEmpty)
        let drop = try #require(hub.log.events().first { $0.record.kind == "data.dropped" })
        #expect(drop.record.detail["why"] == "the sender has no canPublishData grant")
    }

    @Test func garbageIsDroppedAndUnknownPayloadsAreForwardedUntouched() throws {
        let (hub, media, sids) = try room()
        let alice = sids.alice
        hub.dataReceived([0xFF, 0xFF, 0xFF], on: .reliable, participant: alice)
        #expect(media.delivered.isEmpty && hub.log.events().contains { $0.record.kind == "data.dropped" })
        // A sip_dtmf (field 6) this schema does not model: a length-delimited field with opaque content.
        let dtmf: [UInt8] = [6 << 3 | 2, 4, 0x18, 0x05, 0x22, 0x00]
        hub.dataReceived(dtmf, on: .reliable, participant: alice)
        let forwarded = try #require(media.delivered.first?.packet)
        let packet = try decoded(forwarded)
        #expect(packet.participantIdentity == "alice" && packet.value == nil)
        #expect(forwarded.count > dtmf.count)  // stamped, and the unknown field kept
        #expect(Array(packet.unknownFields.data) == dtmf)
    }

    @Test func kindsAreNamedByTheirOneofModelledOrNot() throws {
        let hub = factory.hub()
        func kind(_ bytes: [UInt8]) -> String { hub.inspect { $0.dataDescription(of: bytes, on: .reliable).kind } }
        #expect(kind(try userPacket("x")) == "user")
        #expect(kind([14 << 3 | 2, 2, 0x0A, 0x00]) == "stream_chunk")
        #expect(kind([9 << 3 | 2, 0]) == "chat_message")
        var ack = Livekit_DataPacket()
        ack.value = .rpcAck(Livekit_RpcAck())
        #expect(kind(try ack.serializedBytes()) == "rpc_ack")
        #expect(kind([6 << 3 | 2, 0]) == "sip_dtmf")
        #expect(kind([8 << 3 | 2, 0]) == "metrics")
        #expect(kind([0xFF, 0xFF]) == "other")
        #expect(hub.inspect { $0.dataDescription(of: [1, 2, 3], on: .dataTrack).kind } == "data_track")
    }

    /// A hub with alice (an agent when `aliceIsAgent`), bob and carol in r1, all ACTIVE.
    func roomWithAgent(_ aliceIsAgent: Bool) throws -> (SignalHub, FakeMedia, Room) {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        var sids: [String] = []
        for name in ["alice", "bob", "carol"] {
            var request = try factory.v1Request(name)
            if name == "alice", aliceIsAgent { request.authorization = "Bearer \(factory.token(name, kind: "agent"))" }
            let connection = hub.open(try hub.validate(request).get(), sink: RecordingSink())
            let sid = try #require(hub.inspect { $0.participant(of: connection) })
            hub.transportConnected(sid, target: .publisher)
            hub.dataChannelOpened(.reliable, participant: sid)
            sids.append(sid.rawValue)
        }
        return (hub, media, Room(alice: ParticipantSID(sids[0]), bob: ParticipantSID(sids[1]), carol: ParticipantSID(sids[2])))
    }

    @Test func transcriptionsAreForwardedOnlyFromAgents() throws {
        var packet = Livekit_DataPacket()
        var transcription = Livekit_Transcription()
        transcription.transcribedParticipantIdentity = "bob"
        var segment = Livekit_TranscriptionSegment()
        segment.text = "hello"
        segment.final = true
        transcription.segments = [segment]
        packet.value = .transcription(transcription)
        let bytes: [UInt8] = try packet.serializedBytes()
        let (hub, media, sids) = try roomWithAgent(false)
        hub.dataReceived(bytes, on: .reliable, participant: sids.alice)
        #expect(media.delivered.isEmpty)
        #expect(hub.log.events().contains { $0.record.kind == "data.dropped" && $0.record.detail["why"] == "transcriptions are forwarded only from agents" })
        let (agentHub, agentMedia, agentSIDs) = try roomWithAgent(true)
        agentHub.dataReceived(bytes, on: .reliable, participant: agentSIDs.alice)
        #expect(Set(agentMedia.delivered.map(\.participant)) == [agentSIDs.bob, agentSIDs.carol])
        guard case .transcription(let forwarded)? = try decoded(try #require(agentMedia.delivered.first?.packet)).value else {
            Issue.record("no transcription"); return
        }
        #expect(forwarded.segments.map(\.text) == ["hello"])
    }

    @Test func metricsAreNeverForwardedAsData() throws {
        let (hub, media, sids) = try roomWithAgent(true)
        hub.dataReceived([8 << 3 | 2, 2, 0x08, 0x01], on: .reliable, participant: sids.alice)
        #expect(media.delivered.isEmpty)
        #expect(hub.log.events().contains { $0.record.kind == "data.dropped" && $0.record.detail["why"] == "metrics are not forwarded as data" })
    }

    /// An agent publishing on behalf of the participant it transcribes keeps that identity and marks the message
    /// generated; anyone else is stamped with its own identity.
    @Test func anAgentsChatAndTextStreamsOnBehalfOfAnotherKeepThatIdentityAndAreMarkedGenerated() throws {
        var chat = Livekit_DataPacket()
        chat.participantIdentity = "bob"
        var message = Livekit_ChatMessage()
        message.message = "said by bob"
        chat.value = .chatMessage(message)
        var stream = Livekit_DataPacket()
        stream.participantIdentity = "bob"
        var header = Livekit_DataStream.Header()
        header.streamID = "s1"
        header.topic = "lk.transcription"
        header.contentHeader = .textHeader(Livekit_DataStream.TextHeader())
        stream.value = .streamHeader(header)
        for agent in [true, false] {
            let (hub, media, sids) = try roomWithAgent(agent)
            hub.dataReceived(try chat.serializedBytes(), on: .reliable, participant: sids.alice)
            hub.dataReceived(try stream.serializedBytes(), on: .reliable, participant: sids.alice)
            let toCarol = try media.delivered.filter { $0.participant == sids.carol }.map { try decoded($0.packet) }
            #expect(toCarol.count == 2)
            #expect(toCarol.allSatisfy { $0.participantIdentity == (agent ? "bob" : "alice") })
            guard case .chatMessage(let forwarded)? = toCarol.first?.value, case .streamHeader(let streamed)? = toCarol.last?.value,
                  case .textHeader(let text)? = streamed.contentHeader else { Issue.record("payloads changed"); return }
            #expect(forwarded.generated == agent && text.generated == agent)
        }
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
        hub.dataReceived(try ack.serializedBytes(), on: .reliable, participant: sids.alice)
        #expect(media.delivered.map(\.participant) == [sids.carol])
        let outbound = taps.seen.filter { $0.tap == .dataOut }
        #expect(Set(outbound.compactMap(\.identity)) == ["bob", "carol"] && outbound.allSatisfy { $0.kind == "rpc_ack" })
        let inbound = try #require(taps.seen.first { $0.tap == .dataIn })
        #expect(inbound.identity == "alice" && inbound.kind == "rpc_ack" && inbound.direction == .inbound)

        hub.dataReceived(try userPacket("held"), on: .reliable, participant: sids.carol)
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

    /// A resumed participant learns the last reliable sequence the server took from it, so its SDK resends only what
    /// came after (data keeps flowing across a signal resume).
    @Test func aResumeReportsTheLastReliableSequence() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let connection = hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: RecordingSink())
        let bob = hub.open(try hub.validate(factory.v0Request("bob")).get(), sink: RecordingSink())
        let alice = try #require(hub.inspect { $0.participant(of: connection) })
        hub.dataChannelOpened(.reliable, participant: try #require(hub.inspect { $0.participant(of: bob) }))
        hub.dataReceived(try userPacket("a", sequence: 41), on: .reliable, participant: alice)
        hub.dataReceived(try userPacket("b", sequence: 42), on: .reliable, participant: alice)
        hub.closed(connection)
        let resumed = RecordingSink()
        hub.open(try hub.validate(factory.v0Request("alice", extra: ["reconnect": "1", "sid": alice.rawValue])).get(), sink: resumed)
        guard case .reconnect(let reconnect)? = resumed.responses.first?.message else { Issue.record("no reconnect"); return }
        #expect(reconnect.lastMessageSeq == 42)
        // After the resume, a resent older packet is still dropped and a newer one goes through.
        hub.dataReceived(try userPacket("b again", sequence: 42), on: .reliable, participant: alice)
        hub.dataReceived(try userPacket("c", sequence: 43), on: .reliable, participant: alice)
        #expect(media.delivered.count == 3)
    }
}
