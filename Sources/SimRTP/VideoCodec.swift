/// A video codec whose RTP payload format the SFU understands well enough to find keyframes.
public enum VideoCodec: String, Hashable, Sendable, CaseIterable {
    /// VP8 (RFC 7741).
    case vp8 = "VP8"
    /// VP9 (RFC 9628).
    case vp9 = "VP9"
    /// H.264 (RFC 6184).
    case h264 = "H264"
    /// AV1 (AOMedia "RTP Payload Format for AV1" v1.0).
    case av1 = "AV1"

    /// The codec of an SDP `a=rtpmap` encoding name or a MIME type (`VP8`, `video/vp8`), case-insensitive.
    public init?(mimeType: String) {
        let name = mimeType.uppercased()
        let subtype = name.hasPrefix("VIDEO/") ? String(name.dropFirst(6)) : name
        guard let codec = VideoCodec(rawValue: subtype) else { return nil }
        self = codec
    }

    /// The MIME type as LiveKit and SDP spell it (`video/VP8`).
    public var mimeType: String { "video/" + rawValue }
}
