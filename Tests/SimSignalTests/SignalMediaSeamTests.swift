import Foundation
import SimCore
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import Testing

/// Records what the hub tells the media layer.
final class FakeMedia: SignalMediaDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [String] = []
    private(set) var remote: RemoteTransportDescription?
    let parameters = LocalTransportParameters(iceUfrag: "srvU", icePwd: "serverpasswordserverpass", fingerprint: "AA:BB")

    private func record(_ call: String) { lock.withLock { calls.append(call) } }
    func transportOpened(for connection: ConnectionID, target: PeerTarget) -> LocalTransportParameters? {
        record("opened \(connection) \(target)")
        return parameters
    }
    func participantBound(_ participant: ParticipantSID, in room: RoomName, to connection: ConnectionID) { record("bound \(connection)") }
    func remoteDescription(_ description: RemoteTransportDescription, participant: ParticipantSID, target: PeerTarget) {
        lock.withLock { remote = description }
        record("remote \(target)")
    }
    func restartICE(_ credentials: ICECredentialPair, participant: ParticipantSID, target: PeerTarget) { record("restart \(target) \(credentials.ufrag)") }
    func remoteCandidate(_ candidate: String, participant: ParticipantSID, target: PeerTarget) { record("candidate \(target) \(candidate)") }
    func publisherTrack(_ media: PublishedTrackMedia, participant: ParticipantSID) { record("published \(media.track)") }
    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, participant: ParticipantSID, target: PeerTarget) { record("downtrack \(target) \(downTrack.track)") }
    func downTrackRemoved(_ track: TrackSID, participant: ParticipantSID, target: PeerTarget) { record("removed \(target) \(track)") }
    func downTrackSettings(_ settings: DownTrackSettings, track: TrackSID, participant: ParticipantSID) { record("settings \(track) q\(settings.quality)") }
    func connectionClosed(_ connection: ConnectionID) { record("closed \(connection)") }
    func participantRemoved(_ participant: ParticipantSID) {
        record("released \(participant)")
        let gate: (entered: DispatchSemaphore, release: DispatchSemaphore)? = lock.withLock { slowRemoval }
        if let gate {
            gate.entered.signal()
            gate.release.wait()
        }
    }

    /// From now on `participantRemoved` blocks until `finishRemovals()`, like a transport close waiting for its ICE
    /// thread; `removalStarted` is signalled when one is blocked.
    private var slowRemoval: (entered: DispatchSemaphore, release: DispatchSemaphore)?
    func blockRemovals() -> DispatchSemaphore {
        let entered = DispatchSemaphore(value: 0)
        lock.withLock { slowRemoval = (entered, DispatchSemaphore(value: 0)) }
        return entered
    }
    func finishRemovals() {
        let gate = lock.withLock { () -> DispatchSemaphore? in
            defer { slowRemoval = nil }
            return slowRemoval?.release
        }
        gate?.signal()
    }
    func echoTrack(_ track: TrackSID, source: TrackSID) { record("echo \(track) of \(source)") }
    func deliverData(_ packet: [UInt8], channel: DataChannelLabel, participant: ParticipantSID) {
        lock.withLock { delivered.append(Delivered(participant: participant, packet: packet, channel: channel)) }
        record("data \(participant) \(packet.count) \(channel.rawValue)")
    }
    /// One DataPacket (or data-track frame) handed over.
    struct Delivered {
        var participant: ParticipantSID
        var packet: [UInt8]
        var channel: DataChannelLabel
        var reliable: Bool { channel == .reliable }
    }
    /// Every DataPacket handed over, in order.
    private(set) var delivered: [Delivered] = []
}

@Suite struct SignalMediaSeamTests {
    let factory = SignalTestFactory()

    @Test func offerAnswerCarriesTheTransportIdentityAndTellsMediaTheRemoteSide() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(try factory.v1Request("alice", offer: try SignalHubTests.pythonOffer())).get(), sink: sink)
        guard case .answer(let answer)? = sink.responses.last?.message else { Issue.record("no answer"); return }
        #expect(answer.sdp.contains("a=ice-ufrag:srvU") && answer.sdp.contains("a=fingerprint:sha-256 AA:BB"))
        #expect(answer.sdp.contains("a=setup:passive"))
        let remote = try #require(media.remote)
        #expect(!remote.weAreDTLSClient && remote.fingerprintAlgorithm == "sha-256" && !remote.iceUfrag.isEmpty)
        #expect(media.calls.prefix(3) == ["opened \(connection) publisher", "bound \(connection)", "remote publisher"])

        var request = Livekit_SignalRequest()
        var trickle = Livekit_TrickleRequest()
        trickle.candidateInit = #"{"candidate":"candidate:1 1 udp 2122260223 198.18.0.2 50000 typ host","sdpMid":"0","sdpMLineIndex":0}"#
        request.message = .trickle(trickle)
        hub.received(.binary(try request.serializedBytes()), on: connection)
        #expect(media.calls.last == "candidate publisher candidate:1 1 udp 2122260223 198.18.0.2 50000 typ host")

        let participant = try #require(hub.inspect { $0.participant(of: connection) })
        hub.localCandidateGathered("candidate:9 1 udp 1 198.18.0.1 40000 typ host", participant: participant, target: .publisher)
        guard case .trickle(let out)? = sink.responses.last?.message else { Issue.record("no trickle"); return }
        #expect(out.target.rawValue == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.candidateInit.utf8)) as? [String: Any]
        #expect(json?["candidate"] as? String == "candidate:9 1 udp 1 198.18.0.1 40000 typ host" && json?["sdpMid"] as? String == "0")

        hub.closed(connection)
        #expect(media.calls.last == "closed \(connection)")
        // The participant waits for a resume with its transports; leaving for good releases them.
        #expect(!media.calls.contains("released \(participant)"))
    }

    /// LiveKit's JS SDK negotiates its publisher PC at join with only the data-channel section; the answer must
    /// accept it (port 9, the bundle's transport, `a=sctp-port`, `a=max-message-size`) so ICE and DTLS start.
    @Test func aDataChannelOnlyOfferIsAnsweredWithATransport() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let sink = RecordingSink()
        let offer = [
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "a=extmap-allow-mixed", "a=msid-semantic: WMS",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:Xk3q", "a=ice-pwd:0123456789abcdefghijklmn", "a=ice-options:trickle",
            "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00",
            "a=setup:actpass", "a=mid:0", "a=sctp-port:5000", "a=max-message-size:262144", "",
        ].joined(separator: "\r\n")
        let connection = hub.open(try hub.validate(try factory.v1Request("alice", offer: offer)).get(), sink: sink)
        guard case .answer(let answer)? = sink.responses.last?.message else { Issue.record("no answer"); return }
        #expect(answer.sdp.contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel"))
        #expect(answer.sdp.contains("a=sctp-port:5000") && answer.sdp.contains("a=max-message-size:262144"))
        #expect(answer.sdp.contains("a=ice-ufrag:srvU") && answer.sdp.contains("a=setup:passive") && answer.sdp.contains("a=mid:0"))
        #expect(answer.sdp.contains("a=group:BUNDLE 0"))
        let remote = try #require(media.remote)
        #expect(remote.iceUfrag == "Xk3q" && !remote.weAreDTLSClient)
        #expect(media.calls.prefix(3) == ["opened \(connection) publisher", "bound \(connection)", "remote publisher"])
    }

    /// Media work runs after the hub's lock is released: a participant whose transport close blocks does not stop
    /// another room's join from being answered meanwhile.
    @Test func aSlowTransportCloseDoesNotDelayAnotherRoomsJoin() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        let alice = hub.open(try hub.validate(try factory.v1Request("alice", room: "r1")).get(), sink: RecordingSink())
        let removalStarted = media.blockRemovals()
        var leave = Livekit_SignalRequest()
        leave.message = .leave(Livekit_LeaveRequest())
        let bytes: [UInt8] = try leave.serializedBytes()
        let left = DispatchGroup()
        DispatchQueue.global().async(group: left) { hub.received(.binary(bytes), on: alice) }
        defer {
            media.finishRemovals()
            left.wait()
        }
        #expect(removalStarted.wait(timeout: .now() + 5) == .success)

        let bobSink = RecordingSink()
        let plan = try hub.validate(try factory.v1Request("bob", room: "r2")).get()
        let joined = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            hub.open(plan, sink: bobSink)
            joined.signal()
        }
        #expect(joined.wait(timeout: .now() + 5) == .success)
        guard case .join(let join)? = bobSink.responses.first?.message else { Issue.record("bob got no JoinResponse"); return }
        #expect(join.room.name == "r2")
        #expect(media.calls.contains { $0.hasPrefix("released ") })
    }

    /// An offer crosses `signal.in` before a transport exists for it: one a scenario drops opens none, and a
    /// delivered one gets its transport, then its answer.
    @Test func anOfferDroppedAtTheTapOpensNoTransport() throws {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        var dropOffers = true
        let taps = RuleInterceptor(taps: [.signalIn]) { context in dropOffers && context.kind == "offer" ? .drop : .pass }
        hub.attachInterceptor(taps)
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(try factory.v1Request("alice")).get(), sink: sink)
        var offer = Livekit_SignalRequest()
        var description = Livekit_SessionDescription()
        description.type = "offer"
        description.sdp = try SignalHubTests.pythonOffer()
        offer.message = .offer(description)
        let bytes: [UInt8] = try offer.serializedBytes()
        hub.received(.binary(bytes), on: connection)
        #expect(taps.seen.contains { $0.kind == "offer" })
        #expect(!media.calls.contains { $0.hasPrefix("opened") })
        #expect(!sink.responses.contains { if case .answer = $0.message { true } else { false } })

        #expect(media.calls == ["bound \(connection)"])  // the join

        dropOffers = false
        hub.received(.binary(bytes), on: connection)
        #expect(media.calls.dropFirst().prefix(3) == ["opened \(connection) publisher", "bound \(connection)", "remote publisher"])
        #expect(sink.responses.contains { if case .answer = $0.message { true } else { false } })
    }

    /// Room events reach observers typed, in order, after the hub's lock is released (an observer may call the hub).
    @Test(.timeLimit(.minutes(1))) func roomObserversHearTypedEventsOutsideTheLock() throws {
        let hub = factory.hub()
        let heard = NotificationLog()
        hub.addRoomObserver { notification in
            heard.append(notification, connections: hub.connectionCount)  // takes the hub's lock: it must be free
        }
        let plan = try hub.validate(factory.v0Request("inference")).get()
        let (_, participant) = try #require(hub.joinVirtual(plan))
        #expect(heard.entries.map(\.0) == [
            .roomCreated(room: "r1", agents: []), .participantActive(room: "r1", participant: participant, identity: "inference"),
        ])
        #expect(heard.entries.map(\.1) == [1, 1])
    }

    @Test func malformedTrickleIsALoggedDrop() throws {
        let hub = factory.hub()
        let sink = RecordingSink()
        let connection = hub.open(try hub.validate(factory.v0Request("a")).get(), sink: sink)
        var request = Livekit_SignalRequest()
        var trickle = Livekit_TrickleRequest()
        trickle.candidateInit = "not json"
        request.message = .trickle(trickle)
        hub.received(.binary(try request.serializedBytes()), on: connection)
        #expect(sink.closed == nil)
        #expect(hub.log.events().contains { $0.record.kind == "signal.in.dropped" })
    }
}

/// Notifications an observer heard, with the hub's connection count read from inside the observer.
final class NotificationLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(RoomNotification, Int)] = []
    func append(_ notification: RoomNotification, connections: Int) { lock.withLock { stored.append((notification, connections)) } }
    var entries: [(RoomNotification, Int)] { lock.withLock { stored } }
}
