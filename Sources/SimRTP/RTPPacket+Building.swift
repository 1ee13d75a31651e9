extension RTPPacket {
    /// RFC 8285 §4.2: one-byte elements carry ids 1…14.
    static let oneByteIDs: ClosedRange<UInt8> = 1...14
    /// RFC 8285 §4.2: one-byte elements carry 1…16 data bytes.
    static let oneByteDataLengths: ClosedRange<Int> = 1...16

    /// Serializes a new packet from its fields; the result parses back to the same fields.
    ///
    /// Header-extension elements use the one-byte profile when every id is 1…14 and every element has
    /// 1…16 data bytes, and the two-byte profile otherwise (RFC 8285 §4.1).
    /// - Parameters:
    ///   - paddingLength: padding bytes to append (0 for none); the P bit is set when non-zero.
    /// - Throws: `RTPBuildError` when a field does not fit its wire format.
    public init(
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: SSRC,
        marker: Bool = false,
        csrcs: [SSRC] = [],
        headerExtensions: [RTPHeaderExtensionElement] = [],
        payload: ArraySlice<UInt8>,
        paddingLength: UInt8 = 0
    ) throws(RTPBuildError) {
        guard csrcs.count <= 15 else { throw .tooManyCSRCs(csrcs.count) }
        var oneByte = true
        var extensionLength = 0
        for element in headerExtensions {
            guard element.id != 0 else { throw .invalidExtensionID(0) }
            guard element.data.count <= 255 else {
                throw .extensionDataTooLong(id: element.id, length: element.data.count)
            }
            if !Self.oneByteIDs.contains(element.id) || !Self.oneByteDataLengths.contains(element.data.count) {
                oneByte = false
            }
        }
        for element in headerExtensions { extensionLength += (oneByte ? 1 : 2) + element.data.count }
        let extensionWords = (extensionLength + 3) / 4
        guard extensionWords <= Int(UInt16.max) else { throw .extensionTooLong(words: extensionWords) }

        var out: [UInt8] = []
        out.reserveCapacity(
            Self.fixedHeaderLength + 4 * csrcs.count + (headerExtensions.isEmpty ? 0 : 4 + 4 * extensionWords)
                + payload.count + Int(paddingLength))
        var first = Self.version << 6 | UInt8(csrcs.count)
        if paddingLength > 0 { first |= 0x20 }
        if !headerExtensions.isEmpty { first |= 0x10 }
        out.append(first)
        out.append((marker ? 0x80 : 0) | payloadType & 0x7F)
        out.appendUInt16(sequenceNumber)
        out.appendUInt32(timestamp)
        out.appendUInt32(ssrc.value)
        for csrc in csrcs { out.appendUInt32(csrc.value) }
        if !headerExtensions.isEmpty {
            let profile: RTPHeaderExtensionProfile = oneByte ? .oneByte : .twoByte(appBits: 0)
            out.appendUInt16(profile.rawValue)
            out.appendUInt16(UInt16(extensionWords))
            for element in headerExtensions {
                if oneByte {
                    out.append(element.id << 4 | UInt8(element.data.count - 1))
                } else {
                    out.append(element.id)
                    out.append(UInt8(element.data.count))
                }
                out.append(contentsOf: element.data)
            }
            out.padToWord()
        }
        out.append(contentsOf: payload)
        if paddingLength > 0 {
            out.append(contentsOf: repeatElement(0, count: Int(paddingLength) - 1))
            out.append(paddingLength)
        }
        do {
            try self.init(parsing: out)
        } catch {
            // Everything above follows RFC 3550/8285 by construction.
            preconditionFailure("RTPPacket built unparseable bytes: \(error)")
        }
    }

    /// Serializes a new packet from its fields (array payload convenience).
    /// - Throws: `RTPBuildError` when a field does not fit its wire format.
    public init(
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: SSRC,
        marker: Bool = false,
        csrcs: [SSRC] = [],
        headerExtensions: [RTPHeaderExtensionElement] = [],
        payload: [UInt8],
        paddingLength: UInt8 = 0
    ) throws(RTPBuildError) {
        try self.init(
            payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc,
            marker: marker, csrcs: csrcs, headerExtensions: headerExtensions, payload: payload[...],
            paddingLength: paddingLength)
    }
}
