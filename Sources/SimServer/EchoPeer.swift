import Foundation
import SimCore
import SimMedia
import SimSDP

/// A PeerConnection whose far end is sfusim itself (the Decart aiortc transport, reference §4.1): it answers the
/// client's offer, receives the client's video and sends it straight back on the same connection (an echo
/// track with its own SSRC, munged like any down track).
///
/// The answer is made once local gathering is done, with our candidates in it (as an aiortc server answers);
/// they are also reported one by one so the shell can trickle them.
final class EchoPeer: @unchecked Sendable {
    /// What the peer reports to its owner.
    enum Event: Sendable {
        /// The answer, with our candidates (after gathering).
        case answered(sdp: String, candidates: [String])
        /// ICE and DTLS are up.
        case connected
        /// It failed (the reason is for the client and the event log).
        case failed(String)
    }

    /// Why an offer cannot be answered.
    struct OfferError: Error, CustomStringConvertible {
        var description: String
    }

    let transport: PeerTransport
    private let lock = NSLock()
    private var candidates: [String] = []
    private var answered = false
    private let offer: SessionDescription
    private let configuration: SDPAnswerConfiguration
    private let outgoing: [MediaID: OutgoingTrack]

    /// Parses `offerSDP`, creates the transport and applies the client's side; call `start()` once the owner
    /// keeps the peer.
    init(offerSDP: String, id: String, ssrc: UInt32, media: MediaService, onEvent: @escaping @Sendable (Event) -> Void) throws {
        do {
            offer = try SDPParser.parse(offerSDP)
        } catch {
            throw OfferError(description: "malformed SDP offer: \(error)")
        }
        guard let video = offer.media.first(where: { $0.kind == .video && $0.direction.receives && !$0.isRejected }),
              let videoMid = video.mid else {
            throw OfferError(description: "the offer has no video section that receives: nothing to send the generated video on")
        }
        let box = WeakBox<EchoPeer>()
        transport = try media.makeTransport { event in box.value?.transportEvent(event, media: media, onEvent: onEvent) }
        outgoing = [videoMid: OutgoingTrack(streamID: "inference-\(id)", trackID: "echo-\(id)", ssrc: ssrc)]
        configuration = SDPAnswerConfiguration(
            iceUfrag: transport.localCredentials.ufrag, icePwd: transport.localCredentials.pwd,
            fingerprint: DTLSFingerprint(algorithm: "sha-256", value: transport.localFingerprint), sessionID: UInt64(ssrc)
        )
        box.value = self
        // Check the offer is answerable before anything starts.
        let answer: SDPAnswer
        do {
            answer = try SDPAnswerBuilder(configuration: configuration).answer(to: offer, outgoingTracks: outgoing)
        } catch {
            transport.close()
            throw OfferError(description: "unusable SDP offer: \(error)")
        }
        guard let remote = OfferedTransport(offer: offer, answer: answer, section: video) else {
            transport.close()
            throw OfferError(description: "the offer has no ICE credentials or DTLS fingerprint")
        }
        try transport.setRemote(PeerTransport.RemoteDescription(
            iceUfrag: remote.iceUfrag, icePwd: remote.icePwd, fingerprint: remote.fingerprint.value,
            weAreDTLSClient: remote.weAreDTLSClient, candidates: remote.candidates
        ))
        // Route: the client's video in, and back out to the same transport on our SSRC.
        let routing = EchoRouting(offered: video, answered: answer.section(videoMid))
        media.routeEcho(id: id, transport: transport, ssrcs: routing.ssrcs, codecs: routing.codecs, outgoingSSRC: ssrc,
                        payloadTypes: routing.payloadTypes)
    }

    /// Starts gathering; the answer follows when it is done.
    func start() throws {
        try transport.startGathering()
    }

    /// A client candidate; nil: the client finished gathering.
    func addRemoteCandidate(_ candidate: String?) {
        try? transport.addRemoteCandidate(candidate ?? "")
    }

    private func transportEvent(_ event: PeerTransport.Event, media: MediaService, onEvent: @escaping @Sendable (Event) -> Void) {
        switch event {
        case .localCandidate(let line):
            lock.withLock { candidates.append(line) }
        case .gatheringDone:
            let gathered: [String]? = lock.withLock {
                guard !answered else { return nil }
                answered = true
                return candidates
            }
            guard let gathered else { return }
            var withCandidates = configuration
            withCandidates.candidates = gathered.map { $0.hasPrefix("candidate:") ? String($0.dropFirst("candidate:".count)) : $0 }
            withCandidates.endOfCandidates = true
            do {
                let answer = try SDPAnswerBuilder(configuration: withCandidates).answer(to: offer, outgoingTracks: outgoing)
                onEvent(.answered(sdp: answer.sdp, candidates: gathered))
            } catch {
                onEvent(.failed("answer: \(error)"))
            }
        case .connected:
            onEvent(.connected)
        case .failed(let why):
            onEvent(.failed(why))
        case .peerClosed, .rtp, .rtcp, .dataChannelsReady, .dataChannelOpened, .dataChannelMessage, .dataChannelClosed,
             .dataChannelsEnded, .dataChannelDropped:
            break  // media goes to the peer's router on the receive thread once it is routed (`routeEcho`)
        }
    }
}

/// A weak reference that can be filled in after a closure captured it.
final class WeakBox<Value: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private weak var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
