/// Why bytes are not a valid (compound) RTCP packet (RFC 3550 §6.4, RFC 4585 §6.1, RFC 5104 §4.3).
/// Offsets are relative to the start of the compound packet.
public enum RTCPParseError: Error, Equatable, Sendable {
    /// Fewer than 4 bytes remain for a common header at `offset`.
    case tooShort(offset: Int, available: Int)
    /// The version field of the packet at `offset` is not 2.
    case badVersion(offset: Int, version: UInt8)
    /// The length field of the packet at `offset` claims `declared` bytes but only `available` remain.
    case lengthOverrun(offset: Int, declared: Int, available: Int)
    /// The P bit is set but the padding count is zero or longer than the packet body.
    case paddingOverrun(offset: Int, padding: Int)
    /// The body of the packet at `offset` (type `packetType`) is shorter than its counts require.
    case truncatedBody(offset: Int, packetType: UInt8, needed: Int, available: Int)
}
