import SimCore

/// A media section's identification tag, the value of `a=mid` (RFC 5888 §4), such as `0` or `audio`.
///
/// BUNDLE groups, `mid_to_track_id` and the RTP `sdes:mid` header extension all refer to sections by it.
public struct MediaID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
