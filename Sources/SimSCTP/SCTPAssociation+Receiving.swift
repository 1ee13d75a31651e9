import SimCore

/// The receiving side: DATA, reassembly, ordered delivery, SACK, FORWARD-TSN (RFC 9260 §6.2, RFC 3758 §3.6).
extension SCTPAssociation {
    /// One DATA chunk: recorded for the SACK, reassembled, delivered when whole (ordered ones in SSN order).
    mutating func dataReceived(_ data: SCTPDataChunk) -> [Action] {
        let tsn = data.tsn
        guard cumulativeTSN.precedes(tsn), !receivedAbove.contains(tsn) else {
            duplicates.append(tsn)
            return []
        }
        guard bufferedBytes + data.payload.count <= Int(configuration.receiveWindow) else {
            // Not recorded: the peer retransmits once the window opens (RFC 9260 §6.2).
            return [.dropped("receive window full: TSN \(tsn) of \(data.payload.count) bytes not accepted")]
        }
        receivedAbove.insert(tsn)
        advanceCumulativeTSN()
        fragments[tsn] = data
        bufferedBytes += data.payload.count
        return assemble(around: tsn)
    }

    /// Moves the cumulative TSN over every TSN received in sequence.
    mutating func advanceCumulativeTSN() {
        while receivedAbove.remove(cumulativeTSN &+ 1) != nil { cumulativeTSN &+= 1 }
    }

    /// Whether `other` continues `chunk`'s message (same stream and ordering; an ordered message keeps its SSN).
    static func sameMessage(_ chunk: SCTPDataChunk, _ other: SCTPDataChunk) -> Bool {
        other.stream == chunk.stream && other.unordered == chunk.unordered && (chunk.unordered || other.ssn == chunk.ssn)
    }

    /// Delivers the message `tsn` belongs to if all its fragments are here.
    mutating func assemble(around tsn: UInt32) -> [Action] {
        guard let chunk = fragments[tsn] else { return [] }
        var first = tsn
        while let current = fragments[first], !current.beginning {
            guard let previous = fragments[first &- 1], Self.sameMessage(chunk, previous), !previous.ending else { return [] }
            first &-= 1
        }
        var last = tsn
        while let current = fragments[last], !current.ending {
            guard let next = fragments[last &+ 1], Self.sameMessage(chunk, next), !next.beginning else { return [] }
            last &+= 1
        }
        var payload: [UInt8] = []
        var cursor = first
        while true {
            if let part = fragments.removeValue(forKey: cursor) { payload += part.payload }
            if cursor == last { break }
            cursor &+= 1
        }
        bufferedBytes -= payload.count
        guard payload.count <= configuration.maxMessageSize else {
            let dropped = Action.dropped("a message of \(payload.count) bytes on stream \(chunk.stream) is over the \(configuration.maxMessageSize)-byte limit")
            guard !chunk.unordered else { return [dropped] }
            skippedSSNs[chunk.stream, default: []].insert(chunk.ssn)
            return [dropped] + deliverOrdered(stream: chunk.stream)
        }
        let message = SCTPMessage(stream: chunk.stream, ppid: chunk.ppid, unordered: chunk.unordered, payload: payload)
        if chunk.unordered { return [.messageReceived(message)] }
        orderedWaiting[chunk.stream, default: [:]][chunk.ssn] = message
        bufferedBytes += payload.count
        return deliverOrdered(stream: chunk.stream)
    }

    /// Delivers the stream's waiting ordered messages that are next in SSN order.
    mutating func deliverOrdered(stream: UInt16) -> [Action] {
        var out: [Action] = []
        while true {
            let next = inboundSSN[stream, default: 0]
            if let message = orderedWaiting[stream]?.removeValue(forKey: next) {
                bufferedBytes -= message.payload.count
                out.append(.messageReceived(message))
            } else if skippedSSNs[stream]?.remove(next) == nil {
                break
            }
            inboundSSN[stream] = next &+ 1
        }
        if orderedWaiting[stream]?.isEmpty == true { orderedWaiting[stream] = nil }
        if skippedSSNs[stream]?.isEmpty == true { skippedSSNs[stream] = nil }
        return out
    }

    /// The SACK for what has arrived: cumulative TSN, gap blocks (offsets from it), duplicates since the last SACK.
    mutating func currentSack() -> SCTPSack {
        let window = UInt32(max(0, Int(configuration.receiveWindow) - bufferedBytes))
        var sack = SCTPSack(cumulativeTSNAck: cumulativeTSN, advertisedReceiverWindow: window, duplicateTSNs: Array(duplicates.prefix(64)))
        duplicates.removeAll()
        let offsets = receivedAbove.map { $0 &- cumulativeTSN }.filter { $0 <= UInt32(UInt16.max) }.sorted()
        var blockStart: UInt32?
        var blockEnd: UInt32 = 0
        for offset in offsets {
            if blockStart != nil, offset == blockEnd + 1 {
                blockEnd = offset
                continue
            }
            if let start = blockStart { sack.gapBlocks.append(UInt16(start)...UInt16(blockEnd)) }
            blockStart = offset
            blockEnd = offset
        }
        if let start = blockStart { sack.gapBlocks.append(UInt16(start)...UInt16(blockEnd)) }
        if sack.gapBlocks.count > 128 { sack.gapBlocks.removeLast(sack.gapBlocks.count - 128) }  // fits one packet
        return sack
    }

    /// FORWARD-TSN (RFC 3758 §3.6): everything up to the new cumulative TSN counts as received; partial messages
    /// there are dropped, and the listed ordered streams skip to after the abandoned SSN.
    mutating func forwardTSNReceived(_ forward: SCTPForwardTSN) -> [Action] {
        let newCumulative = forward.newCumulativeTSN
        guard cumulativeTSN.precedes(newCumulative) else { return [.sendPacket(packet([.sack(currentSack())]))] }
        receivedAbove = receivedAbove.filter { newCumulative.precedes($0) }
        for (tsn, chunk) in fragments where !newCumulative.precedes(tsn) {
            fragments[tsn] = nil
            bufferedBytes -= chunk.payload.count
        }
        cumulativeTSN = newCumulative
        advanceCumulativeTSN()
        var out: [Action] = []
        for entry in forward.streams {
            let next = inboundSSN[entry.stream, default: 0]
            guard !entry.ssn.precedes(next) else { continue }
            inboundSSN[entry.stream] = entry.ssn &+ 1
            for (ssn, message) in orderedWaiting[entry.stream] ?? [:] where !entry.ssn.precedes(ssn) {
                orderedWaiting[entry.stream]?[ssn] = nil
                bufferedBytes -= message.payload.count
            }
            out += deliverOrdered(stream: entry.stream)
        }
        // Fragments past the new point may now form whole messages.
        for tsn in fragments.keys.sorted(by: { $0.precedes($1) }) where fragments[tsn]?.ending == true { out += assemble(around: tsn) }
        out.append(.sendPacket(packet([.sack(currentSack())])))
        return out
    }
}
