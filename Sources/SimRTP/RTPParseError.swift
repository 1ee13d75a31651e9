/// Why bytes are not a valid RTP packet (RFC 3550 §5.1, RFC 8285). Offsets are relative to the packet start.
public enum RTPParseError: Error, Equatable, Sendable {
    /// Fewer than the 12 bytes of the fixed header.
    case tooShort(length: Int)
    /// The version field is not 2.
    case badVersion(UInt8)
    /// The CSRC list (`count` entries of 4 bytes) runs past the end of the packet.
    case csrcOverrun(count: Int, length: Int)
    /// The X bit is set but the 4-byte extension header (profile, length) runs past the end of the packet.
    case extensionHeaderOverrun(offset: Int, length: Int)
    /// The header extension (`words` 32-bit words) runs past the end of the packet.
    case extensionOverrun(words: Int, length: Int)
    /// An RFC 8285 element starting at `offset` runs past the end of the header extension.
    case extensionElementOverrun(offset: Int)
    /// The P bit is set but the padding count is zero or larger than the bytes after the header.
    case paddingOverrun(padding: Int, available: Int)
}
