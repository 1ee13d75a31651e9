import SimCore

/// One SCTP association over DTLS (RFC 8261, RFC 9260), as WebRTC data channels use it (RFC 8831): a pure engine.
/// Packets, user sends and timer expiries go in with `now`; packets to send, timers to arm and delivered messages
/// come out as actions. It does no I/O, reads no clock and owns no thread, so a transcript on a `ManualClock`
/// replays exactly, and two engines can be wired back to back in memory.
///
/// What it speaks: the four-way handshake with INIT collision (both WebRTC ends send INIT; RFC 9260 §5.2.1,
/// §5.2.4); DATA with fragmentation and reassembly (B/E bits) up to `maxMessageSize`; ordered delivery per stream
/// (SSN) and unordered delivery; SACK with gap blocks and duplicates; retransmission on T3 expiry (RTO measured and
/// backed off per RFC 9260 §6.3) and fast retransmit after three missing reports; slow start and congestion
/// avoidance; partial reliability (RFC 3758: a message sent with `maxRetransmits` is abandoned once it would be
/// sent more often, and FORWARD-TSN moves the peer past it); stream reset (RFC 6525 outgoing SSN reset requests and
/// responses, how a data channel closes); HEARTBEAT answers and idle heartbeats; ABORT and the SHUTDOWN sequence.
///
/// Deliberate simplifications: no I-DATA (RFC 8260), no zero checksum (RFC 9653), SACK at once for every packet
/// with DATA (RFC 9260 allows it; no delayed-ack timer), and the state cookie carries a random nonce rather than a
/// MAC: the DTLS association already authenticates the peer (RFC 8261 §4).
public struct SCTPAssociation: Sendable {
    /// What the shell does.
    public enum Action: Sendable, Equatable {
        /// Send one SCTP packet (as one DTLS application-data record).
        case sendPacket([UInt8])
        /// Arm (or re-arm) a timer for this instant.
        case armTimer(SCTPTimer, at: SimInstant)
        /// Cancel a timer.
        case cancelTimer(SCTPTimer)
        /// The association is up: messages flow.
        case established
        /// A whole message arrived.
        case messageReceived(SCTPMessage)
        /// The peer reset these incoming streams (it closed their data channels).
        case incomingStreamsReset([UInt16])
        /// The peer confirmed our reset of these outgoing streams.
        case outgoingStreamsReset([UInt16])
        /// The association closed gracefully (SHUTDOWN sequence done).
        case closed
        /// The association ended abruptly: the peer's ABORT, or too many timeouts.
        case aborted(String)
        /// Something was discarded (a packet that failed its checks, an oversized message): for the log.
        case dropped(String)
    }

    /// The association's state (RFC 9260 §4).
    public enum State: Sendable, Equatable {
        /// Nothing sent yet.
        case closed
        /// INIT sent, waiting for INIT ACK.
        case cookieWait
        /// COOKIE ECHO sent, waiting for COOKIE ACK.
        case cookieEchoed
        /// Up.
        case established
        /// Shutting down once everything sent is acknowledged.
        case shutdownPending
        /// SHUTDOWN sent.
        case shutdownSent
        /// SHUTDOWN ACK sent (the peer shut down).
        case shutdownAckSent
        /// Over (closed or aborted).
        case terminated
    }

    /// The settings.
    public let configuration: SCTPConfiguration
    /// The current state.
    public internal(set) var state: State = .closed

    // Identity and handshake.
    var random: SeededRandom
    let localTag: UInt32
    let initialTSN: UInt32
    let cookieNonce: UInt64
    var peerTag: UInt32 = 0
    var peerForwardTSN = false
    var handshakeAttempts = 0
    var handshakePacket: [UInt8]?
    var announcedEstablished = false
    var peerShutdown = false

    // Timers: the deadline each armed timer has (a firing for another deadline is stale).
    var deadlines: [SCTPTimer: SimInstant] = [:]

    // Sending.
    var nextTSN: UInt32
    var outboundSSN: [UInt16: UInt16] = [:]
    var queue = SlidingQueue<Outbound>()
    /// Bytes of the chunks in flight (kept in step by `update`, so no walk over the queue per packet).
    var flightBytes = 0
    /// Whether some chunk may be marked for retransmission (flush then scans the whole queue).
    var retransmitsPending = false
    var cwnd: Int
    var ssthresh: Int
    var partialBytesAcked = 0
    var peerWindow: Int
    var rto: Duration
    var srtt: Duration?
    var rttvar: Duration = .zero
    var consecutiveTimeouts = 0
    var fastRecoveryExit: UInt32?
    var cumulativeAckPoint: UInt32
    var pendingForwardTSN = false

    // Receiving.
    var cumulativeTSN: UInt32 = 0
    var receivedAbove: Set<UInt32> = []
    var duplicates: [UInt32] = []
    var fragments: [UInt32: SCTPDataChunk] = [:]
    var bufferedBytes = 0
    var inboundSSN: [UInt16: UInt16] = [:]
    var orderedWaiting: [UInt16: [UInt16: SCTPMessage]] = [:]
    /// Ordered messages dropped (over `maxMessageSize`): their SSNs are skipped, not waited for.
    var skippedSSNs: [UInt16: Set<UInt16>] = [:]

    // Stream reset.
    var nextReconfigSequence: UInt32
    var peerNextReconfigSequence: UInt32 = 0
    var pendingReset: (sequence: UInt32, streams: [UInt16], packet: [UInt8])?
    var queuedResets: [UInt16] = []
    var deferredPeerResets: [(sequence: UInt32, lastTSN: UInt32, streams: [UInt16])] = []

    /// One DATA chunk we sent or will send.
    struct Outbound: Sendable {
        var chunk: SCTPDataChunk
        var maxRetransmits: Int?
        var transmissions = 0
        var sentAt: SimInstant?
        var acked = false
        var abandoned = false
        var retransmit = false
        var missingReports = 0
        /// Sent, and neither acknowledged, abandoned nor waiting to go again.
        var inFlight: Bool { transmissions > 0 && !acked && !abandoned && !retransmit }
        var size: Int { chunk.payload.count + 16 }
    }

    /// An association that will speak first when `start` is called; `seed` picks its tags and first TSN.
    public init(configuration: SCTPConfiguration = SCTPConfiguration(), seed: UInt64) {
        self.configuration = configuration
        var random = SeededRandom(seed: seed)
        localTag = UInt32.random(in: 1...UInt32.max, using: &random)
        initialTSN = UInt32.random(in: 0...UInt32.max, using: &random)
        cookieNonce = random.next()
        self.random = random
        nextTSN = initialTSN
        cumulativeAckPoint = initialTSN &- 1
        nextReconfigSequence = initialTSN
        cwnd = min(4 * configuration.mtu, max(2 * configuration.mtu, 4380))
        ssthresh = Int(configuration.receiveWindow)
        peerWindow = Int(configuration.receiveWindow)
        rto = configuration.initialRTO
    }

    /// Whether messages can flow.
    public var isEstablished: Bool { state == .established || state == .shutdownPending }

    /// Bytes sent and not yet acknowledged.
    public var bytesInFlight: Int { flightBytes }

    /// Whether the running in-flight count matches the queue (for tests).
    var flightIsConsistent: Bool { flightBytes == queue.reduce(0) { $1.inFlight ? $0 + $1.size : $0 } }

    /// Changes the queued chunk at `index`, keeping the in-flight byte count in step.
    mutating func update(_ index: Int, _ body: (inout Outbound) -> Void) {
        let before = queue[index].inFlight
        body(&queue[index])
        let after = queue[index].inFlight
        if before != after { flightBytes += after ? queue[index].size : -queue[index].size }
        if queue[index].retransmit { retransmitsPending = true }
    }

    /// Messages queued or in flight (chunks not yet acknowledged or abandoned).
    public var pendingChunks: Int { queue.count }

    // MARK: Events in

    /// Opens the association: sends INIT (both WebRTC ends do; a collision resolves itself).
    public mutating func start(now: SimInstant) -> [Action] {
        guard state == .closed else { return [] }
        state = .cookieWait
        let initiation = SCTPInit(initiateTag: localTag, advertisedReceiverWindow: configuration.receiveWindow,
                                  outboundStreams: configuration.streams, inboundStreams: configuration.streams, initialTSN: initialTSN)
        return sendHandshake(packet(tag: 0, [.initiation(initiation)]), now: now)
    }

    /// One SCTP packet from the peer (the plaintext of a DTLS application-data record).
    public mutating func packetReceived(_ bytes: [UInt8], now: SimInstant) -> [Action] {
        guard state != .terminated else { return [] }
        let parsed: SCTPPacket
        do {
            parsed = try SCTPPacket(parsing: bytes)
        } catch {
            return [.dropped("SCTP packet: \(error)")]
        }
        guard parsed.destinationPort == configuration.localPort, parsed.sourcePort == configuration.remotePort else {
            return [.dropped("SCTP packet for ports \(parsed.sourcePort)→\(parsed.destinationPort)")]
        }
        if let rejection = tagRejection(parsed) { return [.dropped(rejection)] }
        var out: [Action] = []
        var sawData = false
        for chunk in parsed.chunks {
            switch chunk {
            case .initiation(let initiation): out += initiationReceived(initiation, now: now)
            case .initiationAck(let initiation): out += initiationAckReceived(initiation, now: now)
            case .cookieEcho(let cookie): out += cookieEchoReceived(cookie, now: now)
            case .cookieAck: out += cookieAckReceived(now: now)
            case .data(let data):
                guard isEstablished || state == .shutdownSent else { continue }
                sawData = true
                out += dataReceived(data)
            case .sack(let sack): out += sackReceived(sack, now: now)
            case .forwardTSN(let forward): out += forwardTSNReceived(forward)
            case .reconfig(let parameters): out += reconfigReceived(parameters, now: now)
            case .heartbeat(let info): out.append(.sendPacket(packet([.heartbeatAck(info)])))
            case .heartbeatAck: continue
            case .abort(_, let causes):
                state = .terminated
                return out + cancelAllTimers() + [.aborted("the peer aborted" + (causes.isEmpty ? "" : " (\(causes.count) bytes of causes)"))]
            case .shutdown(let ack): out += shutdownReceived(cumulativeAck: ack, now: now)
            case .shutdownAck:
                guard state == .shutdownSent else { continue }
                state = .terminated
                return out + [.sendPacket(packet([.shutdownComplete(reflectedTag: false)]))] + cancelAllTimers() + [.closed]
            case .shutdownComplete:
                guard state == .shutdownAckSent else { continue }
                state = .terminated
                return out + cancelAllTimers() + [.closed]
            case .error: continue
            case .unknown(let type, _, _):
                // RFC 9260 §3.2: the upper two bits say whether to stop processing the packet.
                if type & 0x80 == 0 { return out + [.dropped("unknown chunk type \(type): the rest of the packet is skipped")] }
            }
        }
        if sawData { out.append(.sendPacket(packet([.sack(currentSack())]))) }
        out += resumeDeferredResets(now: now)
        return out + flush(now: now)
    }

    /// Sends a message on `stream`. Ordered messages are delivered in order per stream; `maxRetransmits` (0 for
    /// WebRTC's lossy channels) abandons the message once it would be sent more often than that. An empty payload
    /// is not sent: WebRTC encodes empty messages as one byte with PPID 56/57 (RFC 8831 §6.6), the caller's job.
    public mutating func send(_ payload: [UInt8], stream: UInt16, ppid: UInt32, ordered: Bool = true, maxRetransmits: Int? = nil,
                              now: SimInstant) -> [Action] {
        guard !payload.isEmpty, state != .terminated, state != .shutdownPending, state != .shutdownSent else { return [] }
        var ssn: UInt16 = 0
        if ordered {
            ssn = outboundSSN[stream, default: 0]
            outboundSSN[stream] = ssn &+ 1
        }
        let size = configuration.maxFragment
        var offset = 0
        while offset < payload.count {
            let end = min(payload.count, offset + size)
            let chunk = SCTPDataChunk(tsn: nextTSN, stream: stream, ssn: ssn, ppid: ppid, unordered: !ordered,
                                      beginning: offset == 0, ending: end == payload.count, payload: Array(payload[offset..<end]))
            nextTSN &+= 1
            queue.append(Outbound(chunk: chunk, maxRetransmits: maxRetransmits))
            offset = end
        }
        return flush(now: now)
    }

    /// Resets our outgoing `streams` (RFC 6525 §5.1.2): how a data channel closes; the peer answers and resets its
    /// side, which arrives as `incomingStreamsReset`.
    public mutating func resetStreams(_ streams: [UInt16], now: SimInstant) -> [Action] {
        guard isEstablished, !streams.isEmpty else { return [] }
        queuedResets += streams.filter { !queuedResets.contains($0) }
        return sendQueuedResets(now: now)
    }

    /// Closes gracefully: SHUTDOWN once everything sent is acknowledged.
    public mutating func shutdown(now: SimInstant) -> [Action] {
        guard isEstablished else { return [] }
        state = .shutdownPending
        return flush(now: now)
    }

    /// Ends at once with an ABORT.
    public mutating func abort(reason: String) -> [Action] {
        guard state != .terminated, state != .closed else { return [] }
        let tag = peerTag
        state = .terminated
        return [.sendPacket(packet(tag: tag, [.abort(reflectedTag: false, causes: [])]))] + cancelAllTimers() + [.aborted(reason)]
    }

    /// A timer armed by an earlier action fired.
    public mutating func timerFired(_ timer: SCTPTimer, now: SimInstant) -> [Action] {
        guard let deadline = deadlines[timer] else { return [] }  // cancelled
        // Early (a shell may keep an earlier wake-up instead of rescheduling each time the deadline moves later):
        // asks again for the deadline.
        guard now >= deadline else { return [.armTimer(timer, at: deadline)] }
        deadlines[timer] = nil
        switch timer {
        case .handshake: return handshakeTimedOut(now: now)
        case .retransmission: return retransmissionTimedOut(now: now)
        case .reconfig:
            guard let pending = pendingReset else { return [] }
            return [.sendPacket(pending.packet), arm(.reconfig, at: now + rto)]
        case .heartbeat:
            guard isEstablished else { return [] }
            var info: [UInt8] = []
            info.appendUInt64(now.nanoseconds)
            var out: [Action] = []
            if bytesInFlight == 0 { out.append(.sendPacket(packet([.heartbeat(info)]))) }
            if let interval = configuration.heartbeatInterval { out.append(arm(.heartbeat, at: now + interval)) }
            return out
        }
    }

    // MARK: Helpers

    /// A packet to the peer with our ports and its tag (or `tag`).
    func packet(tag: UInt32? = nil, _ chunks: [SCTPChunk]) -> [UInt8] {
        SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                   verificationTag: tag ?? peerTag, chunks: chunks).serialized()
    }

    /// Why a packet's verification tag is refused (RFC 9260 §8.5), or nil.
    func tagRejection(_ packet: SCTPPacket) -> String? {
        let first = packet.chunks.first
        switch first {
        case .initiation?:
            return packet.verificationTag == 0 && packet.chunks.count == 1 ? nil : "INIT must be alone with tag 0"
        case .abort(let reflected, _)?, .shutdownComplete(let reflected)?:
            let expected = reflected ? peerTag : localTag
            return packet.verificationTag == expected ? nil : "ABORT/SHUTDOWN COMPLETE with a wrong tag"
        case .cookieEcho?:
            return nil  // checked against the cookie itself
        default:
            return packet.verificationTag == localTag ? nil : "verification tag \(packet.verificationTag) is not ours"
        }
    }

    /// Arms `timer` for `deadline`.
    mutating func arm(_ timer: SCTPTimer, at deadline: SimInstant) -> Action {
        deadlines[timer] = deadline
        return .armTimer(timer, at: deadline)
    }

    /// Cancels `timer` if armed.
    mutating func cancel(_ timer: SCTPTimer) -> [Action] {
        guard deadlines.removeValue(forKey: timer) != nil else { return [] }
        return [.cancelTimer(timer)]
    }

    mutating func cancelAllTimers() -> [Action] {
        SCTPTimer.allCases.flatMap { cancel($0) }
    }
}

/// RFC 1982 serial-number order for TSNs and SSNs.
extension UInt32 {
    /// Whether `self` comes before `other` in serial-number order.
    func precedes(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) < 0 }
}

extension UInt16 {
    /// Whether `self` comes before `other` in serial-number order.
    func precedes(_ other: UInt16) -> Bool { Int16(bitPattern: self &- other) < 0 }
}
