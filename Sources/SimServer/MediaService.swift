import Foundation
import Logging
import SimCore
import SimFaults
import SimMedia
import SimRTP
import SimRoom
import SimSignal

/// Gives each participant its real transports (ICE + DTLS-SRTP): the publisher PC, and in dual-PC also the
/// subscriber PC. Gathered candidates are trickled; the primary transport's DTLS connected makes the participant
/// ACTIVE. Each room has its own `MediaRouter` (its own lock): a participant's transports deliver their RTP and
/// RTCP straight to their room's router on their receive threads (`PeerTransport.deliverMedia(to:)`); this
/// service is not on the per-packet path.
///
/// Ownership: a transport is created for a signal connection (sometimes before the join exists) and becomes its
/// participant's at `participantBound`. It outlives the signal connection: a participant whose signal drops keeps
/// its transports (media keeps flowing) until it resumes on a new connection or is removed.
///
/// The hub calls in after releasing its lock, one call at a time; this service takes its own lock only to read or
/// change its maps, never while closing a transport or calling the hub.
final class MediaService: SignalMediaDelegate, @unchecked Sendable {
    /// One transport and who it belongs to.
    private final class Endpoint: @unchecked Sendable {
        let target: PeerTarget
        var transport: PeerTransport?
        var participant: ParticipantSID?
        var gathering = false
        /// Local candidates gathered so far (re-trickled after an ICE restart).
        var candidates: [String] = []

        init(target: PeerTarget) { self.target = target }
    }

    private let lock = NSLock()
    /// Transports created for a connection whose participant is not bound yet.
    private var pending: [ConnectionID: [Endpoint]] = [:]
    private var endpoints: [ParticipantSID: [PeerTarget: Endpoint]] = [:]
    private struct Subscription: Hashable {
        var participant: ParticipantSID
        var track: TrackSID
    }
    /// The latest UpdateTrackSettings per subscription.
    private var subscriberSettings: [Subscription: SimulcastSubscriberSettings] = [:]
    private let certificate: DTLSCertificate
    private let iceConfiguration: ICEConfiguration
    private let clock: any SimClock
    private let scheduler: any TimerScheduler
    private let logger: Logger
    /// One router per room with participants in it.
    private var routers: [RoomName: MediaRouter] = [:]
    /// Each bound participant's room.
    private var rooms: [ParticipantSID: RoomName] = [:]
    /// The router each published (or generated, or echoed) track is routed by.
    private var trackRouters: [TrackSID: MediaRouter] = [:]
    /// The tracks each participant published (their `trackRouters` entries go when it leaves).
    private var publishedBy: [ParticipantSID: [TrackSID]] = [:]
    /// Each Decart echo peer's own router, by transport.
    private var echoRouters: [ObjectIdentifier: MediaRouter] = [:]
    /// Packets forwarded by routers that are gone.
    private var retiredForwarded: UInt64 = 0
    /// The scenario engine's shell at the media taps (every router gets it).
    private weak var interceptor: (any TapInterceptor)?
    weak var hub: SignalHub?

    init(localAddress: String, portRange: ClosedRange<UInt16>?, clock: any SimClock, scheduler: any TimerScheduler, logger: Logger) throws {
        try MediaLibraries.initializeOnce()
        certificate = try DTLSCertificate()
        iceConfiguration = ICEConfiguration(localAddresses: [localAddress], portRange: portRange, role: .controlled)
        self.clock = clock
        self.scheduler = scheduler
        self.logger = logger
    }

    /// RTP packets forwarded to subscribers so far (every router, past and present).
    var forwardedPackets: UInt64 {
        let (live, retired) = lock.withLock { (Array(routers.values) + Array(echoRouters.values), retiredForwarded) }
        return live.reduce(retired) { $0 + $1.forwardedPackets }
    }

    /// Connects the scenario engine's shell at the media taps of every router, present and future (nil removes
    /// it); delayed packets run on this service's scheduler.
    func attachInterceptor(_ interceptor: (any TapInterceptor)?) {
        let all: [MediaRouter] = lock.withLock {
            self.interceptor = interceptor
            return Array(routers.values) + Array(echoRouters.values)
        }
        for router in all { router.attachInterceptor(interceptor, scheduler: interceptor == nil ? nil : scheduler) }
    }

    /// A new router with the current interceptor (lock held).
    private func makeRouter() -> MediaRouter {
        let router = MediaRouter(clock: clock)
        if let interceptor { router.attachInterceptor(interceptor, scheduler: scheduler) }
        return router
    }

    /// The router of `participant`'s room (lock held).
    private func router(of participant: ParticipantSID) -> MediaRouter? {
        rooms[participant].flatMap { routers[$0] }
    }

    func transportOpened(for connection: ConnectionID, target: PeerTarget) -> LocalTransportParameters? {
        let endpoint = Endpoint(target: target)
        do {
            let transport = try PeerTransport(
                configuration: iceConfiguration, certificate: certificate, clock: clock, scheduler: scheduler
            ) { [weak self, weak endpoint] event in
                guard let self, let endpoint else { return }
                self.transportEvent(event, on: endpoint)
            }
            endpoint.transport = transport
            // LiveKit's own channels on the subscriber PC (reference: data channels §1.2): server → client data goes
            // there first.
            if target == .subscriber { transport.openDataChannels(DataChannelLabel.allCases.map { ($0.rawValue, $0 == .reliable) }) }
            lock.withLock { pending[connection, default: []].append(endpoint) }
            hub?.log.append(EventRecord(kind: "transport.open", connection: connection, detail: [
                "target": .string(target.rawValue), "ufrag": .string(transport.localCredentials.ufrag),
                "address": .string(iceConfiguration.localAddresses.first ?? ""),
            ]))
            return LocalTransportParameters(
                iceUfrag: transport.localCredentials.ufrag, icePwd: transport.localCredentials.pwd, fingerprint: transport.localFingerprint
            )
        } catch {
            logger.error("cannot create a transport", metadata: ["connection": .string(connection.description), "error": .string("\(error)")])
            return nil
        }
    }

    func participantBound(_ participant: ParticipantSID, in room: RoomName, to connection: ConnectionID) {
        let (adopted, replaced, router): ([Endpoint], [Endpoint], MediaRouter) = lock.withLock {
            rooms[participant] = room
            let router = routers[room] ?? makeRouter()
            routers[room] = router
            let adopted = pending.removeValue(forKey: connection) ?? []
            var replaced: [Endpoint] = []
            for endpoint in adopted {
                endpoint.participant = participant
                if let previous = endpoints[participant]?[endpoint.target], previous !== endpoint { replaced.append(previous) }
                endpoints[participant, default: [:]][endpoint.target] = endpoint
            }
            return (adopted, replaced, router)
        }
        for endpoint in replaced { close(endpoint, router: router) }
        for endpoint in adopted { endpoint.transport?.deliverMedia(to: router) }
        let starting: [Endpoint] = lock.withLock { adopted.filter { !$0.gathering } }
        // The participant exists now, so gathered candidates can be trickled.
        for endpoint in starting {
            endpoint.gathering = true
            do {
                try endpoint.transport?.startGathering()
            } catch {
                hub?.log.append(EventRecord(kind: "transport.failed", participant: participant, detail: ["why": .string("gathering: \(error)")]))
            }
        }
    }

    private func transport(_ participant: ParticipantSID, _ target: PeerTarget) -> PeerTransport? {
        lock.withLock { endpoints[participant]?[target]?.transport }
    }

    func remoteDescription(_ description: RemoteTransportDescription, participant: ParticipantSID, target: PeerTarget) {
        guard let transport = transport(participant, target) else { return }
        do {
            try transport.setRemote(PeerTransport.RemoteDescription(
                iceUfrag: description.iceUfrag, icePwd: description.icePwd, fingerprint: description.fingerprint,
                weAreDTLSClient: description.weAreDTLSClient, candidates: description.candidates, sctpPort: description.sctpPort
            ))
        } catch {
            hub?.log.append(EventRecord(kind: "transport.failed", participant: participant, detail: [
                "target": .string(target.rawValue), "why": .string("remote description: \(error)"),
            ]))
        }
    }

    func restartICE(_ credentials: ICECredentialPair, participant: ParticipantSID, target: PeerTarget) {
        let found: (PeerTransport, [String])? = lock.withLock {
            guard let endpoint = endpoints[participant]?[target], let transport = endpoint.transport else { return nil }
            return (transport, endpoint.candidates)
        }
        guard let (transport, candidates) = found else { return }
        do {
            try transport.restartICE(with: ICECredentials(ufrag: credentials.ufrag, pwd: credentials.pwd))
        } catch {
            hub?.log.append(EventRecord(kind: "transport.failed", participant: participant, detail: [
                "target": .string(target.rawValue), "why": .string("ICE restart: \(error)"),
            ]))
            return
        }
        // Our candidates belong to the old ICE generation on the client's side: trickle them again (later: the
        // hub is mid-step and must not be re-entered).
        _ = scheduler.schedule(after: .zero) { [weak self] in
            for candidate in candidates { self?.hub?.localCandidateGathered(candidate, participant: participant, target: target) }
        }
    }

    func remoteCandidate(_ candidate: String, participant: ParticipantSID, target: PeerTarget) {
        guard let transport = transport(participant, target) else { return }
        do {
            try transport.addRemoteCandidate(candidate)
        } catch {
            // mDNS (.local) and TCP candidates are expected to be refused; log and go on.
            hub?.log.append(EventRecord(kind: "transport.candidate_refused", participant: participant, detail: [
                "target": .string(target.rawValue), "candidate": .string(candidate), "why": .string("\(error)"),
            ]))
        }
    }

    func publisherTrack(_ media: PublishedTrackMedia, participant: ParticipantSID) {
        guard let transport = transport(participant, .publisher) else { return }
        let streams = RTPStreamIdentification(
            mid: media.mid, rids: media.rids, midExtensionID: media.midExtensionID, ridExtensionID: media.ridExtensionID,
            repairedRIDExtensionID: media.repairedRIDExtensionID
        )
        let sizes = media.layerSizes.compactMap { size in
            SimulcastLayer(rawValue: size.quality).map { SimulcastLayerInfo(layer: $0, width: size.width, height: size.height) }
        }
        let router: MediaRouter? = lock.withLock {
            let router = self.router(of: participant)
            trackRouters[media.track] = router
            publishedBy[participant, default: []].append(media.track)
            return router
        }
        router?.publish(track: media.track, on: transport, participant: participant, ssrcs: media.ssrcs, codecs: media.codecs,
                        streams: streams, layerSizes: sizes)
    }

    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, participant: ParticipantSID, target: PeerTarget) {
        guard let transport = transport(participant, target) else { return }
        let (settings, router) = lock.withLock { (subscriberSettings[Subscription(participant: participant, track: downTrack.track)], self.router(of: participant)) }
        router?.subscribe(track: downTrack.track, transport: transport, participant: participant, ssrc: downTrack.ssrc,
                         payloadTypes: downTrack.payloadTypes, clockRate: downTrack.clockRate, settings: settings ?? SimulcastSubscriberSettings(),
                         extensionIDs: downTrack.extensionIDs)
    }

    func downTrackRemoved(_ track: TrackSID, participant: ParticipantSID, target: PeerTarget) {
        guard let transport = transport(participant, target), let router = lock.withLock({ self.router(of: participant) }) else { return }
        router.unsubscribe(track: track, transport: transport)
    }

    /// UpdateTrackSettings → the down track's simulcast choice (kept for a down track negotiated later).
    func downTrackSettings(_ settings: DownTrackSettings, track: TrackSID, participant: ParticipantSID) {
        let mapped = SimulcastSubscriberSettings(
            maxQuality: SimulcastLayer(rawValue: min(max(settings.quality, 0), 2)) ?? .high, width: settings.width, height: settings.height,
            isPaused: settings.disabled || settings.quality == 3
        )
        let found: (PeerTransport, MediaRouter)? = lock.withLock {
            subscriberSettings[Subscription(participant: participant, track: track)] = mapped
            let endpoints = endpoints[participant]
            guard let transport = (endpoints?[.subscriber] ?? endpoints?[.publisher])?.transport, let router = self.router(of: participant) else { return nil }
            return (transport, router)
        }
        guard let (transport, router) = found else { return }
        let applied = router.updateSubscriberSettings(track: track, transport: transport, settings: mapped)
        hub?.log.append(EventRecord(kind: "media.layer_settings", participant: participant, detail: [
            "track": .string(track.rawValue), "max_quality": .string("\(mapped.maxQuality)"), "paused": .bool(mapped.isPaused),
            "width": .int(Int64(mapped.width)), "height": .int(Int64(mapped.height)), "applied": .bool(applied),
            "active_layers": .strings(router.activeLayers(track: track).map { "\($0)" }),
        ]))
    }

    // MARK: Generated tracks (Decart test pattern)

    /// Starts playing the embedded test pattern as `track`'s publisher in `room` (VP8 or H.264, 640x360, 30 fps).
    func startPattern(track: TrackSID, in room: RoomName, codec: GeneratedCodec, ssrc: UInt32) throws -> PatternGenerator {
        let configuration = PatternVideoSource.Configuration(
            ssrc: SSRC(ssrc), payloadType: codec.payloadType, firstSequenceNumber: UInt16(truncatingIfNeeded: ssrc >> 8),
            firstTimestamp: ssrc &* 2_654_435_761
        )
        let source: PatternVideoSource
        if codec.encodingName.lowercased() == "h264" {
            source = try PatternVideoSource(h264: try H264AnnexBParser.accessUnits(in: Self.decoded(TestPatternData.h264AnnexB360p)), configuration: configuration)
        } else {
            source = try PatternVideoSource(ivf: try IVFFile(parsing: Self.decoded(TestPatternData.vp8IVF360p)), configuration: configuration)
        }
        let router: MediaRouter = lock.withLock {
            let router = routers[room] ?? makeRouter()
            routers[room] = router
            trackRouters[track] = router
            return router
        }
        let generator = PatternGenerator(source: source, router: router, clock: clock, scheduler: scheduler)
        router.publish(track: track, on: generator, ssrcs: [ssrc], codecs: [codec.payloadType: codec.encodingName.lowercased()])
        generator.start()
        return generator
    }

    /// Stops a generated track.
    func stopPattern(_ generator: PatternGenerator) {
        generator.stop()
        generator.router.remove(generator)
    }

    private static func decoded(_ base64: String) -> [UInt8] {
        Array(Data(base64Encoded: base64) ?? Data())
    }

    // MARK: Standalone peers (Decart aiortc)

    /// A transport that belongs to no participant (an `EchoPeer`).
    func makeTransport(onEvent: @escaping @Sendable (PeerTransport.Event) -> Void) throws -> PeerTransport {
        try PeerTransport(configuration: iceConfiguration, certificate: certificate, clock: clock, scheduler: scheduler, onEvent: onEvent)
    }

    /// Routes an echo peer: the client's video (its SSRCs and codecs) back to the same transport on `outgoingSSRC`.
    /// The peer gets a router of its own, and its RTP and RTCP go to it on the transport's receive thread.
    func routeEcho(id: String, transport: PeerTransport, ssrcs: [UInt32], codecs: [UInt8: String], outgoingSSRC: UInt32, payloadTypes: [UInt8: UInt8]) {
        let track = TrackSID("TR_echo_\(id)")
        let router: MediaRouter = lock.withLock {
            let router = echoRouters[ObjectIdentifier(transport)] ?? makeRouter()
            echoRouters[ObjectIdentifier(transport)] = router
            return router
        }
        router.publish(track: track, on: transport, ssrcs: ssrcs, codecs: codecs)
        router.subscribe(track: track, transport: transport, ssrc: outgoingSSRC, payloadTypes: payloadTypes, clockRate: 90_000)
        transport.deliverMedia(to: router)
    }

    /// Closes an echo peer's transport and forgets its router.
    func closeEcho(_ transport: PeerTransport) {
        let router: MediaRouter? = lock.withLock {
            let router = echoRouters.removeValue(forKey: ObjectIdentifier(transport))
            retiredForwarded += router?.forwardedPackets ?? 0
            return router
        }
        router?.remove(transport)
        transport.close()
    }

    /// Frames in and out of a track (for Decart `server_metrics`).
    func frameCounters(track: TrackSID) -> (input: Int, output: Int, lastLatency: Duration?) {
        lock.withLock { trackRouters[track] }?.frameCounters(track: track) ?? (0, 0, nil)
    }

    /// A DataPacket (or data-track frame) for the participant on its data channel `channel`: dual-PC, the server's
    /// own channel on the subscriber PC (as LiveKit writes to its primary PC), else the client's channel on its
    /// publisher PC (single-PC: the only one). Undeliverable packets are logged.
    func deliverData(_ packet: [UInt8], channel: DataChannelLabel, participant: ParticipantSID) {
        let label = channel.rawValue
        let candidates: [(PeerTarget, PeerTransport)] = lock.withLock {
            [PeerTarget.subscriber, .publisher].compactMap { target in endpoints[participant]?[target]?.transport.map { (target, $0) } }
        }
        for (target, transport) in candidates where transport.sendData(packet, binary: true, label: label) {
            hub?.log.append(EventRecord(kind: "data.delivered", participant: participant, detail: [
                "target": .string(target.rawValue), "label": .string(label), "bytes": .int(Int64(packet.count)),
            ]))
            return
        }
        hub?.log.append(EventRecord(kind: "data.undelivered", participant: participant, detail: [
            "label": .string(label), "bytes": .int(Int64(packet.count)), "why": .string("no open \(label) data channel"),
        ]))
    }

    /// `track` re-sends `source`'s RTP in the source's room.
    func echoTrack(_ track: TrackSID, source: TrackSID) {
        let router: MediaRouter? = lock.withLock {
            let router = trackRouters[source]
            trackRouters[track] = router
            return router
        }
        router?.echo(track: track, source: source)
    }

    func connectionClosed(_ connection: ConnectionID) {
        let orphans = lock.withLock { pending.removeValue(forKey: connection) ?? [] }
        for endpoint in orphans { close(endpoint, router: nil) }
    }

    func participantRemoved(_ participant: ParticipantSID) {
        let (owned, router): ([Endpoint], MediaRouter?) = lock.withLock {
            subscriberSettings = subscriberSettings.filter { $0.key.participant != participant }
            // Its tracks are gone: forget which router had them (a room that lives on would otherwise keep every
            // track ever published in it).
            if let gone = publishedBy.removeValue(forKey: participant) { for track in gone { trackRouters[track] = nil } }
            let router = self.router(of: participant)
            if let room = rooms.removeValue(forKey: participant), !rooms.values.contains(room), let gone = routers.removeValue(forKey: room) {
                // The room's last participant with media left: its router goes with it.
                retiredForwarded += gone.forwardedPackets
                trackRouters = trackRouters.filter { $0.value !== gone }
            }
            return (endpoints.removeValue(forKey: participant).map { Array($0.values) } ?? [], router)
        }
        for endpoint in owned {
            close(endpoint, router: router)
            hub?.log.append(EventRecord(kind: "transport.closed", participant: participant, detail: ["target": .string(endpoint.target.rawValue)]))
        }
    }

    private func close(_ endpoint: Endpoint, router: MediaRouter?) {
        guard let transport = endpoint.transport else { return }
        router?.remove(transport)
        transport.close()
    }

    /// Closes every transport (server shutdown).
    func closeAll() {
        let all: [Endpoint] = lock.withLock {
            defer { endpoints.removeAll(); pending.removeAll() }
            return endpoints.values.flatMap(\.values) + pending.values.flatMap { $0 }
        }
        for endpoint in all { endpoint.transport?.close() }
    }

    private func transportEvent(_ event: PeerTransport.Event, on endpoint: Endpoint) {
        guard let hub else { return }
        let participant: ParticipantSID? = lock.withLock { endpoint.participant }
        switch event {
        case .localCandidate(let candidate):
            lock.withLock { endpoint.candidates.append(candidate) }
            if let participant { hub.localCandidateGathered(candidate, participant: participant, target: endpoint.target) }
        case .gatheringDone:
            hub.log.append(EventRecord(kind: "transport.gathered", participant: participant, detail: ["target": .string(endpoint.target.rawValue)]))
        case .connected:
            hub.log.append(EventRecord(kind: "transport.connected", participant: participant, detail: ["target": .string(endpoint.target.rawValue)]))
            if let participant { hub.transportConnected(participant, target: endpoint.target) }
        case .peerClosed:
            hub.log.append(EventRecord(kind: "transport.peer_closed", participant: participant, detail: ["target": .string(endpoint.target.rawValue)]))
        case .failed(let why):
            hub.log.append(EventRecord(kind: "transport.failed", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "why": .string(why),
            ]))
        case .rtp, .rtcp:
            break  // media before the transport's room is known: nothing routes it yet
        case .dataChannelsReady:
            hub.log.append(EventRecord(kind: "datachannel.ready", participant: participant, detail: ["target": .string(endpoint.target.rawValue)]))
        case .dataChannelOpened(let id, let label):
            hub.log.append(EventRecord(kind: "datachannel.open", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "label": .string(label), "stream": .int(Int64(id)),
            ]))
            if let participant, let channel = DataChannelLabel(rawValue: label) { hub.dataChannelOpened(channel, participant: participant) }
        case .dataChannelMessage(let id, let label, let binary, let payload):
            hub.log.append(EventRecord(kind: "datachannel.message", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "label": .string(label), "stream": .int(Int64(id)),
                "binary": .bool(binary), "bytes": .int(Int64(payload.count)),
            ]))
            // LiveKit's DataPackets ride on the client's _reliable and _lossy channels, data-track frames on _data_track.
            if let participant, let channel = DataChannelLabel(rawValue: label) { hub.dataReceived(payload, on: channel, participant: participant) }
        case .dataChannelClosed(let id, let label):
            hub.log.append(EventRecord(kind: "datachannel.close", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "label": .string(label), "stream": .int(Int64(id)),
            ]))
        case .dataChannelsEnded(let why):
            hub.log.append(EventRecord(kind: "datachannel.ended", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "why": .string(why),
            ]))
        case .dataChannelDropped(let why):
            hub.log.append(EventRecord(kind: "datachannel.dropped", participant: participant, detail: [
                "target": .string(endpoint.target.rawValue), "why": .string(why),
            ]))
        }
    }
}
