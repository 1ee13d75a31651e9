import Foundation
import SimCore
import SimRTP
import SimSCTP
import Synchronization

/// One client PeerConnection's transport: ICE (libnice) carrying DTLS (OpenSSL) and SRTP (libsrtp2),
/// demultiplexed by first byte (RFC 7983).
///
/// Events (gathered candidates, connected, failures) go to `onEvent`, always outside the transport's lock, in the
/// order they happened, from the transport's event pump (a task reading the ICE agent's events). The transport
/// gathers as soon as it exists; DTLS starts when the remote description arrives (as server) or when ICE connects
/// (as client).
///
/// Media path (house style §7): SRTP and SRTCP never reach the pump. On the ICE agent's loop thread the
/// `MediaIngress` copies each such datagram once into a reusable buffer, decrypts it (libsrtp) and hands it
/// synchronously to the `MediaPacketSink` attached with ``deliverMedia(to:)`` (the room's router), or, before one
/// is attached, to `onEvent` as `.rtp` / `.rtcp` on that same thread. `sendRTP` protects the caller's buffer in
/// place with `SRTPPacketProtector` (libcrypto), takes no lock of the transport's, and allocates nothing.
///
/// Close cascade: `close()` (or deinit) → cancels the DTLS timer → stops reading ICE events → `ICEAgent.close()`
/// (quits its GLib loop, joins the thread, frees the agent) → the SRTP contexts are freed with the transport.
public final class PeerTransport: @unchecked Sendable {
    /// What the transport reports.
    public enum Event: Sendable, Equatable {
        /// A local ICE candidate (`candidate:` SDP line) to trickle to the client.
        case localCandidate(String)
        /// Local gathering finished.
        case gatheringDone
        /// ICE and DTLS are up; SRTP keys are installed.
        case connected
        /// ICE or DTLS failed (the reason is for the event log).
        case failed(String)
        /// The client closed DTLS (close_notify), as it does when it leaves.
        case peerClosed
        /// A decrypted RTP packet from the client (only while no media sink is attached; on the receive thread).
        case rtp([UInt8])
        /// A decrypted RTCP compound packet from the client (only while no media sink is attached; on the receive
        /// thread).
        case rtcp([UInt8])
        /// The SCTP association for data channels is up.
        case dataChannelsReady
        /// The client opened a data channel (DCEP).
        case dataChannelOpened(id: UInt16, label: String)
        /// A message on a data channel (`binary` false: UTF-8 text).
        case dataChannelMessage(id: UInt16, label: String, binary: Bool, [UInt8])
        /// A data channel closed (the client reset its stream).
        case dataChannelClosed(id: UInt16, label: String)
        /// The SCTP association ended (the reason says how); no more data channel traffic.
        case dataChannelsEnded(String)
        /// A data-channel packet or message was discarded (for the log).
        case dataChannelDropped(String)
    }

    /// The client's side of the transport, from its SDP.
    public struct RemoteDescription: Sendable, Equatable {
        /// `a=ice-ufrag`.
        public var iceUfrag: String
        /// `a=ice-pwd`.
        public var icePwd: String
        /// `a=fingerprint` (sha-256) value.
        public var fingerprint: String
        /// Whether we are the DTLS client (we answered `a=setup:active`).
        public var weAreDTLSClient: Bool
        /// Candidates carried in the SDP.
        public var candidates: [String]
        /// The SCTP port of the negotiated data-channel section (nil: no data channels on this PeerConnection).
        public var sctpPort: UInt16?

        /// A description.
        public init(iceUfrag: String, icePwd: String, fingerprint: String, weAreDTLSClient: Bool, candidates: [String], sctpPort: UInt16? = nil) {
            self.sctpPort = sctpPort
            self.iceUfrag = iceUfrag
            self.icePwd = icePwd
            self.fingerprint = fingerprint
            self.weAreDTLSClient = weAreDTLSClient
            self.candidates = candidates
        }
    }

    /// Our ICE credentials (for the SDP); new ones after ``restartICE(with:)``.
    public var localCredentials: ICECredentials { agent.localCredentials }
    /// Our DTLS certificate's fingerprint (for the SDP).
    public let localFingerprint: String

    private let lock = NSLock()
    private let agent: ICEAgent
    private let certificate: DTLSCertificate
    private let clock: any SimClock
    private let scheduler: any TimerScheduler
    private let onEvent: @Sendable (Event) -> Void
    private var dtls: DTLSStateMachine?
    private var dtlsStarted = false
    private var iceConnected = false
    private var dtlsTimer: (any TimerHandle)?
    /// The synchronous receive path (SRTP/SRTCP in).
    private let ingress: MediaIngress
    /// SRTCP out (and nothing else since `outboundRTP` exists).
    private var outbound: SRTPContext?
    /// SRTP out: allocation-free per packet, for the forwarder; installed once, read without a lock.
    private let outboundRTP = AtomicLazyReference<OutboundKeys>()
    private var earlyDTLS: [[UInt8]] = []
    private var unsent: [[UInt8]] = []
    private var pump: Task<Void, Never>?
    private var closed = false
    /// The data channels' SCTP association once DTLS is up, when the SDP negotiated one (lock held).
    private var dataChannels: DataChannelEndpoint?
    private var sctpPort: UInt16?
    /// Channels we open ourselves once the association is up (LiveKit's server channels on the subscriber PC).
    private var ownChannels: [DataChannelOpen] = []
    /// Our DTLS role, once the remote description set it (the parity of our own channels' stream ids).
    private var isDTLSClient = false
    private var sctpTimers: [SCTPTimer: (handle: any TimerHandle, at: SimInstant)] = [:]
    private var dtlsConnected = false

    /// Creates the ICE agent on `configuration`'s addresses; gathering starts with `startGathering()` (once the
    /// owner can deliver the candidates).
    public init(configuration: ICEConfiguration, certificate: DTLSCertificate, clock: any SimClock,
                scheduler: any TimerScheduler, onEvent: @escaping @Sendable (Event) -> Void) throws(ICEError) {
        let ingress = MediaIngress(fallback: onEvent)
        self.ingress = ingress
        agent = try ICEAgent(configuration: configuration, datagramHandler: { ingress.datagramReceived($0) })
        localFingerprint = certificate.fingerprint.sdpValue
        self.certificate = certificate
        self.clock = clock
        self.scheduler = scheduler
        self.onEvent = onEvent
        let events = agent.events
        pump = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                self.iceEventReceived(event)
            }
        }
    }

    /// Starts gathering local candidates (reported as `.localCandidate`, then `.gatheringDone`).
    public func startGathering() throws(ICEError) {
        try agent.gather()
    }

    deinit { close() }

    /// ICE restart with our new credentials: checks start over (with the peer's new credentials, from the
    /// following `setRemote`), local candidates are kept and reported again so they can be re-trickled, and DTLS
    /// and SRTP carry on over whichever pair ICE selects next (RFC 8445 §9; media keeps its keys).
    public func restartICE(with credentials: ICECredentials) throws(ICEError) {
        try agent.restart(with: credentials)
    }

    /// Applies the client's description: ICE credentials and candidates, DTLS role and expected fingerprint.
    /// Again after an ICE restart: only the ICE part applies (DTLS keeps running).
    public func setRemote(_ remote: RemoteDescription) throws {
        try agent.addRemoteCredentials(ufrag: remote.iceUfrag, pwd: remote.icePwd)
        for candidate in remote.candidates { try? agent.addRemoteCandidate(sdpLine: candidate) }
        guard let expected = DTLSFingerprint(sdpValue: remote.fingerprint) else {
            throw DTLSError.setupFailed("unusable remote fingerprint \(remote.fingerprint)")
        }
        let machine = try DTLSStateMachine(role: remote.weAreDTLSClient ? .client : .server, certificate: certificate, expectedRemoteFingerprint: expected)
        let events: [Event] = lock.withLock {
            var out: [Event] = []
            // Data channels may be negotiated in a later offer (the Rust SDK adds them when it first sends data).
            if let port = remote.sctpPort, sctpPort == nil, !closed {
                sctpPort = port
                isDTLSClient = remote.weAreDTLSClient
                out += startDataChannels()
            }
            guard !closed, dtls == nil else { return out }
            dtls = machine
            if remote.weAreDTLSClient, iceConnected { out += startDTLS() }
            let early = earlyDTLS
            earlyDTLS = []
            for datagram in early { out += run(machine.datagramReceived(datagram, now: clock.now())) }
            return out
        }
        emit(events)
    }

    /// A trickled candidate (`candidate:` line, `a=` optional); empty means end of candidates.
    public func addRemoteCandidate(_ line: String) throws(ICEError) {
        if line.isEmpty {
            try agent.endOfRemoteCandidates()
        } else {
            try agent.addRemoteCandidate(sdpLine: line)
        }
    }

    /// Sends an RTP packet to the client (protected in place, without allocating, by `SRTPPacketProtector`; the array
    /// needs `SRTPContext.trailerSlack` capacity). Callers serialise their sends (MediaRouter's lock does), as for
    /// any SRTP context.
    public func sendRTP(_ packet: inout [UInt8]) throws {
        guard let keys = outboundRTP.load() else { return }
        try keys.protector.protectRTP(&packet)
        try agent.send(packet)
    }

    /// Hands the peer's decrypted media to `sink` from now on, synchronously on the receive thread (the first call
    /// wins; a transport belongs to one room).
    public func deliverMedia(to sink: any MediaPacketSink) {
        ingress.attach(sink, source: ObjectIdentifier(self))
    }

    /// Sends an RTCP compound packet to the client.
    public func sendRTCP(_ packet: inout [UInt8]) throws {
        let context: SRTPContext? = lock.withLock { outbound }
        guard let context else { return }
        try context.protectRTCP(&packet)
        try agent.send(packet)
    }

    /// Sends a message on the client's data channel labelled `label` (with that channel's ordering and
    /// reliability); false when no such channel is open.
    @discardableResult
    public func sendData(_ payload: [UInt8], binary: Bool = true, label: String) -> Bool {
        var sent = false
        let events: [Event] = lock.withLock {
            guard !closed, let channel = dataChannels?.channel(labelled: label) else { return [] }
            sent = true
            return withDataChannels { $0.send(payload, binary: binary, on: channel.id, now: clock.now()) }
        }
        emit(events)
        return sent
    }

    /// Opens these channels of our own once the data channels are up (call it before `setRemote`, so they are
    /// there from the start): ordered and reliable, or unordered without retransmissions.
    public func openDataChannels(_ channels: [(label: String, reliable: Bool)]) {
        let opens = channels.map { channel in
            channel.reliable ? DataChannelOpen(channelType: 0x00, label: channel.label) : DataChannelOpen(channelType: 0x81, reliability: 0, label: channel.label)
        }
        lock.withLock { ownChannels += opens }
    }

    /// The labels of the open data channels (the client's and ours).
    public var openDataChannels: [String] {
        lock.withLock { dataChannels?.channels.values.map(\.label).sorted() ?? [] }
    }

    /// Closes ICE and stops DTLS; idempotent.
    public func close() {
        let (timer, task, sctp): ((any TimerHandle)?, Task<Void, Never>?, [any TimerHandle]) = lock.withLock {
            if closed { return (nil, nil, []) }
            closed = true
            defer { dtlsTimer = nil; pump = nil; sctpTimers = [:] }
            return (dtlsTimer, pump, sctpTimers.values.map(\.handle))
        }
        for handle in sctp { handle.cancel() }
        timer?.cancel()
        task?.cancel()
        agent.close()
    }

    // MARK: Events (lock not held on entry)

    private func iceEventReceived(_ event: ICEEvent) {
        switch event {
        case .localCandidate(let line): emit([.localCandidate(line)])
        case .gatheringDone: emit([.gatheringDone])
        case .stateChanged(let state):
            switch state {
            case .connected, .ready:
                let events: [Event] = lock.withLock {
                    iceConnected = true
                    // A DTLS flight answered before libnice had a selected pair would otherwise wait for the peer's
                    // 1 s retransmission: send it now.
                    let queued = unsent
                    unsent = []
                    for datagram in queued { transmit(datagram) }
                    return startDTLS()
                }
                emit(events)
            case .failed: emit([.failed("ICE failed")])
            default: break
            }
        case .datagramReceived(let bytes):
            guard let first = bytes.first else { return }
            switch PacketClass(firstByte: first) {
            case .dtls:
                let events: [Event] = lock.withLock {
                    guard let dtls else {
                        if earlyDTLS.count < 16 { earlyDTLS.append(bytes) }  // a client flight before our SDP is applied
                        return []
                    }
                    return run(dtls.datagramReceived(bytes, now: clock.now()))
                }
                emit(events)
            default:
                return  // RFC 7983: SRTP/SRTCP went to the ingress on the receive thread; anything else is dropped
            }
        }
    }

    /// Starts the handshake when we are the DTLS client and ICE is up (lock held).
    private func startDTLS() -> [Event] {
        guard let dtls, !dtlsStarted, iceConnected, dtls.role == .client else { return [] }
        dtlsStarted = true
        return run(dtls.start(now: clock.now()))
    }

    private func dtlsTimerFired() {
        let events: [Event] = lock.withLock {
            guard let dtls, !closed else { return [] }
            return run(dtls.timerFired(now: clock.now()))
        }
        emit(events)
    }

    /// Runs DTLS actions (lock held); returns the events to emit afterwards.
    private func run(_ actions: [DTLSStateMachine.Action]) -> [Event] {
        var events: [Event] = []
        for action in actions {
            switch action {
            case .sendDatagrams(let datagrams):
                for datagram in datagrams { transmit(datagram) }
            case .armTimer(let deadline):
                dtlsTimer?.cancel()
                let delay = deadline > clock.now() ? deadline - clock.now() : .zero
                dtlsTimer = scheduler.schedule(after: delay) { [weak self] in self?.dtlsTimerFired() }
            case .connected(let keying, _):
                do {
                    ingress.install(try SRTPContext(inbound: keying))
                    // NACK answers resend the same RTP index with identical bytes (RFC 4588's alternative of
                    // resending the original packet), which libsrtp refuses unless repeat transmission is allowed.
                    outbound = try SRTPContext(profile: keying.profile, masterKey: keying.localMasterKey, direction: .outbound, allowRepeatTransmission: true)
                    _ = outboundRTP.storeIfNil(OutboundKeys(protector: try SRTPPacketProtector(profile: keying.profile, masterKey: keying.localMasterKey)))
                    events.append(.connected)
                    dtlsConnected = true
                    events += startDataChannels()
                } catch {
                    events.append(.failed("SRTP setup: \(error)"))
                }
            case .failed(.closedByPeer):
                events.append(.peerClosed)
            case .failed(let error):
                events.append(.failed("DTLS: \(error)"))
            case .applicationDataReceived(let bytes):
                // RFC 8261: each DTLS application-data record carries one SCTP packet.
                events += withDataChannels { $0.packetReceived(bytes, now: clock.now()) }
            }
        }
        return events
    }

    // MARK: Data channels (SCTP over DTLS, lock held)

    /// Starts the SCTP association once DTLS is up and the SDP negotiated a data-channel section (both WebRTC ends
    /// send INIT). Its tags come from a seed derived from our certificate's fingerprint.
    private func startDataChannels() -> [Event] {
        guard dataChannels == nil, dtlsConnected, let port = sctpPort, !closed else { return [] }
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in localFingerprint.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        dataChannels = DataChannelEndpoint(configuration: SCTPConfiguration(localPort: port, remotePort: port), seed: seed)
        let now = clock.now()
        let client = isDTLSClient
        let opens = ownChannels
        return withDataChannels { endpoint in
            var actions = endpoint.start(now: now)
            for open in opens { actions += endpoint.open(open, dtlsClient: client, now: now) }
            return actions
        }
    }

    /// Runs `body` on the data channels and their actions (lock held); the events to emit.
    private func withDataChannels(_ body: (inout DataChannelEndpoint) -> [DataChannelEndpoint.Action]) -> [Event] {
        // Mutated in place, so its buffers stay uniquely referenced (a copy taken out would make the send queue copy
        // itself on every packet).
        guard dataChannels != nil else { return [] }
        let actions = body(&dataChannels!)
        var events: [Event] = []
        for action in actions {
            switch action {
            case .sendPacket(let packet):
                if let dtls { events += run(dtls.sendApplicationData(packet, now: clock.now())) }
            case .armTimer(let timer, let at):
                // A wake-up already due no later is kept: the engine, woken early, asks again for its deadline. (The
                // retransmission timer moves later on every SACK; rescheduling it each time cost a timer-heap
                // update and an eventfd write per packet.)
                if let armed = sctpTimers[timer], armed.at <= at { continue }
                sctpTimers.removeValue(forKey: timer)?.handle.cancel()
                let now = clock.now()
                let handle = scheduler.schedule(after: at > now ? at - now : .zero) { [weak self] in self?.sctpTimerFired(timer) }
                sctpTimers[timer] = (handle, at)
            case .cancelTimer(let timer):
                sctpTimers.removeValue(forKey: timer)?.handle.cancel()
            case .established: events.append(.dataChannelsReady)
            case .channelOpened(let channel): events.append(.dataChannelOpened(id: channel.id, label: channel.label))
            case .messageReceived(let channel, let binary, let payload):
                events.append(.dataChannelMessage(id: channel.id, label: channel.label, binary: binary, payload))
            case .channelClosed(let channel): events.append(.dataChannelClosed(id: channel.id, label: channel.label))
            case .ended(let why): events.append(.dataChannelsEnded(why))
            case .dropped(let why): events.append(.dataChannelDropped(why))
            }
        }
        return events
    }

    private func sctpTimerFired(_ timer: SCTPTimer) {
        let events: [Event] = lock.withLock {
            guard !closed, sctpTimers.removeValue(forKey: timer) != nil else { return [] }
            return withDataChannels { $0.timerFired(timer, now: clock.now()) }
        }
        emit(events)
    }

    /// Sends a datagram, or keeps it until ICE has a selected pair (lock held).
    private func transmit(_ datagram: [UInt8]) {
        if iceConnected, (try? agent.send(datagram)) != nil { return }
        if unsent.count < 64 { unsent.append(datagram) }
    }

    private func emit(_ events: [Event]) {
        for event in events { onEvent(event) }
    }
}

/// The outbound SRTP protector; only the forwarder uses it (serialised by the router), after installation.
private final class OutboundKeys: @unchecked Sendable {
    let protector: SRTPPacketProtector
    init(protector: SRTPPacketProtector) { self.protector = protector }
}
