/// The 32-byte header of an IVF file, the simple container libvpx's tools write for VP8/VP9/AV1 streams.
///
/// Layout (all little-endian): `DKIF`, version (16), header length (16), fourcc (4 bytes), width (16),
/// height (16), timebase denominator (32), timebase numerator (32), frame count (32), unused (32).
public struct IVFHeader: Sendable, Equatable {
    /// The four bytes every IVF file starts with.
    public static let signature: [UInt8] = Array("DKIF".utf8)
    /// The header length of version 0, the only version in use; longer headers are skipped.
    public static let minimumLength = 32

    /// The format version (0 in every known writer).
    public var version: UInt16
    /// Where the first frame header starts (32 for version 0).
    public var headerLength: Int
    /// The codec's four-character code, for example `VP80` (bytes that are not UTF-8 become U+FFFD).
    public var fourCC: String
    /// The picture width in pixels, as the writer declared it.
    public var width: UInt16
    /// The picture height in pixels, as the writer declared it.
    public var height: UInt16
    /// The timebase denominator ("rate"): frame timestamps count units of `numerator / denominator` seconds.
    public var timebaseDenominator: UInt32
    /// The timebase numerator ("scale").
    public var timebaseNumerator: UInt32
    /// The frame count the writer declared; streaming writers leave 0, so trust `IVFFile.frames.count`.
    public var frameCount: UInt32

    /// A header from its fields.
    public init(
        version: UInt16 = 0, headerLength: Int = Self.minimumLength, fourCC: String, width: UInt16, height: UInt16,
        timebaseDenominator: UInt32, timebaseNumerator: UInt32, frameCount: UInt32
    ) {
        self.version = version
        self.headerLength = headerLength
        self.fourCC = fourCC
        self.width = width
        self.height = height
        self.timebaseDenominator = timebaseDenominator
        self.timebaseNumerator = timebaseNumerator
        self.frameCount = frameCount
    }

    /// Parses the header at the start of `bytes`.
    /// - Throws: `IVFParseError.headerTooShort`, `.badSignature`, or `.badHeaderLength` when the declared
    ///   header is shorter than 32 bytes or longer than `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(IVFParseError) {
        let start = bytes.startIndex
        guard bytes.count >= Self.minimumLength else { throw .headerTooShort(length: bytes.count) }
        let magic = bytes[start..<start + 4]
        guard magic.elementsEqual(Self.signature) else { throw .badSignature(Array(magic)) }
        let headerLength = Int(bytes.littleEndianUInt16(at: start + 6))
        guard headerLength >= Self.minimumLength, headerLength <= bytes.count else {
            throw .badHeaderLength(headerLength, fileLength: bytes.count)
        }
        version = bytes.littleEndianUInt16(at: start + 4)
        self.headerLength = headerLength
        fourCC = String(decoding: bytes[start + 8..<start + 12], as: UTF8.self)
        width = bytes.littleEndianUInt16(at: start + 12)
        height = bytes.littleEndianUInt16(at: start + 14)
        timebaseDenominator = bytes.littleEndianUInt32(at: start + 16)
        timebaseNumerator = bytes.littleEndianUInt32(at: start + 20)
        frameCount = bytes.littleEndianUInt32(at: start + 24)
    }
}

extension ArraySlice where Element == UInt8 {
    /// The little-endian 16-bit value at absolute index `index` (caller checked bounds). IVF is little-endian.
    @inline(__always)
    func littleEndianUInt16(at index: Int) -> UInt16 {
        UInt16(self[index]) | UInt16(self[index + 1]) << 8
    }

    /// The little-endian 32-bit value at absolute index `index` (caller checked bounds).
    @inline(__always)
    func littleEndianUInt32(at index: Int) -> UInt32 {
        UInt32(littleEndianUInt16(at: index)) | UInt32(littleEndianUInt16(at: index + 2)) << 16
    }

    /// The little-endian 64-bit value at absolute index `index` (caller checked bounds).
    @inline(__always)
    func littleEndianUInt64(at index: Int) -> UInt64 {
        UInt64(littleEndianUInt32(at: index)) | UInt64(littleEndianUInt32(at: index + 4)) << 32
    }
}
