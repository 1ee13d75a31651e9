/// A parsed, validated view over one RTP packet (RFC 3550 §5.1) that keeps the original bytes.
///
/// Parsing records offsets only; fields are read from the bytes on access, and the CSRC list and
/// header-extension elements are iterated without allocation. Indices (`payloadRange`) are indices of `bytes`.
public struct RTPPacket: Sendable, Equatable {
    /// RFC 3550 §5.1: the fixed header is 12 bytes.
    public static let fixedHeaderLength = 12
    /// RFC 3550 §5.1: the only defined version.
    public static let version: UInt8 = 2

    /// The whole packet, as given to `init(parsing:)`.
    public let bytes: ArraySlice<UInt8>
    /// Where the header extension's data lies in `bytes` (after its 4-byte header); empty when absent.
    public let headerExtensionRange: Range<Int>
    /// The header-extension profile, or nil when the X bit is clear.
    public let headerExtensionProfile: RTPHeaderExtensionProfile?
    /// Where the payload lies in `bytes` (after the header, before any padding).
    public let payloadRange: Range<Int>

    /// Parses and validates `bytes` without copying them.
    /// - Throws: `RTPParseError` naming the first field that does not fit.
    public init(parsing bytes: ArraySlice<UInt8>) throws(RTPParseError) {
        let layout = try RTPLayout(bytes)
        self.bytes = bytes
        headerExtensionRange = layout.extensionData
        headerExtensionProfile = layout.extensionProfile
        payloadRange = layout.payload
    }

    /// Parses and validates `bytes` without copying them.
    /// - Throws: `RTPParseError` naming the first field that does not fit.
    public init(parsing bytes: [UInt8]) throws(RTPParseError) {
        try self.init(parsing: bytes[...])
    }

    private var base: Int { bytes.startIndex }

    /// The P bit: the packet ends with padding.
    public var hasPadding: Bool { bytes[base] & 0x20 != 0 }
    /// The X bit: a header extension follows the CSRC list.
    public var hasExtension: Bool { bytes[base] & 0x10 != 0 }
    /// The CC field: how many CSRCs follow the fixed header.
    public var csrcCount: Int { Int(bytes[base] & 0x0F) }
    /// The M bit (for video: the last packet of a frame).
    public var marker: Bool { bytes[base + 1] & 0x80 != 0 }
    /// The 7-bit payload type.
    public var payloadType: UInt8 { bytes[base + 1] & 0x7F }
    /// The 16-bit sequence number.
    public var sequenceNumber: UInt16 { bytes.uint16(at: base + 2) }
    /// The 32-bit media timestamp.
    public var timestamp: UInt32 { bytes.uint32(at: base + 4) }
    /// The synchronization source.
    public var ssrc: SSRC { SSRC(bytes.uint32(at: base + 8)) }
    /// The number of padding bytes at the end (0 without the P bit).
    public var paddingLength: Int { bytes.endIndex - payloadRange.upperBound }
    /// The length of everything before the payload.
    public var headerLength: Int { payloadRange.lowerBound - base }

    /// The contributing sources (allocates an array; use `csrc(at:)` on the hot path).
    public var csrcs: [SSRC] { (0..<csrcCount).map(csrc(at:)) }

    /// The contributing source at `index` (0 ≤ index < `csrcCount`).
    public func csrc(at index: Int) -> SSRC {
        SSRC(bytes.uint32(at: base + Self.fixedHeaderLength + 4 * index))
    }

    /// The payload bytes (a view, no copy).
    public var payload: ArraySlice<UInt8> { bytes[payloadRange] }

    /// The header extension's data (a view); empty when absent.
    public var headerExtensionData: ArraySlice<UInt8> { bytes[headerExtensionRange] }

    /// The RFC 8285 elements of the header extension (none for other profiles or without the X bit).
    public var headerExtensions: RTPHeaderExtensionElements {
        RTPHeaderExtensionElements(bytes: bytes, range: headerExtensionRange, profile: headerExtensionProfile)
    }

    /// The data of the first element with local id `id`, if any.
    public func headerExtension(id: UInt8) -> ArraySlice<UInt8>? {
        for element in headerExtensions where element.id == id { return element.data }
        return nil
    }

    /// The packet bytes, exactly as parsed.
    public func serialized() -> [UInt8] { Array(bytes) }

    /// Two packets are equal when their bytes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
}

/// Offsets of the parts of an RTP packet, computed from any byte collection without allocation.
struct RTPLayout {
    /// The extension profile, or nil without the X bit.
    var extensionProfile: RTPHeaderExtensionProfile?
    /// Absolute range of the extension data (after its 4-byte header); empty when absent.
    var extensionData: Range<Int>
    /// Absolute range of the payload.
    var payload: Range<Int>

    /// Validates the header, CSRCs, extension (including RFC 8285 elements) and padding.
    init<C: RandomAccessCollection>(_ bytes: C) throws(RTPParseError) where C.Element == UInt8, C.Index == Int {
        let start = bytes.startIndex
        let end = bytes.endIndex
        let length = end - start
        guard length >= RTPPacket.fixedHeaderLength else { throw .tooShort(length: length) }
        let first = bytes[start]
        let version = first >> 6
        guard version == RTPPacket.version else { throw .badVersion(version) }
        let csrcCount = Int(first & 0x0F)
        var offset = RTPPacket.fixedHeaderLength + 4 * csrcCount
        guard offset <= length else { throw .csrcOverrun(count: csrcCount, length: length) }

        if first & 0x10 != 0 {
            guard offset + 4 <= length else { throw .extensionHeaderOverrun(offset: offset, length: length) }
            let profileValue = UInt16(bytes[start + offset]) << 8 | UInt16(bytes[start + offset + 1])
            let words = Int(bytes[start + offset + 2]) << 8 | Int(bytes[start + offset + 3])
            let dataStart = offset + 4
            guard dataStart + 4 * words <= length else { throw .extensionOverrun(words: words, length: length) }
            let profile = RTPHeaderExtensionProfile(rawValue: profileValue)
            let data = (start + dataStart)..<(start + dataStart + 4 * words)
            try Self.validateElements(bytes, range: data, profile: profile, packetStart: start)
            extensionProfile = profile
            extensionData = data
            offset = dataStart + 4 * words
        } else {
            extensionProfile = nil
            extensionData = (start + offset)..<(start + offset)
        }

        var payloadEnd = length
        if first & 0x20 != 0 {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            let padding = Int(bytes[end - 1])
            let available = length - offset
            guard padding >= 1, padding <= available else {
                throw .paddingOverrun(padding: padding, available: available)
            }
            payloadEnd = length - padding
        }
        payload = (start + offset)..<(start + payloadEnd)
    }

    /// Walks the RFC 8285 elements once so that later iteration can trust them.
    private static func validateElements<C: RandomAccessCollection>(
        _ bytes: C, range: Range<Int>, profile: RTPHeaderExtensionProfile, packetStart: Int
    ) throws(RTPParseError) where C.Element == UInt8, C.Index == Int {
        let oneByte: Bool
        switch profile {
        case .oneByte: oneByte = true
        case .twoByte: oneByte = false
        case .other: return
        }
        var position = range.lowerBound
        while true {
            switch RTPExtensionWalker.step(bytes, at: position, end: range.upperBound, oneByte: oneByte) {
            case .padding(let next): position = next
            case .element(_, _, let data): position = data.upperBound
            case .end: return
            case .overrun(let offset): throw .extensionElementOverrun(offset: offset - packetStart)
            }
        }
    }
}
