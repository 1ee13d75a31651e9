/// The RTCP common header (RFC 3550 §6.4.1): V=2, P, a 5-bit count (RC, SC or FMT), packet type, length.
struct RTCPHeader {
    /// RFC 3550 §12.1: sender report.
    static let senderReport: UInt8 = 200
    /// RFC 3550 §12.1: receiver report.
    static let receiverReport: UInt8 = 201
    /// RFC 3550 §12.1: source description.
    static let sourceDescription: UInt8 = 202
    /// RFC 3550 §12.1: goodbye.
    static let bye: UInt8 = 203
    /// RFC 4585 §6.1: transport-layer feedback.
    static let transportFeedback: UInt8 = 205
    /// RFC 4585 §6.1: payload-specific feedback.
    static let payloadFeedback: UInt8 = 206
    /// The largest value of the 5-bit count field.
    static let maxCount = 31

    /// The 5-bit RC/SC/FMT field.
    var count: UInt8
    /// The packet type.
    var packetType: UInt8
    /// Offset of this packet from the start of the compound packet (for errors).
    var offset: Int
    /// Absolute range of the whole packet, header and padding included.
    var packet: Range<Int>
    /// Absolute range of the body: after the 4-byte header, before any padding.
    var body: Range<Int>

    /// Reads the header at absolute index `start` of `bytes` (whose start is the compound start).
    init(_ bytes: ArraySlice<UInt8>, at start: Int) throws(RTCPParseError) {
        let offset = start - bytes.startIndex
        let available = bytes.endIndex - start
        guard available >= 4 else { throw .tooShort(offset: offset, available: available) }
        let first = bytes[start]
        let version = first >> 6
        guard version == 2 else { throw .badVersion(offset: offset, version: version) }
        let declared = (Int(bytes.uint16(at: start + 2)) + 1) * 4
        guard declared <= available else {
            throw .lengthOverrun(offset: offset, declared: declared, available: available)
        }
        var bodyEnd = start + declared
        if first & 0x20 != 0 {
            // RFC 3550 §6.4.1: the last octet counts the padding octets, itself included.
            let padding = Int(bytes[bodyEnd - 1])
            guard padding >= 1, padding <= declared - 4 else {
                throw .paddingOverrun(offset: offset, padding: padding)
            }
            bodyEnd -= padding
        }
        count = first & 0x1F
        packetType = bytes[start + 1]
        self.offset = offset
        packet = start..<(start + declared)
        body = (start + 4)..<bodyEnd
    }

    /// Throws `truncatedBody` unless the body holds at least `needed` bytes.
    func require(_ needed: Int) throws(RTCPParseError) {
        guard body.count >= needed else {
            throw .truncatedBody(offset: offset, packetType: packetType, needed: needed, available: body.count)
        }
    }

    /// Appends a header with a placeholder length; returns its index for `finish(at:in:)`.
    static func begin(count: Int, packetType: UInt8, in out: inout [UInt8]) -> Int {
        let start = out.count
        out.append(2 << 6 | UInt8(truncatingIfNeeded: count) & 0x1F)
        out.append(packetType)
        out.appendUInt16(0)
        return start
    }

    /// Pads the packet begun at `start` to a word boundary and fills in its length (words minus one).
    static func finish(at start: Int, in out: inout [UInt8]) {
        out.padToWord()
        let words = (out.count - start) / 4
        out.setUInt16(UInt16(truncatingIfNeeded: words - 1), at: start + 2)
    }
}
