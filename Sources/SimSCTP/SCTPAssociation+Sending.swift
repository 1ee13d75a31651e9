import SimCore

/// The sending side: bundling under the congestion and receive windows, SACK processing, retransmission (T3 and
/// fast retransmit), RTO (RFC 9260 §6.3, §7), and abandonment with FORWARD-TSN (RFC 3758 §3.5).
extension SCTPAssociation {
    /// Sends what the windows allow: retransmissions first, then new chunks, bundled into packets up to the MTU.
    mutating func flush(now: SimInstant) -> [Action] {
        var out: [Action] = []
        guard isEstablished else { return out }
        var chunks: [SCTPChunk] = []
        var size = 12
        if pendingForwardTSN, let forward = forwardTSN() {
            pendingForwardTSN = false
            chunks.append(.forwardTSN(forward))
            size += 8 + 4 * forward.streams.count
        }
        var flight = bytesInFlight
        // Max.Burst (RFC 9260 §6.1 (C)): at most `maxBurst` packets beyond what is in flight at once, so a wide
        // window does not become a burst that overflows the peer's socket buffer.
        let window = min(max(cwnd, configuration.mtu), flight + configuration.maxBurst * configuration.mtu)
        // Unsent chunks are a suffix of the queue (TSNs go out in order); retransmissions may be anywhere.
        let start = retransmitsPending ? 0 : firstUnsentIndex
        let scannedAll = start == 0
        for index in start..<queue.count {
            let item = queue[index]
            guard !item.acked, !item.abandoned, item.retransmit || item.transmissions == 0 else { continue }
            if item.retransmit, let limit = item.maxRetransmits, item.transmissions > limit {
                abandonMessage(of: index)
                continue
            }
            if flight > 0, flight + item.size > window { break }
            if item.transmissions == 0, flight > 0, peerWindow < item.size { break }  // a zero-window probe goes alone
            let padded = (item.size + 3) & ~3
            if size + padded > configuration.mtu, !chunks.isEmpty {
                out.append(.sendPacket(packet(chunks)))
                chunks = []
                size = 12
            }
            chunks.append(.data(item.chunk))
            size += padded
            if item.transmissions == 0 { peerWindow -= item.size }
            update(index) { chunk in
                chunk.sentAt = chunk.transmissions == 0 ? now : nil  // Karn: no RTT from a retransmission
                chunk.transmissions += 1
                chunk.retransmit = false
            }
            flight += item.size
        }
        if scannedAll { retransmitsPending = queue[..<firstUnsentIndex].contains { $0.retransmit } }  // only sent chunks go again
        if !chunks.isEmpty { out.append(.sendPacket(packet(chunks))) }
        if pendingForwardTSN, let forward = forwardTSN() {  // abandoned above
            pendingForwardTSN = false
            out.append(.sendPacket(packet([.forwardTSN(forward)])))
        }
        if needsRetransmissionTimer, deadlines[.retransmission] == nil { out.append(arm(.retransmission, at: now + rto)) }
        return out + finishShutdownIfIdle(now: now)
    }

    /// The index of the first chunk never sent nor abandoned (binary search: flush sends in order and stops at the
    /// first chunk the windows hold back, so sent and abandoned chunks are a prefix).
    var firstUnsentIndex: Int {
        var low = 0, high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if queue[middle].transmissions > 0 || queue[middle].abandoned { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether anything awaits acknowledgement: data in flight, or a FORWARD-TSN the peer has not yet followed.
    var needsRetransmissionTimer: Bool {
        bytesInFlight > 0 || (peerForwardTSN && cumulativeAckPoint.precedes(advancedPeerAckPoint))
    }

    /// The SACK of the peer: frees acknowledged chunks, counts missing reports, grows the windows, measures RTT.
    mutating func sackReceived(_ sack: SCTPSack, now: SimInstant) -> [Action] {
        guard isEstablished || state == .shutdownSent || state == .shutdownAckSent else { return [] }
        let cumulative = sack.cumulativeTSNAck
        guard !cumulative.precedes(cumulativeAckPoint) else { return [] }  // an old SACK
        guard !(nextTSN &- 1).precedes(cumulative) else { return [.dropped("a SACK for TSN \(cumulative), which we never sent")] }
        let advanced = cumulativeAckPoint.precedes(cumulative)
        var bytesAcked = 0
        var rttSample: Duration?
        var removed = 0
        for item in queue {
            guard !cumulative.precedes(item.chunk.tsn) else { break }
            if !item.acked, !item.abandoned, item.transmissions > 0 { bytesAcked += item.size }
            if item.inFlight { flightBytes -= item.size }
            if rttSample == nil, item.transmissions == 1, !item.acked, let sent = item.sentAt { rttSample = now - sent }
            removed += 1
        }
        queue.removeFirst(removed)
        cumulativeAckPoint = cumulative
        var highestAcked: UInt32?
        if let base = queue.first?.chunk.tsn {
            for block in sack.gapBlocks {
                for offset in block {
                    let tsn = cumulative &+ UInt32(offset)
                    let index = Int(tsn &- base)
                    guard index >= 0, index < queue.count, queue[index].chunk.tsn == tsn else { continue }
                    if !queue[index].acked {
                        if !queue[index].abandoned, queue[index].transmissions > 0 { bytesAcked += queue[index].size }
                        update(index) { chunk in
                            chunk.acked = true
                            chunk.retransmit = false
                        }
                    }
                    highestAcked = tsn
                }
            }
        }
        var out: [Action] = []
        if let highest = highestAcked { fastRetransmit(below: highest) }
        if let sample = rttSample { updateRTO(sample) }
        if advanced {
            consecutiveTimeouts = 0
            if fastRecoveryExit.map({ !cumulative.precedes($0) }) ?? false { fastRecoveryExit = nil }
            if fastRecoveryExit == nil, bytesAcked > 0 { growWindow(by: bytesAcked) }
        }
        peerWindow = Int(sack.advertisedReceiverWindow) - bytesInFlight
        if peerForwardTSN, cumulative.precedes(advancedPeerAckPoint) { pendingForwardTSN = true }
        if !needsRetransmissionTimer {
            out += cancel(.retransmission)
        } else if advanced {
            out.append(arm(.retransmission, at: now + rto))
        }
        return out
    }

    /// Chunks reported missing three times (below a newly acknowledged TSN) go again at once (RFC 9260 §7.2.4).
    mutating func fastRetransmit(below highest: UInt32) {
        var entered = false
        for index in 0..<firstUnsentIndex where queue[index].inFlight && queue[index].chunk.tsn.precedes(highest) {
            update(index) { $0.missingReports += 1 }
            guard queue[index].missingReports == 3 else { continue }
            update(index) { $0.retransmit = true }
            entered = true
        }
        guard entered, fastRecoveryExit == nil else { return }
        ssthresh = max(cwnd / 2, 4 * configuration.mtu)
        cwnd = ssthresh
        partialBytesAcked = 0
        fastRecoveryExit = nextTSN &- 1
    }

    /// Slow start below `ssthresh`, congestion avoidance above (RFC 9260 §7.2.1, §7.2.2).
    mutating func growWindow(by bytesAcked: Int) {
        if cwnd <= ssthresh {
            cwnd += min(bytesAcked, configuration.mtu)
        } else {
            partialBytesAcked += bytesAcked
            if partialBytesAcked >= cwnd {
                partialBytesAcked -= cwnd
                cwnd += configuration.mtu
            }
        }
    }

    /// RFC 9260 §6.3.1: SRTT and RTTVAR from a measurement, RTO = SRTT + 4·RTTVAR, clamped.
    mutating func updateRTO(_ sample: Duration) {
        if let smoothed = srtt {
            let difference = smoothed > sample ? smoothed - sample : sample - smoothed
            rttvar = rttvar * 3 / 4 + difference / 4
            srtt = smoothed * 7 / 8 + sample / 8
        } else {
            srtt = sample
            rttvar = sample / 2
        }
        let computed = (srtt ?? sample) + rttvar * 4
        rto = min(max(computed, configuration.minimumRTO), configuration.maximumRTO)
    }

    /// T3-rtx expired: collapse the window, back off, and send everything in flight again (or abandon it).
    mutating func retransmissionTimedOut(now: SimInstant) -> [Action] {
        guard isEstablished || state == .shutdownSent, needsRetransmissionTimer else { return [] }
        consecutiveTimeouts += 1
        guard consecutiveTimeouts <= configuration.maxAssociationRetransmits else {
            let abort = packet([.abort(reflectedTag: false, causes: [])])
            state = .terminated
            return cancelAllTimers() + [.sendPacket(abort), .aborted("no acknowledgement after \(configuration.maxAssociationRetransmits) retransmission timeouts")]
        }
        ssthresh = max(cwnd / 2, 4 * configuration.mtu)
        cwnd = configuration.mtu
        partialBytesAcked = 0
        fastRecoveryExit = nil
        rto = min(rto * 2, configuration.maximumRTO)
        for index in 0..<firstUnsentIndex where queue[index].inFlight {
            update(index) { chunk in
                chunk.retransmit = true
                chunk.missingReports = 0
            }
        }
        if peerForwardTSN, cumulativeAckPoint.precedes(advancedPeerAckPoint) { pendingForwardTSN = true }
        return flush(now: now)
    }

    /// Abandons the whole message the chunk at `index` belongs to (RFC 3758 §3.5 A3).
    mutating func abandonMessage(of index: Int) {
        let chunk = queue[index].chunk
        var first = index
        while first > 0, !queue[first].chunk.beginning, Self.sameMessage(chunk, queue[first - 1].chunk) { first -= 1 }
        var last = index
        while last + 1 < queue.count, !queue[last].chunk.ending, Self.sameMessage(chunk, queue[last + 1].chunk) { last += 1 }
        for position in first...last {
            update(position) { chunk in
                chunk.abandoned = true
                chunk.retransmit = false
            }
        }
        if peerForwardTSN { pendingForwardTSN = true }
    }

    /// The highest TSN up to which every chunk is acknowledged or abandoned, walking from the cumulative ack.
    var advancedPeerAckPoint: UInt32 {
        var point = cumulativeAckPoint
        for item in queue {
            guard item.abandoned else { break }
            point = item.chunk.tsn
        }
        return point
    }

    /// The FORWARD-TSN that moves the peer to the advanced ack point, with the ordered streams' last skipped SSN.
    func forwardTSN() -> SCTPForwardTSN? {
        let point = advancedPeerAckPoint
        guard peerForwardTSN, cumulativeAckPoint.precedes(point) else { return nil }
        var streams: [UInt16: UInt16] = [:]
        for item in queue {
            guard !point.precedes(item.chunk.tsn) else { break }
            if !item.chunk.unordered { streams[item.chunk.stream] = item.chunk.ssn }
        }
        return SCTPForwardTSN(newCumulativeTSN: point, streams: streams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
