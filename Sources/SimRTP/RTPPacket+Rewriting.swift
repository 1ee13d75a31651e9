/// In-place rewriters for the forwarder: they change header fields of a serialized RTP packet without
/// allocating (the array must be uniquely referenced to avoid a copy-on-write). Each returns false and leaves
/// the bytes unchanged when they are not a valid RTP packet.
extension RTPPacket {
    /// Overwrites the sequence number.
    @discardableResult
    public static func setSequenceNumber(_ value: UInt16, in packet: inout [UInt8]) -> Bool {
        guard hasFixedHeader(packet) else { return false }
        packet.setUInt16(value, at: 2)
        return true
    }

    /// Overwrites the media timestamp.
    @discardableResult
    public static func setTimestamp(_ value: UInt32, in packet: inout [UInt8]) -> Bool {
        guard hasFixedHeader(packet) else { return false }
        packet.setUInt32(value, at: 4)
        return true
    }

    /// Overwrites the SSRC.
    @discardableResult
    public static func setSSRC(_ value: SSRC, in packet: inout [UInt8]) -> Bool {
        guard hasFixedHeader(packet) else { return false }
        packet.setUInt32(value.value, at: 8)
        return true
    }

    /// Overwrites the 7-bit payload type, keeping the marker bit.
    @discardableResult
    public static func setPayloadType(_ value: UInt8, in packet: inout [UInt8]) -> Bool {
        guard hasFixedHeader(packet) else { return false }
        packet[1] = packet[1] & 0x80 | value & 0x7F
        return true
    }

    /// Sets or clears the marker bit, keeping the payload type.
    @discardableResult
    public static func setMarker(_ value: Bool, in packet: inout [UInt8]) -> Bool {
        guard hasFixedHeader(packet) else { return false }
        packet[1] = packet[1] & 0x7F | (value ? 0x80 : 0)
        return true
    }

    /// Changes the local id of every header-extension element with id `from` to `to`.
    ///
    /// When `to` does not fit the packet's profile (0, or above 14 in the one-byte profile) the elements are
    /// removed instead, as `removeHeaderExtension(id:in:)` does.
    @discardableResult
    public static func rewriteHeaderExtensionID(_ from: UInt8, to: UInt8, in packet: inout [UInt8]) -> Bool {
        remapHeaderExtensionIDs(in: &packet) { $0 == from ? to : $0 }
    }

    /// Removes every header-extension element with local id `id` by overwriting it with padding bytes
    /// (RFC 8285 §4.2/§4.3: zero bytes are padding), so the packet keeps its length.
    @discardableResult
    public static func removeHeaderExtension(id: UInt8, in packet: inout [UInt8]) -> Bool {
        remapHeaderExtensionIDs(in: &packet) { $0 == id ? nil : $0 }
    }

    /// Maps every header-extension element id through `map` in one pass: a new id rewrites the element,
    /// nil (or an id that does not fit the profile) removes it by overwriting it with padding bytes.
    /// - Parameter map: called once per element with its current id; must not capture-allocate on the hot path.
    @discardableResult
    public static func remapHeaderExtensionIDs(in packet: inout [UInt8], _ map: (UInt8) -> UInt8?) -> Bool {
        guard let layout = try? RTPLayout(packet) else { return false }
        let oneByte: Bool
        switch layout.extensionProfile {
        case .oneByte: oneByte = true
        case .twoByte: oneByte = false
        case .other, nil: return true
        }
        let end = layout.extensionData.upperBound
        var position = layout.extensionData.lowerBound
        while true {
            switch RTPExtensionWalker.step(packet, at: position, end: end, oneByte: oneByte) {
            case .padding(let next):
                position = next
            case .element(let id, let headerStart, let data):
                position = data.upperBound
                let newID = map(id)
                if newID == id { continue }
                if let newID, newID != 0, !oneByte || oneByteIDs.contains(newID) {
                    packet[headerStart] = oneByte ? newID << 4 | packet[headerStart] & 0x0F : newID
                } else {
                    for index in headerStart..<data.upperBound { packet[index] = 0 }
                }
            case .end, .overrun:
                return true
            }
        }
    }

    /// Blanks every RFC 8285 element of `packet`, a copy of `header`'s bytes (same layout, indices from 0), by
    /// overwriting the extension data with padding (zero) bytes (RFC 8285 §4.2/§4.3): the packet keeps its length
    /// and stays valid, and the forwarder needs no second parse. Opaque (non-RFC 8285) extensions are left alone.
    /// - Returns: false, changing nothing, when `packet` is shorter than `header`'s extension.
    @discardableResult
    public static func blankHeaderExtensions(of header: RTPPacket, in packet: inout [UInt8]) -> Bool {
        switch header.headerExtensionProfile {
        case .oneByte, .twoByte: break
        case .other, nil: return true
        }
        let base = header.bytes.startIndex
        let range = (header.headerExtensionRange.lowerBound - base)..<(header.headerExtensionRange.upperBound - base)
        guard range.upperBound <= packet.count else { return false }
        for index in range { packet[index] = 0 }
        return true
    }

    private static func hasFixedHeader(_ packet: [UInt8]) -> Bool {
        packet.count >= fixedHeaderLength && packet[0] >> 6 == version
    }
}
