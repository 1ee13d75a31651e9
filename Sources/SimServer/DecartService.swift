import Foundation
import Logging
import SimAuth
import SimCore
import SimDecart
import SimRoom
import SimSignal

/// The room side of Decart sessions: each session gets a LiveKit room on this server and a client token with
/// join, publish and subscribe rights; the client's video publication in that room is reported back to the
/// control engine (`publisherVideoPublished`), which then starts generation.
///
/// It learns of room events from the signal hub's typed `RoomNotification`s (observed outside the hub's lock).
/// Reports to the Decart hub are scheduled rather than made from inside a hub's effect run, so each hub's step
/// finishes before the other's starts.
final class DecartService: DecartRoomDelegate, @unchecked Sendable {
    private struct Session {
        var room: RoomName
        var sessionID: DecartSessionID
        var clientIdentity: Identity
        /// The client's first video track (whatever its name or source, reference §4.5).
        var clientVideo: TrackSID?
        /// Between `startInference` and `stopInference`: the inference server should be (or be getting) in the room.
        var inferenceWanted = false
        /// The inference server's signal connection, once it joined.
        var inference: ConnectionID?
        /// Its output track (the echo, or the test pattern).
        var echo: TrackSID?
        /// The test pattern's generator, when the client publishes no video.
        var pattern: PatternGenerator?
        /// `livekit_server_codec`: the test pattern's codec.
        var codec: GeneratedCodec = .vp8
        /// The frame-counter report timer while generating.
        var counting: (any TimerHandle)?
    }

    /// How long a client in its room may go without publishing video before the test pattern is used.
    static let videoGrace: Duration = .milliseconds(1500)

    private let lock = NSLock()
    private var sessions: [ConnectionID: Session] = [:]
    private var byRoom: [RoomName: ConnectionID] = [:]
    private var peers: [ConnectionID: EchoPeer] = [:]
    /// Client candidates that arrived before the peer existed (nil: end of candidates).
    private var heldCandidates: [ConnectionID: [String?]] = [:]
    /// The media layer (nil when media is disabled): the aiortc path's transports.
    weak var media: MediaService?
    private let signal: SignalHub
    private let scheduler: any TimerScheduler
    private let apiKey: APIKey
    private let secret: String
    private let logger: Logger
    private let clock: any SimClock
    /// SSRCs and viewer ids, from the server's seed (lock held).
    private var random: SeededRandom
    private var address: (url: String, endpoint: DecartServerEndpoint) = ("", DecartServerEndpoint(ip: "127.0.0.1", port: 0))
    weak var decart: DecartHub?


    /// A non-zero SSRC for a generated or echoed stream, from the seeded sequence.
    private func nextSSRC() -> UInt32 {
        lock.withLock { UInt32.random(in: 1...UInt32.max, using: &random) }
    }

    /// The LiveKit URL clients are given (a scenario may give an unreachable one).
    var livekitURL: String { lock.withLock { address.url } }
    /// Where clients reach this server (`session_id{server_ip, server_port}`).
    var endpoint: DecartServerEndpoint { lock.withLock { address.endpoint } }

    /// Set once the server listens.
    func setAddress(livekitURL: String, endpoint: DecartServerEndpoint) {
        lock.withLock { address = (livekitURL, endpoint) }
    }

    /// Whether `key` may use the Decart API (the control engine's rule: any non-empty key unless a list is set).
    func accepts(apiKey key: String) -> Bool {
        guard !key.isEmpty else { return false }
        guard let keys = decart?.configuration.apiKeys else { return true }
        return keys.contains(key)
    }

    init(signal: SignalHub, scheduler: any TimerScheduler, apiKey: APIKey, secret: String, seed: UInt64, logger: Logger) {
        self.signal = signal
        clock = signal.clock
        random = SeededRandom(seed: seed)
        self.scheduler = scheduler
        self.apiKey = apiKey
        self.secret = secret
        self.logger = logger
        signal.addRoomObserver { [weak self] notification in self?.observe(notification) }
    }

    /// Runs `body` soon, outside every hub lock.
    private func later(_ body: @escaping @Sendable () -> Void) {
        _ = scheduler.schedule(after: .zero, body)
    }

    /// The client's video publication in a session room starts generation; a client that joined its room and
    /// publishes no video within `videoGrace` gets the test pattern. Called outside the signal hub's lock.
    private func observe(_ notification: RoomNotification) {
        switch notification {
        case .participantActive(let room, _, let identity):
            let connection: ConnectionID? = lock.withLock {
                guard let connection = byRoom[room], identity == sessions[connection]?.clientIdentity else { return nil }
                return connection
            }
            guard let connection else { return }
            _ = scheduler.schedule(after: Self.videoGrace) { [weak self] in
                guard let self, self.lock.withLock({ self.sessions[connection] != nil && self.sessions[connection]?.clientVideo == nil }) else { return }
                self.decart?.notify(.publisherJoinedWithoutVideo(connection))
            }
        case .trackPublished(let room, _, let identity, let track, let kind):
            guard kind == .video else { return }
            let connection: ConnectionID? = lock.withLock {
                guard let connection = byRoom[room], let session = sessions[connection], identity == session.clientIdentity,
                      session.clientVideo == nil else { return nil }
                sessions[connection]?.clientVideo = track
                return connection
            }
            guard let connection else { return }
            later { [weak self] in self?.decart?.notify(.publisherVideoPublished(connection)) }
        case .roomCreated, .roomClosed, .participantLeft:
            break
        }
    }

    /// A token for `identity` in `room` (subscribe-only for viewers).
    func token(identity: Identity, room: RoomName, canPublish: Bool) -> String {
        var builder = AccessTokenBuilder(apiKey: apiKey, secret: secret)
        builder.identity = identity
        builder.video = VideoGrant(roomJoin: true, room: room, canPublish: canPublish, canSubscribe: true, canPublishData: canPublish)
        return builder.jwt(now: clock.wallNow())
    }

    /// `POST /watch-stream/{room}`: receive-only credentials for a live session's room, or nil.
    func watch(room: RoomName) -> (url: String, token: String, sessionID: DecartSessionID)? {
        let session: Session? = lock.withLock { byRoom[room].flatMap { sessions[$0] } }
        guard let session else { return nil }
        let suffix = lock.withLock { String(random.next() & 0xFFFF_FFFF, radix: 16) }
        let viewer = Identity("viewer-\(suffix)")
        return (livekitURL, token(identity: viewer, room: room, canPublish: false), session.sessionID)
    }

    // MARK: DecartRoomDelegate

    func createRoom(for connection: ConnectionID, request: DecartRoomRequest) {
        let identity = Identity("client-\(request.sessionID.rawValue)")
        lock.withLock {
            sessions[connection] = Session(room: request.roomName, sessionID: request.sessionID, clientIdentity: identity)
            byRoom[request.roomName] = connection
        }
        later { [weak self] in
            guard let self else { return }
            _ = self.signal.withEngine { engine, wall in
                engine.createRoom(CreateRoomParameters(name: request.roomName, emptyTimeout: 300, departureTimeout: 20), wall: wall)
            }
            let token = self.token(identity: identity, room: request.roomName, canPublish: true)
            self.decart?.notify(.roomCreated(connection, livekitURL: self.livekitURL, token: token, roomName: request.roomName))
        }
    }

    func releaseRoom(for connection: ConnectionID, room: RoomName) {
        lock.withLock {
            sessions[connection]?.counting?.cancel()
            sessions[connection] = nil
            if byRoom[room] == connection { byRoom[room] = nil }
        }
        later { [weak self] in
            _ = self?.signal.withEngine { engine, _ in ((), engine.deleteRoom(room)) }
        }
    }

    /// The inference server joins the session's room as `inference-server-<session>` and publishes the client's
    /// own video back as a new track (the echo generator; the generation state does not change the picture).
    func startInference(for connection: ConnectionID, parameters: DecartInferenceParameters) {
        signal.log.append(EventRecord(kind: "decart.inference.start", connection: connection, room: parameters.room, detail: [
            "session_id": .string(parameters.sessionID.rawValue), "passthrough": .bool(parameters.state == nil),
        ]))
        guard let room = parameters.room else { return }
        lock.withLock {
            if parameters.codec?.lowercased() == "h264" { sessions[connection]?.codec = .h264 }
            sessions[connection]?.inferenceWanted = true
        }
        later { [weak self] in self?.joinInferenceServer(connection, room: room, sessionID: parameters.sessionID) }
    }

    private func joinInferenceServer(_ connection: ConnectionID, room: RoomName, sessionID: DecartSessionID) {
        guard let session = lock.withLock({ sessions[connection] }), session.inferenceWanted, session.inference == nil else { return }
        let identity = Identity("inference-server-\(sessionID.rawValue)")
        let request = ConnectRequest(path: .rtc, query: [
            "access_token": token(identity: identity, room: room, canPublish: true), "protocol": "16", "sdk": "sfusim-inference",
        ], authorization: nil)
        guard case .success(let plan) = signal.validate(request), let (signalConnection, _) = signal.joinVirtual(plan) else {
            decart?.notify(.sessionEndRequested(connection, reason: .error, errorText: "the inference server could not join room \(room)"))
            return
        }
        // The session may have ended while the join ran (the engine stops inference at once on `end_session`):
        // then the inference server leaves again rather than stay behind in a dying room.
        let stillWanted: Bool = lock.withLock {
            guard sessions[connection]?.inferenceWanted == true else { return false }
            sessions[connection]?.inference = signalConnection
            return true
        }
        guard stillWanted else {
            signal.leaveVirtual(signalConnection)
            return
        }
        if let source = session.clientVideo {
            let echo = signal.publishEcho(on: signalConnection, of: source, name: "inference-output")
            lock.withLock { sessions[connection]?.echo = echo }
            if let echo { reportFrames(connection, track: echo, clientInput: true) }
            return
        }
        // No client video: the looping test pattern, in the requested codec.
        guard let media, let track = signal.publishGenerated(on: signalConnection, name: "inference-output", codec: session.codec, width: 640, height: 360) else { return }
        do {
            let generator = try media.startPattern(track: track, in: room, codec: session.codec, ssrc: nextSSRC())
            lock.withLock {
                sessions[connection]?.echo = track
                sessions[connection]?.pattern = generator
            }
            reportFrames(connection, track: track, clientInput: false)
        } catch {
            signal.log.append(EventRecord(kind: "decart.inference.pattern_failed", connection: connection, detail: ["why": .string("\(error)")]))
        }
    }

    func stateChanged(for connection: ConnectionID, state: DecartGenerationState, initial: Bool) {
        signal.log.append(EventRecord(kind: initial ? "decart.inference.initial_state" : "decart.inference.state", connection: connection))
    }

    /// Every second while generating: the router's frame counters of the output track → `framesCounted` (the
    /// engine turns them into `server_metrics`). The echo and the pattern have no queues: their sizes are 0.
    private func reportFrames(_ connection: ConnectionID, track: TrackSID, clientInput: Bool) {
        guard let media else { return }
        let counters = media.frameCounters(track: track)
        decart?.notify(.framesCounted(connection, DecartFrameCounters(
            inputFrames: clientInput ? counters.input : 0, outputFrames: counters.output, pipelineLatency: counters.lastLatency
        )))
        let timer = scheduler.schedule(after: .seconds(1)) { [weak self] in self?.reportFrames(connection, track: track, clientInput: clientInput) }
        let keep: Bool = lock.withLock {
            guard sessions[connection]?.echo == track else { return false }
            sessions[connection]?.counting = timer
            return true
        }
        if !keep { timer.cancel() }
    }

    func stopInference(for connection: ConnectionID) {
        signal.log.append(EventRecord(kind: "decart.inference.stop", connection: connection))
        lock.withLock {
            sessions[connection]?.counting?.cancel()
            sessions[connection]?.inferenceWanted = false
        }
        let (inference, pattern): (ConnectionID?, PatternGenerator?) = lock.withLock {
            defer { sessions[connection]?.inference = nil; sessions[connection]?.echo = nil; sessions[connection]?.pattern = nil }
            return (sessions[connection]?.inference, sessions[connection]?.pattern)
        }
        if let pattern { media?.stopPattern(pattern) }
        guard let inference else { return }
        later { [weak self] in self?.signal.leaveVirtual(inference) }
    }

    func startPeer(for connection: ConnectionID, offerSDP: String) {
        later { [weak self] in self?.openPeer(connection, offerSDP: offerSDP) }
    }

    /// The aiortc transport: sfusim answers as the peer and echoes the client's video on the same connection.
    private func openPeer(_ connection: ConnectionID, offerSDP: String) {
        guard let media else {
            decart?.notify(.peerFailed(connection, reason: "media is disabled on this server (no node_ip)"))
            return
        }
        do {
            let peer = try EchoPeer(offerSDP: offerSDP, id: "\(connection.value)", ssrc: nextSSRC(), media: media) { [weak self] event in
                self?.peerEvent(event, on: connection)
            }
            let pending: [String?] = lock.withLock {
                peers[connection] = peer
                defer { heldCandidates[connection] = nil }
                return heldCandidates[connection] ?? []
            }
            try peer.start()
            for candidate in pending { peer.addRemoteCandidate(candidate) }
        } catch let error as EchoPeer.OfferError {
            decart?.notify(.peerOfferRejected(connection, reason: error.description))
        } catch {
            decart?.notify(.peerFailed(connection, reason: "\(error)"))
        }
    }

    private func peerEvent(_ event: EchoPeer.Event, on connection: ConnectionID) {
        switch event {
        case .answered(let sdp, let candidates):
            decart?.notify(.peerAnswered(connection, sdp: sdp))
            for candidate in candidates {
                decart?.notify(.peerCandidateGathered(connection, DecartICECandidate(candidate: candidate, sdpMid: "0", sdpMLineIndex: 0)))
            }
            decart?.notify(.peerCandidateGathered(connection, nil))
        case .connected:
            decart?.notify(.peerConnected(connection))
        case .failed(let why):
            decart?.notify(.peerFailed(connection, reason: why))
        }
    }

    func addRemoteCandidate(for connection: ConnectionID, candidate: DecartICECandidate?) {
        let peer: EchoPeer? = lock.withLock {
            guard let peer = peers[connection] else {
                heldCandidates[connection, default: []].append(candidate?.candidate)
                return nil
            }
            return peer
        }
        peer?.addRemoteCandidate(candidate?.candidate)
    }

    func closePeer(for connection: ConnectionID) {
        let peer: EchoPeer? = lock.withLock {
            heldCandidates[connection] = nil
            return peers.removeValue(forKey: connection)
        }
        guard let peer else { return }
        later { [weak self] in self?.media?.closeEcho(peer.transport) }
    }
}
