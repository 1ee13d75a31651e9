import SimCore

/// The four-way handshake (RFC 9260 §5.1) with INIT collision (§5.2.1, §5.2.4), and the SHUTDOWN sequence.
extension SCTPAssociation {
    /// The state cookie: what we need to accept the peer's COOKIE ECHO without having kept per-INIT state.
    struct Cookie: Equatable {
        static let magic: [UInt8] = Array("SFSC".utf8)
        var localTag: UInt32
        var peerTag: UInt32
        var peerInitialTSN: UInt32
        var peerWindow: UInt32
        var peerForwardTSN: Bool
        var nonce: UInt64

        var bytes: [UInt8] {
            var out = Self.magic
            out.appendUInt32(localTag)
            out.appendUInt32(peerTag)
            out.appendUInt32(peerInitialTSN)
            out.appendUInt32(peerWindow)
            out.append(peerForwardTSN ? 1 : 0)
            out.appendUInt64(nonce)
            return out
        }

        init(localTag: UInt32, peerTag: UInt32, peerInitialTSN: UInt32, peerWindow: UInt32, peerForwardTSN: Bool, nonce: UInt64) {
            self.localTag = localTag
            self.peerTag = peerTag
            self.peerInitialTSN = peerInitialTSN
            self.peerWindow = peerWindow
            self.peerForwardTSN = peerForwardTSN
            self.nonce = nonce
        }

        init?(_ bytes: [UInt8]) {
            guard bytes.count == 29, Array(bytes[0..<4]) == Self.magic else { return nil }
            let b = bytes[...]
            self.init(localTag: b.uint32(at: 4), peerTag: b.uint32(at: 8), peerInitialTSN: b.uint32(at: 12), peerWindow: b.uint32(at: 16),
                      peerForwardTSN: b[20] == 1, nonce: b.uint64(at: 21))
        }
    }

    /// Sends a handshake packet (INIT, COOKIE ECHO, SHUTDOWN…) and arms its retransmission.
    mutating func sendHandshake(_ packet: [UInt8], now: SimInstant) -> [Action] {
        handshakePacket = packet
        handshakeAttempts = 1
        return [.sendPacket(packet), arm(.handshake, at: now + rto)]
    }

    /// T1 (or T2-shutdown) expired: send again with the timeout doubled, or give up.
    mutating func handshakeTimedOut(now: SimInstant) -> [Action] {
        guard [.cookieWait, .cookieEchoed, .shutdownSent, .shutdownAckSent].contains(state), let packet = handshakePacket else { return [] }
        handshakeAttempts += 1
        guard handshakeAttempts <= configuration.maxInitRetransmits + 1 else {
            state = .terminated
            return cancelAllTimers() + [.aborted("no answer after \(configuration.maxInitRetransmits) retransmissions of the handshake")]
        }
        rto = min(rto * 2, configuration.maximumRTO)
        return [.sendPacket(packet), arm(.handshake, at: now + rto)]
    }

    /// INIT: answer with our own tag and first TSN, the same as our INIT's when we sent one (a collision, RFC 9260
    /// §5.2.1), and a cookie.
    mutating func initiationReceived(_ initiation: SCTPInit, now: SimInstant) -> [Action] {
        guard [.closed, .cookieWait, .cookieEchoed].contains(state) else {
            return [.dropped("INIT while \(state): an association restart is not supported")]
        }
        let cookie = Cookie(localTag: localTag, peerTag: initiation.initiateTag, peerInitialTSN: initiation.initialTSN,
                            peerWindow: initiation.advertisedReceiverWindow, peerForwardTSN: initiation.forwardTSNSupported, nonce: cookieNonce)
        let answer = SCTPInit(initiateTag: localTag, advertisedReceiverWindow: configuration.receiveWindow, outboundStreams: configuration.streams,
                              inboundStreams: configuration.streams, initialTSN: initialTSN, cookie: cookie.bytes)
        return [.sendPacket(packet(tag: initiation.initiateTag, [.initiationAck(answer)]))]
    }

    /// INIT ACK while we wait for it: echo its cookie.
    mutating func initiationAckReceived(_ initiation: SCTPInit, now: SimInstant) -> [Action] {
        guard state == .cookieWait, let cookie = initiation.cookie else { return [] }  // late or duplicate
        adoptPeer(tag: initiation.initiateTag, initialTSN: initiation.initialTSN, window: initiation.advertisedReceiverWindow,
                  forwardTSN: initiation.forwardTSNSupported)
        state = .cookieEchoed
        return cancel(.handshake) + sendHandshake(packet([.cookieEcho(cookie)]), now: now)
    }

    /// COOKIE ECHO carrying a cookie we made: the association is up (again, if our COOKIE ACK was lost).
    mutating func cookieEchoReceived(_ bytes: [UInt8], now: SimInstant) -> [Action] {
        guard let cookie = Cookie(bytes), cookie.nonce == cookieNonce, cookie.localTag == localTag else {
            return [.dropped("a COOKIE ECHO with a cookie we did not make")]
        }
        switch state {
        case .closed, .cookieWait, .cookieEchoed:
            adoptPeer(tag: cookie.peerTag, initialTSN: cookie.peerInitialTSN, window: cookie.peerWindow, forwardTSN: cookie.peerForwardTSN)
            state = .established
            return cancel(.handshake) + [.sendPacket(packet([.cookieAck]))] + becameEstablished(now: now)
        case .established, .shutdownPending:
            guard cookie.peerTag == peerTag else { return [.dropped("a COOKIE ECHO from another association")] }
            return [.sendPacket(packet([.cookieAck]))]
        default:
            return []
        }
    }

    /// COOKIE ACK: the association is up.
    mutating func cookieAckReceived(now: SimInstant) -> [Action] {
        guard state == .cookieEchoed else { return [] }  // in a collision the COOKIE ECHO got there first
        state = .established
        return cancel(.handshake) + becameEstablished(now: now)
    }

    /// Learns the peer's tag, first TSN, window and extensions.
    mutating func adoptPeer(tag: UInt32, initialTSN: UInt32, window: UInt32, forwardTSN: Bool) {
        peerTag = tag
        cumulativeTSN = initialTSN &- 1
        peerNextReconfigSequence = initialTSN
        peerWindow = Int(window)
        peerForwardTSN = forwardTSN
    }

    /// Announces the association once and starts the idle heartbeat.
    mutating func becameEstablished(now: SimInstant) -> [Action] {
        guard !announcedEstablished else { return [] }
        announcedEstablished = true
        handshakePacket = nil
        var out: [Action] = [.established]
        if let interval = configuration.heartbeatInterval { out.append(arm(.heartbeat, at: now + interval)) }
        return out
    }

    /// SHUTDOWN from the peer: its cumulative ack counts as a SACK; SHUTDOWN ACK once all we sent is acknowledged.
    mutating func shutdownReceived(cumulativeAck: UInt32, now: SimInstant) -> [Action] {
        guard isEstablished || state == .shutdownSent else { return [] }
        var out = sackReceived(SCTPSack(cumulativeTSNAck: cumulativeAck, advertisedReceiverWindow: UInt32(max(0, peerWindow + bytesInFlight))), now: now)
        peerShutdown = true
        out += flush(now: now)
        return out
    }

    /// Sends SHUTDOWN (ours) or SHUTDOWN ACK (the peer's) once nothing is left to acknowledge (from `flush`).
    mutating func finishShutdownIfIdle(now: SimInstant) -> [Action] {
        guard queue.isEmpty else { return [] }
        if peerShutdown, isEstablished {
            state = .shutdownAckSent
            return cancel(.retransmission) + sendHandshake(packet([.shutdownAck]), now: now)
        }
        if state == .shutdownPending {
            state = .shutdownSent
            return cancel(.retransmission) + sendHandshake(packet([.shutdown(cumulativeTSNAck: cumulativeTSN)]), now: now)
        }
        return []
    }
}
