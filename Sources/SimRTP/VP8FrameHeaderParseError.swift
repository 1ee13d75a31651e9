/// Why bytes do not start with a VP8 frame header (RFC 6386 §9.1).
public enum VP8FrameHeaderParseError: Error, Equatable, Sendable {
    /// Fewer bytes than the header needs: 3 for the frame tag, 10 on a keyframe.
    case tooShort(length: Int, needed: Int)
    /// A keyframe without the start code `9d 01 2a` after its frame tag.
    case badStartCode([UInt8])
    /// The first partition (`size` bytes per the frame tag) runs past the `available` bytes after the header.
    case firstPartitionOverrun(size: Int, available: Int)
}
