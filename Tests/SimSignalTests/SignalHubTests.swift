import Foundation
import SimCore
import SimFaults
import SimProto
import SimRoom
import SimSDP
import SimSignal
import SimTestKit
import SwiftProtobuf
import Testing

@Suite struct SignalHubTests {
    let factory = SignalTestFactory()

    static func pythonOffer() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "livekit-python-1.2.1-v1-publisher-offer", withExtension: "sdp", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    func open(_ hub: SignalHub, _ request: ConnectRequest) throws -> (ConnectionID, RecordingSink) {
        let plan = try hub.validate(request).get()
        let sink = RecordingSink()
        return (hub.open(plan, sink: sink), sink)
    }

    func send(_ hub: SignalHub, _ connection: ConnectionID, _ message: Livekit_SignalRequest.OneOf_Message) throws {
        var request = Livekit_SignalRequest()
        request.message = message
        hub.received(.binary(try request.serializedBytes()), on: connection)
    }

    @Test func v1JoinWithPythonOfferGetsJoinRefreshTokenAndAnswer() throws {
        let hub = factory.hub()
        let (_, sink) = try open(hub, try factory.v1Request("alice", offer: try Self.pythonOffer()))
        #expect(sink.kinds == ["join", "refreshToken", "answer"])
        guard case .join(let join)? = sink.responses.first?.message else { Issue.record("no join"); return }
        // Reference §8: semver ≥ 1.8, ping interval/timeout > 0, permission present, single-PC not subscriber-primary.
        let version = join.serverInfo.version.split(separator: ".").compactMap { Int($0) }
        #expect(version.count == 3 && (version[0], version[1]) >= (1, 8))
        #expect(join.serverVersion == join.serverInfo.version)
        #expect(join.pingInterval > 0 && join.pingTimeout > 0)
        #expect(join.participant.hasPermission && join.participant.permission.canPublish)
        #expect(join.participant.sid.hasPrefix("PA_") && join.room.sid.hasPrefix("RM_"))
        #expect(!join.subscriberPrimary)
        guard case .answer(let answer)? = sink.responses.last?.message else { Issue.record("no answer"); return }
        #expect(answer.type == "answer" && answer.id == 0)
        let parsed = try SDPParser.parse(answer.sdp)
        #expect(parsed.media.count == 7)  // every offered section answered, same order
        #expect(parsed.media.map { $0.mid?.rawValue } == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(hub.log.events().map(\.record.kind).contains("signal.out.answer"))
    }

    @Test func v0JoinIsSubscriberPrimaryAndGetsServerOffer() throws {
        let hub = factory.hub()
        let (_, sink) = try open(hub, factory.v0Request("bob"))
        #expect(sink.kinds == ["join", "offer", "refreshToken"])
        guard case .join(let join)? = sink.responses.first?.message, case .offer(let offer)? = sink.responses[1].message else { return }
        #expect(join.subscriberPrimary)
        #expect(offer.id >= 1 && offer.id <= 256)
        // The data-channel section gives the subscriber PC its transport and carries the server's own channels.
        let section = try #require(try SDPParser.parse(offer.sdp).media.first)
        #expect(section.kind == .application && section.proto == "UDP/DTLS/SCTP" && section.formats == ["webrtc-datachannel"])
        #expect(section.setup == .actpass && section.sctpPort == 5000 && section.maxMessageSize == 262_144)
    }

    @Test func pingAndPingReqAreAnsweredImmediately() throws {
        let hub = factory.hub()
        let (connection, sink) = try open(hub, factory.v0Request("a"))
        sink.clear()
        try send(hub, connection, .ping(123))
        var ping = Livekit_Ping()
        ping.timestamp = 456
        try send(hub, connection, .pingReq(ping))
        let wallMs = Int64(factory.clock.wallNow().timeIntervalSince1970 * 1000)
        guard case .pong(let pong)? = sink.responses.first?.message, case .pongResp(let resp)? = sink.responses.last?.message else {
            Issue.record("expected pong and pong_resp, got \(sink.kinds)"); return
        }
        #expect(pong == wallMs)
        #expect(resp.lastPingTimestamp == 456 && resp.timestamp == wallMs)
    }

    @Test func addTrackThenOfferPublishesToOthersWithCompleteTrackList() throws {
        let hub = factory.hub()
        let (alice, aliceSink) = try open(hub, factory.v0Request("alice"))
        let (_, bobSink) = try open(hub, factory.v0Request("bob"))
        var add = Livekit_AddTrackRequest()
        add.cid = "my-cam"
        add.type = Livekit_TrackType(rawValue: 1) ?? .video
        add.source = Livekit_TrackSource(rawValue: 1) ?? .camera
        try send(hub, alice, .addTrack(add))
        guard case .trackPublished(let published)? = aliceSink.responses.last?.message else { Issue.record("no track_published"); return }
        #expect(published.cid == "my-cam" && published.track.sid.hasPrefix("TR_VC"))
        bobSink.clear()
        var offer = Livekit_SessionDescription()
        offer.type = "offer"
        offer.id = 3
        offer.sdp = TestOffers.sendonlyVideo(cid: "my-cam")
        try send(hub, alice, .offer(offer))
        guard case .answer(let answer)? = aliceSink.responses.last?.message else { Issue.record("no answer"); return }
        #expect(answer.id == 3)
        let update = bobSink.responses.compactMap { if case .update(let u)? = $0.message { u } else { nil } }.last
        #expect(update?.participants.first?.tracks.map(\.sid) == [published.track.sid])
        #expect(update?.participants.first?.tracks.first?.mimeType == "video/VP8")
    }

    /// Churn keeps no state: each cycle joins a publisher to a room a bystander keeps open, publishes, sends data and
    /// leaves; and rooms that close take their state with them. (A publisher's offer section and track media were once
    /// kept for ever: ~12 KB per join.)
    @Test func joinPublishLeaveChurnLeavesTheEngineFlat() throws {
        var rooms = RoomManagerConfiguration()
        rooms.departureTimeout = 1
        let hub = factory.hub(rooms: rooms)
        _ = try open(hub, factory.v0Request("bystander", room: "kept"))
        /// One cycle; returns how many published tracks the engine held before the leave.
        func cycle(_ index: Int, room: String) throws -> Int? {
            let (alice, _) = try open(hub, factory.v0Request("alice\(index)", room: room))
            for message in TestOffers.videoPublication(cid: "cam", offerID: 1) { try send(hub, alice, message) }
            let published = hub.inspect(\.retainedCounts)["published_media"]
            try send(hub, alice, .leave(Livekit_LeaveRequest()))
            return published
        }
        #expect(try cycle(0, room: "kept") == 1)
        let after1 = hub.inspect(\.retainedCounts)
        for index in 1...50 { #expect(try cycle(index, room: "kept") == 1) }
        #expect(hub.inspect(\.retainedCounts) == after1)
        // Rooms that empty and close: their state goes too.
        for index in 1...20 { _ = try cycle(index, room: "gone\(index)") }
        factory.scheduler.advance(by: .seconds(2))  // past their departure timeout
        #expect(hub.inspect(\.retainedCounts) == after1)
    }

    @Test func duplicateIdentityOrderingOnTheWire() throws {
        let hub = factory.hub()
        let (_, observer) = try open(hub, factory.v0Request("observer"))
        let (_, first) = try open(hub, factory.v0Request("bob"))
        guard case .join(let firstJoin)? = first.responses.first?.message else { return }
        observer.clear()
        let (_, second) = try open(hub, factory.v0Request("bob"))
        guard case .join(let secondJoin)? = second.responses.first?.message else { return }
        #expect(firstJoin.participant.sid != secondJoin.participant.sid)
        guard case .leave(let leave)? = first.responses.last?.message else { Issue.record("old session got no leave"); return }
        #expect(leave.reason.rawValue == 2 && leave.action.rawValue == 0)
        #expect(first.closed?.code == 1000)
        let seen = observer.responses.compactMap { if case .update(let u)? = $0.message { u.participants } else { nil } }.flatMap { $0 }
        let oldGone = try #require(seen.firstIndex { $0.sid == firstJoin.participant.sid && $0.state.rawValue == 3 })
        let newSeen = try #require(seen.firstIndex { $0.sid == secondJoin.participant.sid })
        #expect(oldGone < newSeen)
    }

    @Test func resumeAndRefusedResume() throws {
        let hub = factory.hub()
        let (connection, _) = try open(hub, factory.v0Request("alice"))
        hub.closed(connection)
        let (_, resumed) = try open(hub, factory.v0Request("alice", extra: ["reconnect": "1", "sid": "PA_old"]))
        #expect(resumed.kinds.prefix(3) == ["reconnect", "update", "roomUpdate"])
        #expect(resumed.kinds.contains("offer"))  // dual-PC: ICE restart of the subscriber PC
        let (_, refused) = try open(hub, try factory.v1Request("ghost", reconnect: true))
        guard case .leave(let leave)? = refused.responses.first?.message else { Issue.record("no leave"); return }
        #expect(leave.reason.rawValue == 6 && leave.action.rawValue == 2)
        #expect(refused.closed != nil)
    }

    @Test func malformedOversizedAndUnknownFramesAreHandledWithoutHarmingOthers() throws {
        let hub = factory.hub()
        let (bad, badSink) = try open(hub, factory.v0Request("bad", room: "x"))
        let (good, goodSink) = try open(hub, factory.v0Request("good", room: "y"))
        hub.received(.binary([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), on: bad)
        #expect(badSink.closed?.code == 1007)
        #expect(badSink.closed?.reason == "malformed SignalRequest protobuf")
        let (big, bigSink) = try open(hub, factory.v0Request("big", room: "x"))
        hub.received(.binary([UInt8](repeating: 0, count: 2 * 1024 * 1024 + 1)), on: big)
        #expect(bigSink.closed?.code == 1009)
        // An unknown oneof member (field 99) decodes to no message: logged and dropped, connection stays.
        hub.received(.binary([0x9A, 0x06, 0x00]), on: good)
        #expect(goodSink.closed == nil)
        #expect(hub.log.events().contains { $0.record.kind == "signal.in.dropped" })
        try send(hub, good, .ping(1))
        #expect(goodSink.kinds.last == "pong")
    }

    @Test func textFramesSwitchTheConnectionToJSON() throws {
        let hub = factory.hub()
        let (connection, sink) = try open(hub, factory.v0Request("a"))
        hub.received(.text(#"{"pingReq":{"timestamp":"77"}}"#), on: connection)
        guard case .text(let text)? = sink.written.last else { Issue.record("expected a text frame"); return }
        #expect(text.contains("pongResp") && text.contains("77"))
        hub.received(.text("not json"), on: connection)
        #expect(sink.closed?.code == 1007)
    }

    @Test func signalOutTapCanDrop() throws {
        let hub = factory.hub()
        let taps = RuleInterceptor(taps: [.signalOut]) { $0.kind == "refresh_token" ? .drop : .pass }
        hub.attachInterceptor(taps)
        let (connection, sink) = try open(hub, factory.v0Request("a"))
        #expect(!sink.kinds.contains("refreshToken") && sink.kinds.contains("join"))
        let drop = try #require(taps.seen.first { $0.kind == "refresh_token" })
        #expect(drop.tap == .signalOut && drop.connection == connection)
        #expect(!hub.log.events().contains { $0.record.kind == "signal.out.refresh_token" })
    }

    /// A hub whose idle timeout does not interfere with long clock advances.
    func patientHub() -> SignalHub {
        var signal = SignalConfiguration()
        signal.pingTimeout = 3600
        return factory.hub(signal: signal)
    }

    @Test func refreshTokenRepeatsEveryFiveMinutesOnTheManualClock() throws {
        let hub = patientHub()
        let (_, sink) = try open(hub, factory.v0Request("a"))
        let before = sink.kinds.filter { $0 == "refreshToken" }.count
        factory.scheduler.advance(by: .seconds(299))
        #expect(sink.kinds.filter { $0 == "refreshToken" }.count == before)
        factory.scheduler.advance(by: .seconds(1))
        #expect(sink.kinds.filter { $0 == "refreshToken" }.count == before + 1)
    }

    @Test func signalLossRemovesParticipantAfterTimeout() throws {
        let hub = patientHub()
        let (_, observer) = try open(hub, factory.v0Request("observer"))
        let (connection, _) = try open(hub, factory.v0Request("leaver"))
        hub.closed(connection)
        observer.clear()
        factory.scheduler.advance(by: .seconds(15))
        let update = observer.responses.compactMap { if case .update(let u)? = $0.message { u } else { nil } }.first
        #expect(update?.participants.first?.identity == "leaver" && update?.participants.first?.disconnectReason.rawValue == 9)
    }

    @Test(arguments: [
        ("serverLeave", 3, 0), ("leaveRequestFullReconnect", 0, 2),
    ])
    func simulateScenariosThatLeave(name: String, reason: Int, action: Int) throws {
        let hub = factory.hub()
        let (connection, sink) = try open(hub, factory.v0Request("a"))
        var simulate = Livekit_SimulateScenario()
        simulate.scenario = name == "serverLeave" ? .serverLeave(true) : .leaveRequestFullReconnect(true)
        try send(hub, connection, .simulate(simulate))
        guard case .leave(let leave)? = sink.responses.last?.message else { Issue.record("no leave"); return }
        #expect(leave.reason.rawValue == reason && leave.action.rawValue == action)
        #expect(sink.closed != nil)
    }
}

/// Small offers written for these tests.
enum TestOffers {
    /// What a client sends to publish a VP8 camera track `cid`: AddTrack, then its offer (`mid:0`, plus `extmaps`).
    static func videoPublication(cid: String, offerID: UInt32 = 0, extmaps: [String] = []) -> [Livekit_SignalRequest.OneOf_Message] {
        var add = Livekit_AddTrackRequest()
        add.cid = cid
        add.type = .video
        add.source = .camera
        var offer = Livekit_SessionDescription()
        offer.type = "offer"
        offer.id = offerID
        offer.sdp = sendonlyVideo(cid: cid).replacingOccurrences(of: "a=mid:0\r\n", with: "a=mid:0\r\n" + extmaps.map { "a=extmap:\($0)\r\n" }.joined())
        return [.addTrack(add), .offer(offer)]
    }

    static func sendonlyVideo(cid: String) -> String {
        [
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0", "a=msid-semantic: WMS stream",
            "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            "a=setup:actpass", "a=mid:0", "a=sendonly", "a=msid:stream \(cid)", "a=rtcp-mux", "a=rtpmap:96 VP8/90000",
            "a=ssrc:1111 cname:test", "",
        ].joined(separator: "\r\n")
    }
}

@Suite struct SignalIdleTimeoutTests {
    @Test func aSilentConnectionIsClosedAfterPingTimeoutAndAnyMessageRearmsIt() throws {
        let factory = SignalTestFactory()
        let hub = factory.hub()
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request("quiet")).get(), sink: sink)
        factory.scheduler.advance(by: .seconds(14))
        var ping = Livekit_SignalRequest()
        ping.message = .ping(1)
        hub.received(.binary(try ping.serializedBytes()), on: connection)
        factory.scheduler.advance(by: .seconds(14))
        #expect(sink.closed == nil)  // the ping at 14 s re-armed the 15 s deadline
        factory.scheduler.advance(by: .seconds(1))
        #expect(sink.closed?.code == 1000)
        #expect(hub.log.events().contains { $0.record.kind == "connection.idle" })
        #expect(hub.log.events().contains { $0.record.kind == "participant.signal_lost" })
    }
}

@Suite struct WrongFirstMessageTests {
    let factory = SignalTestFactory()

    @Test func anAnswerAsTheFirstMessageOnSinglePCIsDroppedAndTheConnectionKeepsWorking() throws {
        let hub = factory.hub()
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(try factory.v1Request("a")).get(), sink: sink)
        var answer = Livekit_SignalRequest()
        var description = Livekit_SessionDescription()
        description.type = "answer"
        description.sdp = "v=0\r\n"
        answer.message = .answer(description)
        hub.received(.binary(try answer.serializedBytes()), on: connection)
        #expect(sink.closed == nil)
        let dropped = try #require(hub.log.events().last { $0.record.kind == "signal.in.dropped" })
        #expect(dropped.record.detail["reason"]?.description.contains("single-PC") == true)
        var ping = Livekit_SignalRequest()
        ping.message = .ping(5)
        hub.received(.binary(try ping.serializedBytes()), on: connection)
        #expect(sink.kinds.last == "pong")
    }

    @Test func aSyncStateNamingUnknownTracksAsTheFirstMessageForcesAFullReconnect() throws {
        let hub = factory.hub()
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request("b")).get(), sink: sink)
        var request = Livekit_SignalRequest()
        var state = Livekit_SyncState()
        var published = Livekit_TrackPublishedResponse()
        published.track.sid = "TR_unknown"
        state.publishTracks = [published]
        request.message = .syncState(state)
        hub.received(.binary(try request.serializedBytes()), on: connection)
        guard case .leave(let leave)? = sink.responses.last?.message else { Issue.record("no leave"); return }
        #expect(leave.reason.rawValue == 6 && leave.action.rawValue == 2)
        #expect(sink.closed?.code == 1000)
    }
}
