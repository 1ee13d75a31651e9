/// The uncompressed header at the start of every VP8 frame (RFC 6386 §9.1), read without allocating.
///
/// The 3-byte little-endian frame tag holds |size (19 bits)|show_frame (1)|version (3)|P (1)|, P being 0 on a
/// keyframe (RFC 7741 calls it the inverse key frame flag); a keyframe continues with the start code
/// `9d 01 2a` and two 16-bit little-endian fields |scale (2)|width (14)| and |scale (2)|height (14)|.
public struct VP8FrameHeader: Sendable, Equatable {
    /// The length of the frame tag.
    public static let tagLength = 3
    /// The length of a keyframe's header: frame tag, start code, width and height.
    public static let keyframeHeaderLength = 10
    /// RFC 6386 §9.1: the three bytes after a keyframe's frame tag.
    public static let startCode: [UInt8] = [0x9D, 0x01, 0x2A]

    /// True for a keyframe (intra frame, P bit 0): decodable without earlier frames.
    public var isKeyframe: Bool
    /// The 3-bit version (reconstruction and loop-filter profile, 0…3 in use).
    public var version: UInt8
    /// False for a frame decoded but not displayed (for example a libvpx alt-ref frame).
    public var showFrame: Bool
    /// The length of the first partition, which follows the header.
    public var firstPartitionSize: Int
    /// The picture width in pixels (keyframes only; nil on interframes).
    public var width: Int?
    /// The picture height in pixels (keyframes only; nil on interframes).
    public var height: Int?

    /// The length of this header: 10 for a keyframe, 3 otherwise.
    public var length: Int { isKeyframe ? Self.keyframeHeaderLength : Self.tagLength }

    /// A header from its fields.
    public init(
        isKeyframe: Bool, version: UInt8, showFrame: Bool, firstPartitionSize: Int, width: Int?, height: Int?
    ) {
        self.isKeyframe = isKeyframe
        self.version = version
        self.showFrame = showFrame
        self.firstPartitionSize = firstPartitionSize
        self.width = width
        self.height = height
    }

    /// Parses the header at the start of `frame` (a whole encoded frame).
    /// - Throws: `VP8FrameHeaderParseError` when the bytes are too short, a keyframe lacks its start code, or
    ///   the first partition is longer than the rest of the frame.
    public init(parsing frame: ArraySlice<UInt8>) throws(VP8FrameHeaderParseError) {
        let start = frame.startIndex
        guard frame.count >= Self.tagLength else { throw .tooShort(length: frame.count, needed: Self.tagLength) }
        let tag = UInt32(frame[start]) | UInt32(frame[start + 1]) << 8 | UInt32(frame[start + 2]) << 16
        isKeyframe = tag & 0x01 == 0
        version = UInt8(truncatingIfNeeded: tag >> 1 & 0x07)
        showFrame = tag >> 4 & 0x01 != 0
        firstPartitionSize = Int(tag >> 5)
        if isKeyframe {
            guard frame.count >= Self.keyframeHeaderLength else {
                throw .tooShort(length: frame.count, needed: Self.keyframeHeaderLength)
            }
            let code = frame[start + 3..<start + 6]
            guard code.elementsEqual(Self.startCode) else { throw .badStartCode(Array(code)) }
            width = Int(frame.littleEndianUInt16(at: start + 6) & 0x3FFF)
            height = Int(frame.littleEndianUInt16(at: start + 8) & 0x3FFF)
        } else {
            width = nil
            height = nil
        }
        let available = frame.count - (isKeyframe ? Self.keyframeHeaderLength : Self.tagLength)
        guard firstPartitionSize <= available else {
            throw .firstPartitionOverrun(size: firstPartitionSize, available: available)
        }
    }

    /// Parses the header at the start of `frame`.
    /// - Throws: `VP8FrameHeaderParseError` (see `init(parsing:)` for slices).
    public init(parsing frame: [UInt8]) throws(VP8FrameHeaderParseError) {
        try self.init(parsing: frame[...])
    }
}
