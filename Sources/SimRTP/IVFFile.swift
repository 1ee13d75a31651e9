/// A parsed IVF file (the container libvpx's `ivfenc` writes): its header and its frames, without copying.
///
/// After the header (`IVFHeader`), each frame is a 12-byte little-endian frame header — length (32 bits),
/// timestamp (64 bits) — followed by that many bytes. Parsing checks every length against the bytes left, so
/// no input traps; a file cut exactly between frames parses as the frames before the cut.
public struct IVFFile: Sendable, Equatable {
    /// The length of the header in front of every frame.
    public static let frameHeaderLength = 12

    /// The file header.
    public var header: IVFHeader
    /// The frames in file order.
    public var frames: [IVFFrame]

    /// A file from its parts (for tests and for callers that trim or reorder frames).
    public init(header: IVFHeader, frames: [IVFFrame]) {
        self.header = header
        self.frames = frames
    }

    /// Parses `bytes`; the frames are views into `bytes`.
    /// - Throws: `IVFParseError` for a short or foreign header and for a frame header or frame that runs past
    ///   the end of `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(IVFParseError) {
        header = try IVFHeader(parsing: bytes)
        var offset = bytes.startIndex + header.headerLength
        // The declared count is untrusted: never reserve more than the bytes could hold.
        let capacity = min(Int(header.frameCount), (bytes.endIndex - offset) / Self.frameHeaderLength)
        var frames: [IVFFrame] = []
        frames.reserveCapacity(capacity)
        while offset < bytes.endIndex {
            let index = frames.count
            guard bytes.endIndex - offset >= Self.frameHeaderLength else {
                throw .truncatedFrameHeader(index: index, offset: offset - bytes.startIndex)
            }
            let length = Int(bytes.littleEndianUInt32(at: offset))
            let timestamp = bytes.littleEndianUInt64(at: offset + 4)
            let dataStart = offset + Self.frameHeaderLength
            let available = bytes.endIndex - dataStart
            guard length <= available else {
                throw .truncatedFrame(index: index, declaredLength: length, available: available)
            }
            frames.append(IVFFrame(timestamp: timestamp, data: bytes[dataStart..<dataStart + length]))
            offset = dataStart + length
        }
        self.frames = frames
    }

    /// Parses `bytes`; the frames are views into `bytes`.
    /// - Throws: `IVFParseError` (see `init(parsing:)` for slices).
    public init(parsing bytes: [UInt8]) throws(IVFParseError) {
        try self.init(parsing: bytes[...])
    }
}
