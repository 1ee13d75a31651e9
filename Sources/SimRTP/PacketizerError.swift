/// Why a video frame cannot be split into RTP payloads.
public enum PacketizerError: Error, Equatable, Sendable {
    /// The maximum payload size leaves no room for media after the payload header (`minimum` is the least
    /// accepted value).
    case maxPayloadSizeTooSmall(Int, minimum: Int)
    /// The frame (or access unit) has no bytes.
    case emptyFrame
    /// The VP8 frame does not start with a valid frame header.
    case malformedVP8Frame(VP8FrameHeaderParseError)
    /// An H.264 NAL unit is empty (it needs at least its 1-byte header); `index` counts in the access unit.
    case emptyNALUnit(index: Int)
}
