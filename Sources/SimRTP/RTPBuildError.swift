/// Why RTP packet fields cannot be serialized (RFC 3550 §5.1, RFC 8285 §4).
public enum RTPBuildError: Error, Equatable, Sendable {
    /// More than 15 CSRCs (the CC field has 4 bits).
    case tooManyCSRCs(Int)
    /// A header-extension element id of 0 (padding, RFC 8285 §4.2/§4.3).
    case invalidExtensionID(UInt8)
    /// An element's data is longer than the two-byte header's 255 bytes.
    case extensionDataTooLong(id: UInt8, length: Int)
    /// The header extension exceeds 65,535 32-bit words.
    case extensionTooLong(words: Int)
}
