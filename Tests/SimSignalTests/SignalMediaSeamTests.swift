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
    func transportOpened(for connection: ConnectionID, mode: SignalMode) -> LocalTransportParameters? {
        record("opened \(connection)")
        return parameters
    }
    func remoteDescription(_ description: RemoteTransportDescription, for connection: ConnectionID) {
        lock.withLock { remote = description }
        record("remote \(connection)")
    }
    func remoteCandidate(_ candidate: String, for connection: ConnectionID) { record("candidate \(candidate)") }
    func participantBound(_ participant: ParticipantSID, to connection: ConnectionID) { record("bound \(connection)") }
    func transportClosed(for connection: ConnectionID) { record("closed \(connection)") }
    func publisherTrack(_ media: PublishedTrackMedia, on connection: ConnectionID) { record("published \(media.track)") }
    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, on connection: ConnectionID) { record("downtrack \(downTrack.track)") }
    func downTrackRemoved(_ track: TrackSID, on connection: ConnectionID) { record("removed \(track)") }
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
        #expect(media.calls.prefix(3) == ["opened \(connection)", "remote \(connection)", "bound \(connection)"])

        var request = Livekit_SignalRequest()
        var trickle = Livekit_TrickleRequest()
        trickle.candidateInit = #"{"candidate":"candidate:1 1 udp 2122260223 198.18.0.2 50000 typ host","sdpMid":"0","sdpMLineIndex":0}"#
        request.message = .trickle(trickle)
        hub.received(.binary(try request.serializedBytes()), on: connection)
        #expect(media.calls.last == "candidate candidate:1 1 udp 2122260223 198.18.0.2 50000 typ host")

        hub.localCandidateGathered("candidate:9 1 udp 1 198.18.0.1 40000 typ host", on: connection)
        guard case .trickle(let out)? = sink.responses.last?.message else { Issue.record("no trickle"); return }
        #expect(out.target.rawValue == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.candidateInit.utf8)) as? [String: Any]
        #expect(json?["candidate"] as? String == "candidate:9 1 udp 1 198.18.0.1 40000 typ host" && json?["sdpMid"] as? String == "0")

        hub.closed(connection)
        #expect(media.calls.last == "closed \(connection)")
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
