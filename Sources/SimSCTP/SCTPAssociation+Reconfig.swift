import SimCore

/// Stream reset (RFC 6525): how a WebRTC data channel closes (RFC 8831 §6.7). Each side resets its outgoing stream;
/// the receiver of a request resets the incoming one once everything before the request's last TSN arrived.
extension SCTPAssociation {
    /// Sends one request for the queued streams, unless one is outstanding (RFC 6525 §5.1.1: one at a time).
    mutating func sendQueuedResets(now: SimInstant) -> [Action] {
        guard pendingReset == nil, !queuedResets.isEmpty else { return [] }
        let streams = queuedResets
        queuedResets = []
        let sequence = nextReconfigSequence
        nextReconfigSequence &+= 1
        let request = SCTPReconfigParameter.outgoingReset(requestSequence: sequence, responseSequence: peerNextReconfigSequence &- 1,
                                                          lastTSN: nextTSN &- 1, streams: streams)
        let bytes = packet([.reconfig([request])])
        pendingReset = (sequence, streams, bytes)
        for stream in streams { outboundSSN[stream] = 0 }
        return [.sendPacket(bytes), arm(.reconfig, at: now + rto)]
    }

    /// A RE-CONFIG chunk: the peer's reset requests, and responses to ours.
    mutating func reconfigReceived(_ parameters: [SCTPReconfigParameter], now: SimInstant) -> [Action] {
        guard isEstablished else { return [] }
        var out: [Action] = []
        for parameter in parameters {
            switch parameter {
            case .outgoingReset(let sequence, _, let lastTSN, let streams):
                if sequence.precedes(peerNextReconfigSequence) {
                    // A retransmission of a request already handled: answer it again.
                    out.append(.sendPacket(packet([.reconfig([.response(responseSequence: sequence, result: SCTPReconfigParameter.resultPerformed)])])))
                    continue
                }
                peerNextReconfigSequence = sequence &+ 1
                if lastTSN.precedes(cumulativeTSN) || lastTSN == cumulativeTSN {
                    out += performPeerReset(sequence: sequence, streams: streams)
                } else {
                    deferredPeerResets.append((sequence, lastTSN, streams))
                    out.append(.sendPacket(packet([.reconfig([.response(responseSequence: sequence, result: SCTPReconfigParameter.resultInProgress)])])))
                }
            case .response(let sequence, let result):
                guard let pending = pendingReset, pending.sequence == sequence else { continue }
                if result == SCTPReconfigParameter.resultInProgress { continue }  // the timer sends the request again
                pendingReset = nil
                out += cancel(.reconfig)
                out.append(.outgoingStreamsReset(pending.streams))
                out += sendQueuedResets(now: now)
            case .unknown:
                continue
            }
        }
        return out
    }

    /// Resets the peer's streams on our side (their SSNs start again at 0) and answers "performed".
    mutating func performPeerReset(sequence: UInt32, streams: [UInt16]) -> [Action] {
        for stream in streams {
            inboundSSN[stream] = 0
            for message in (orderedWaiting.removeValue(forKey: stream) ?? [:]).values { bufferedBytes -= message.payload.count }
        }
        return [
            .sendPacket(packet([.reconfig([.response(responseSequence: sequence, result: SCTPReconfigParameter.resultPerformed)])])),
            .incomingStreamsReset(streams),
        ]
    }

    /// Performs deferred requests whose last TSN has now arrived.
    mutating func resumeDeferredResets(now: SimInstant) -> [Action] {
        guard !deferredPeerResets.isEmpty else { return [] }
        var out: [Action] = []
        var waiting: [(sequence: UInt32, lastTSN: UInt32, streams: [UInt16])] = []
        for request in deferredPeerResets {
            if cumulativeTSN.precedes(request.lastTSN) {
                waiting.append(request)
            } else {
                out += performPeerReset(sequence: request.sequence, streams: request.streams)
            }
        }
        deferredPeerResets = waiting
        return out
    }
}
