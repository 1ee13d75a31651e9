import Foundation
import Logging
import SimCore
import SimMedia
import SimRoom
import SimSignal

/// Gives each single-PC signal connection a real transport (ICE + DTLS-SRTP) and reports it to the hub:
/// gathered candidates are trickled, DTLS connected makes the participant ACTIVE.
///
/// Lock order: the hub calls in holding its lock, and this service then takes its own; transport events call the
/// hub without holding this service's lock. Dual-PC connections stay signalling-only for now (issue #3).
final class MediaService: SignalMediaDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var transports: [ConnectionID: PeerTransport] = [:]
    private var participants: [ConnectionID: ParticipantSID] = [:]
    private let certificate: DTLSCertificate
    private let iceConfiguration: ICEConfiguration
    private let clock: any SimClock
    private let scheduler: any TimerScheduler
    private let logger: Logger
    private let router: MediaRouter
    weak var hub: SignalHub?

    init(localAddress: String, portRange: ClosedRange<UInt16>?, clock: any SimClock, scheduler: any TimerScheduler, logger: Logger) throws {
        try MediaLibraries.initializeOnce()
        certificate = try DTLSCertificate()
        iceConfiguration = ICEConfiguration(localAddresses: [localAddress], portRange: portRange, role: .controlled)
        self.clock = clock
        self.scheduler = scheduler
        self.logger = logger
        router = MediaRouter(clock: clock)
    }

    /// RTP packets forwarded to subscribers so far.
    var forwardedPackets: UInt64 { router.forwardedPackets }

    func transportOpened(for connection: ConnectionID, mode: SignalMode) -> LocalTransportParameters? {
        guard mode == .singlePC else { return nil }
        do {
            let transport = try PeerTransport(
                configuration: iceConfiguration, certificate: certificate, clock: clock, scheduler: scheduler
            ) { [weak self] event in self?.transportEvent(event, on: connection) }
            lock.withLock { transports[connection] = transport }
            hub?.log.append(EventRecord(kind: "transport.open", connection: connection, detail: [
                "ufrag": .string(transport.localCredentials.ufrag), "address": .string(iceConfiguration.localAddresses.first ?? ""),
            ]))
            return LocalTransportParameters(
                iceUfrag: transport.localCredentials.ufrag, icePwd: transport.localCredentials.pwd, fingerprint: transport.localFingerprint
            )
        } catch {
            logger.error("cannot create a transport", metadata: ["connection": .string(connection.description), "error": .string("\(error)")])
            return nil
        }
    }

    func remoteDescription(_ description: RemoteTransportDescription, for connection: ConnectionID) {
        guard let transport = lock.withLock({ transports[connection] }) else { return }
        do {
            try transport.setRemote(PeerTransport.RemoteDescription(
                iceUfrag: description.iceUfrag, icePwd: description.icePwd, fingerprint: description.fingerprint,
                weAreDTLSClient: description.weAreDTLSClient, candidates: description.candidates
            ))
        } catch {
            hub?.log.append(EventRecord(kind: "transport.failed", connection: connection, detail: ["why": .string("remote description: \(error)")]))
        }
    }

    func remoteCandidate(_ candidate: String, for connection: ConnectionID) {
        guard let transport = lock.withLock({ transports[connection] }) else { return }
        do {
            try transport.addRemoteCandidate(candidate)
        } catch {
            // mDNS (.local) and TCP candidates are expected to be refused; log and go on.
            hub?.log.append(EventRecord(kind: "transport.candidate_refused", connection: connection, detail: [
                "candidate": .string(candidate), "why": .string("\(error)"),
            ]))
        }
    }

    func participantBound(_ participant: ParticipantSID, to connection: ConnectionID) {
        let transport: PeerTransport? = lock.withLock {
            participants[connection] = participant
            return transports[connection]
        }
        // The session exists now, so gathered candidates can be trickled.
        do {
            try transport?.startGathering()
        } catch {
            hub?.log.append(EventRecord(kind: "transport.failed", connection: connection, detail: ["why": .string("gathering: \(error)")]))
        }
    }

    func publisherTrack(_ media: PublishedTrackMedia, on connection: ConnectionID) {
        guard let transport = lock.withLock({ transports[connection] }) else { return }
        let participant = lock.withLock { participants[connection] }
        router.publish(track: media.track, on: transport, participant: participant, ssrcs: media.ssrcs, codecs: media.codecs)
    }

    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, on connection: ConnectionID) {
        guard let transport = lock.withLock({ transports[connection] }) else { return }
        let participant = lock.withLock { participants[connection] }
        router.subscribe(track: downTrack.track, transport: transport, participant: participant, ssrc: downTrack.ssrc,
                         payloadTypes: downTrack.payloadTypes, clockRate: downTrack.clockRate)
    }

    func downTrackRemoved(_ track: TrackSID, on connection: ConnectionID) {
        guard let transport = lock.withLock({ transports[connection] }) else { return }
        router.unsubscribe(track: track, transport: transport)
    }

    func transportClosed(for connection: ConnectionID) {
        let transport: PeerTransport? = lock.withLock {
            participants[connection] = nil
            return transports.removeValue(forKey: connection)
        }
        guard let transport else { return }
        router.remove(transport)
        transport.close()
        hub?.log.append(EventRecord(kind: "transport.closed", connection: connection))
    }

    /// Closes every transport (server shutdown).
    func closeAll() {
        let all: [PeerTransport] = lock.withLock {
            defer { transports.removeAll(); participants.removeAll() }
            return Array(transports.values)
        }
        for transport in all { transport.close() }
    }

    private func transportEvent(_ event: PeerTransport.Event, on connection: ConnectionID) {
        guard let hub else { return }
        switch event {
        case .localCandidate(let candidate):
            hub.localCandidateGathered(candidate, on: connection)
        case .gatheringDone:
            hub.log.append(EventRecord(kind: "transport.gathered", connection: connection))
        case .connected:
            let participant = lock.withLock { participants[connection] }
            hub.log.append(EventRecord(kind: "transport.connected", connection: connection, participant: participant))
            if let participant { hub.transportConnected(participant) }
        case .peerClosed:
            hub.log.append(EventRecord(kind: "transport.peer_closed", connection: connection))
        case .failed(let why):
            hub.log.append(EventRecord(kind: "transport.failed", connection: connection, detail: ["why": .string(why)]))
        case .rtp(let packet):
            guard let transport = lock.withLock({ transports[connection] }) else { return }
            router.rtpReceived(packet, from: transport)
        case .rtcp(let packet):
            guard let transport = lock.withLock({ transports[connection] }) else { return }
            router.rtcpReceived(packet, from: transport)
        }
    }
}
