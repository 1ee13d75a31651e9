import Foundation
import SimCore
import SimProto
import SimRoom
import SimSDP
import SimSignal
import SimTestKit
import Testing

/// Dual-PC (`/rtc`) subscriber PeerConnections: server offers, answers, section reuse, serialized renegotiation,
/// and the ICE restart after a resume; plus the single-PC ICE restart on a client re-offer.
@Suite struct DualPCTests {
    let factory = SignalTestFactory()

    /// What a browser answers to one of our offers: same sections, `recvonly` where we send, `a=setup:active`.
    static func answer(to offerSDP: String, ufrag: String = "cliU") throws -> String {
        let offer = try SDPParser.parse(offerSDP)
        var lines = ["v=0", "o=- 42 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE " + offer.media.compactMap { $0.mid?.rawValue }.joined(separator: " "), "a=msid-semantic: WMS"]
        for section in offer.media {
            lines.append("m=\(section.kind.token) 9 UDP/TLS/RTP/SAVPF \(section.formats.joined(separator: " "))")
            lines += ["c=IN IP4 0.0.0.0", "a=ice-ufrag:\(ufrag)", "a=ice-pwd:clientpasswordclientpass",
                      "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
                      "a=setup:active", "a=mid:\(section.mid?.rawValue ?? "")", section.direction == .sendonly ? "a=recvonly" : "a=inactive", "a=rtcp-mux"]
            lines += section.extMaps.map { "a=extmap:\($0.id) \($0.uri)" }
            lines += section.rtpMaps.map { "a=rtpmap:\($0.payloadType.value) \($0.encodingName)/\($0.clockRate)" + ($0.channels.map { "/\($0)" } ?? "") }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    struct Client {
        let connection: ConnectionID
        let sink: RecordingSink
        let participant: ParticipantSID
    }

    func join(_ hub: SignalHub, _ identity: String, extra: [String: String] = [:]) throws -> Client {
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request(identity, extra: extra)).get(), sink: sink)
        let participant = try #require(hub.inspect { $0.participant(of: connection) })
        return Client(connection: connection, sink: sink, participant: participant)
    }

    func send(_ hub: SignalHub, _ client: Client, _ message: Livekit_SignalRequest.OneOf_Message) throws {
        var request = Livekit_SignalRequest()
        request.message = message
        hub.received(.binary(try request.serializedBytes()), on: client.connection)
    }

    func offers(_ client: Client) -> [Livekit_SessionDescription] {
        client.sink.responses.compactMap { if case .offer(let offer)? = $0.message { offer } else { nil } }
    }

    /// Answers the client's latest server offer (id echoed unless `id` says otherwise).
    func answerLatest(_ hub: SignalHub, _ client: Client, id: UInt32? = nil, ufrag: String = "cliU") throws {
        let offer = try #require(offers(client).last)
        var answer = Livekit_SessionDescription()
        answer.type = "answer"
        answer.sdp = try Self.answer(to: offer.sdp, ufrag: ufrag)
        answer.id = id ?? offer.id
        try send(hub, client, .answer(answer))
    }

    /// alice publishes a VP8 track; bob (dual-PC, ACTIVE) is auto-subscribed.
    func publishVideo(_ hub: SignalHub, _ alice: Client, extensions: [String] = []) throws -> TrackSID {
        for message in TestOffers.videoPublication(cid: "cam", extmaps: extensions) { try send(hub, alice, message) }
        let published = alice.sink.responses.compactMap { if case .trackPublished(let p)? = $0.message { p } else { nil } }
        return TrackSID(try #require(published.first).track.sid)
    }

    @Test func subscriberOffersCarryTracksReuseReleasedSectionsAndWaitForAnswers() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let alice = try join(hub, "alice")
        let bob = try join(hub, "bob")
        #expect(media.calls.contains("opened \(bob.connection) subscriber"))
        // The first offer: the data-channel section, so ICE, DTLS and the server's channels start before any
        // subscription.
        let firstOffer = try #require(offers(bob).first)
        let first = try SDPParser.parse(firstOffer.sdp)
        #expect(first.media.map(\.kind) == [.application] && first.media.first?.sctpPort == 5000)
        try answerLatest(hub, bob)
        #expect(media.calls.contains("remote subscriber"))
        #expect(media.remote?.weAreDTLSClient == false)  // the client answered active: we are the DTLS server
        try answerLatest(hub, alice)
        hub.transportConnected(alice.participant, target: .subscriber)
        hub.transportConnected(bob.participant, target: .publisher)  // not bob's primary PC: bob stays JOINED
        #expect(hub.inspect { $0.rooms.participants[bob.participant]?.state } == .joined)
        hub.transportConnected(bob.participant, target: .subscriber)
        #expect(hub.inspect { $0.rooms.participants[bob.participant]?.state } == .active)

        let track = try publishVideo(hub, alice)
        let withTrack = try #require(offers(bob).last)
        let parsed = try SDPParser.parse(withTrack.sdp)
        #expect(parsed.media.map(\.kind) == [.application, .video] && parsed.media.last?.direction == .sendonly)
        #expect(withTrack.midToTrackID == ["1": track.rawValue])
        #expect(withTrack.sdp.contains("a=msid:\(alice.participant.rawValue)|\(track.rawValue) \(track.rawValue)"))
        #expect(!media.calls.contains("downtrack subscriber \(track)"))  // not before the answer
        try answerLatest(hub, bob, id: 0)  // the Rust SDK answers with id 0
        #expect(media.calls.last == "downtrack subscriber \(track)")

        // Unsubscribe: the section goes inactive; while that offer is unanswered, re-subscribing waits.
        var update = Livekit_UpdateSubscription()
        update.trackSids = [track.rawValue]
        update.subscribe = false
        try send(hub, bob, .subscription(update))
        #expect(media.calls.last == "removed subscriber \(track)")
        let released = try #require(offers(bob).last)
        #expect(try SDPParser.parse(released.sdp).media.last?.direction == .inactive)
        let count = offers(bob).count
        update.subscribe = true
        try send(hub, bob, .subscription(update))
        #expect(offers(bob).count == count)  // serialized: one offer at a time

        // An answer naming another offer is refused; the real one releases the waiting offer, which reuses mid 1.
        try answerLatest(hub, bob, id: 9999)
        #expect(hub.log.events().contains { $0.record.kind == "signal.in.dropped" })
        #expect(offers(bob).count == count)
        try answerLatest(hub, bob)
        let reused = try #require(offers(bob).last)
        #expect(offers(bob).count == count + 1)
        #expect(try SDPParser.parse(reused.sdp).media.map(\.kind) == [.application, .video])
        #expect(try SDPParser.parse(reused.sdp).media.last?.direction == .sendonly)
        #expect(reused.midToTrackID == ["1": track.rawValue])
    }

    @Test func endToEndHeaderExtensionsAreOfferedAndMappedPerSubscriberTransportOnesNot() throws {
        let hub = factory.hub()
        hub.attachMedia(FakeMedia())
        let alice = try join(hub, "alice")
        let bob = try join(hub, "bob")
        try answerLatest(hub, bob)
        hub.transportConnected(bob.participant, target: .subscriber)
        _ = try publishVideo(hub, alice, extensions: [
            "13 urn:3gpp:video-orientation", "3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        ])
        let offer = try #require(offers(bob).last)
        #expect(offer.sdp.contains("a=extmap:13 urn:3gpp:video-orientation") && !offer.sdp.contains("transport-wide-cc"))
        try answerLatest(hub, bob)
        let negotiated = try #require(hub.log.events().last { $0.record.kind == "media.downtrack_negotiated" })
        #expect(negotiated.record.detail["extensions"] == .strings(["13->13"]))
    }

    @Test func switchCandidateProtocolRestartsICEOnTheServerOfferedPC() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let bob = try join(hub, "bob")
        try answerLatest(hub, bob)
        let count = offers(bob).count
        var simulate = Livekit_SimulateScenario()
        simulate.scenario = .switchCandidateProtocol(Livekit_CandidateProtocol(rawValue: 1) ?? .udp)
        try send(hub, bob, .simulate(simulate))
        #expect(offers(bob).count == count + 1)
        let restarted = try #require(offers(bob).last)
        #expect(media.calls.contains("restart subscriber \(try #require(SDPParser.parse(restarted.sdp).media.first?.iceUfrag))"))
        let logged = try #require(hub.log.events().last { $0.record.kind == "transport.switch_candidate_protocol" })
        #expect(logged.record.detail["asked"] == .string("tcp") && logged.record.detail["candidates"] == .string("udp"))
    }

    @Test func aResumedParticipantKeepsItsTransportsAndTheServerRestartsICEOnTheSubscriberPC() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let bob = try join(hub, "bob")
        try answerLatest(hub, bob)
        let initial = try #require(offers(bob).last)
        let before = try SDPParser.parse(initial.sdp).media.first?.iceUfrag
        #expect(before == "srvU")
        hub.closed(bob.connection)
        #expect(!media.calls.contains("released \(bob.participant)"))

        let resumed = try join(hub, "bob", extra: ["reconnect": "1", "sid": bob.participant.rawValue])
        #expect(resumed.participant == bob.participant)
        #expect(media.calls.filter { $0.hasPrefix("opened") }.count == 1)  // no new transport
        let restart = try #require(media.calls.first { $0.hasPrefix("restart subscriber ") })
        let offer = try #require(offers(resumed).last)
        let after = try #require(SDPParser.parse(offer.sdp).media.first?.iceUfrag)
        #expect(after != before && restart == "restart subscriber \(after)")
        try answerLatest(hub, resumed, ufrag: "newU")
        #expect(media.remote?.iceUfrag == "newU")

        // Leaving for good releases the transports.
        try send(hub, resumed, .leave(Livekit_LeaveRequest()))
        #expect(media.calls.contains("released \(bob.participant)"))
    }

    @Test func candidatesGatheredBeforeTheSDPExchangeWaitForTheSectionTheyName() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let alice = try join(hub, "alice")
        alice.sink.clear()
        // The publisher PC's candidates: no publisher SDP yet, so no mid to name.
        hub.localCandidateGathered("candidate:1 1 udp 1 198.18.0.1 4000 typ host", participant: alice.participant, target: .publisher)
        #expect(alice.sink.kinds.isEmpty)
        var offer = Livekit_SessionDescription()
        offer.type = "offer"
        offer.sdp = TestOffers.sendonlyVideo(cid: "cam")
        try send(hub, alice, .offer(offer))
        #expect(alice.sink.kinds.prefix(2) == ["answer", "trickle"])
        guard case .trickle(let trickle)? = alice.sink.responses[1].message else { return }
        #expect(trickle.target == .publisher && trickle.candidateInit.contains("\"sdpMid\":\"0\""))
        // The subscriber PC names our first section at once.
        hub.localCandidateGathered("candidate:2 1 udp 1 198.18.0.1 4001 typ host", participant: alice.participant, target: .subscriber)
        guard case .trickle(let sub)? = alice.sink.responses.last?.message else { Issue.record("no trickle"); return }
        #expect(sub.target == .subscriber)
    }
}

/// Single-PC: a client re-offer with new ICE credentials restarts ICE on our side too (RFC 8445 §9).
@Suite struct SinglePCICERestartTests {
    let factory = SignalTestFactory()

    @Test func aReOfferWithNewCredentialsGetsAnAnswerWithNewCredentialsAndRestartsTheTransport() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let sink = RecordingSink()
        let python = try SignalHubTests.pythonOffer()
        let connection = hub.open(try hub.validate(try factory.v1Request("alice", offer: python)).get(), sink: sink)
        let answers = { sink.responses.compactMap { if case .answer(let a)? = $0.message { a } else { nil } } }
        let firstAnswer = try #require(answers().last)
        let firstUfrag = try SDPParser.parse(firstAnswer.sdp).media.first?.iceUfrag
        #expect(firstUfrag == "srvU")

        func reOffer(_ sdp: String) throws {
            var request = Livekit_SignalRequest()
            var offer = Livekit_SessionDescription()
            offer.type = "offer"
            offer.sdp = sdp
            request.message = .offer(offer)
            hub.received(.binary(try request.serializedBytes()), on: connection)
        }
        try reOffer(python)  // same credentials: a renegotiation, no restart
        #expect(!media.calls.contains { $0.hasPrefix("restart") })
        let remoteUfrag = try #require(SDPParser.parse(python).media.first?.iceUfrag)
        try reOffer(python.replacingOccurrences(of: "a=ice-ufrag:\(remoteUfrag)", with: "a=ice-ufrag:Rst1"))
        let restart = try #require(media.calls.first { $0.hasPrefix("restart publisher ") })
        let lastAnswer = try #require(answers().last)
        let newUfrag = try #require(SDPParser.parse(lastAnswer.sdp).media.first?.iceUfrag)
        #expect(newUfrag != firstUfrag && restart == "restart publisher \(newUfrag)")
        #expect(media.remote?.iceUfrag == "Rst1")
        #expect(hub.log.events().contains { $0.record.kind == "transport.ice_restart" })
    }
}
