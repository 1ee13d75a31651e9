import SimCore

/// An RTP stream id, the value of `a=rid` and of the `sdes:rtp-stream-id` header extension (RFC 8851, RFC 8852).
///
/// LiveKit publishers name their simulcast layers `q`, `h` and `f` (low, medium, high).
public struct RID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
