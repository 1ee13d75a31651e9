/// URIs of the RTP header extensions sfusim knows (RFC 8285 `a=extmap`), and the set its answers accept.
public enum RTPHeaderExtensionURI {
    /// The media section's mid in each packet (RFC 8843 §15.1).
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// The RTP stream id, i.e. the simulcast layer's rid (RFC 8852 §3.1).
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// The rid of the stream an RTX packet repairs (RFC 8852 §3.2).
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    /// The client-to-mixer audio level (RFC 6464).
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// libwebrtc's absolute send time, for REMB bandwidth estimation.
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// The transport-wide sequence number, for transport-cc feedback.
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    /// libwebrtc's absolute capture time.
    public static let absCaptureTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"
    /// The AV1 dependency descriptor (also used with VP8/VP9 SVC by libwebrtc).
    public static let dependencyDescriptor =
        "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"
    /// The coordination-of-video-orientation extension (3GPP TS 26.114).
    public static let videoOrientation = "urn:3gpp:video-orientation"
    /// libwebrtc's playout delay limits.
    public static let playoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"
    /// Frame marking (draft-ietf-avtext-framemarking), which LiveKit registers for video.
    public static let frameMarking = "urn:ietf:params:rtp-hdrext:framemarking"

    /// The extensions an answer keeps: the union of what the LiveKit server registers for publishers
    /// (mid, rid, repaired rid, audio level, abs-send-time, transport-cc, abs-capture-time, dependency descriptor,
    /// frame marking) plus video orientation and playout delay, which are harmless to accept. Everything else
    /// (toffset, video-content-type, video-timing, color-space, csrc-audio-level…) is dropped.
    /// Extensions that describe the media itself, end to end, so a forwarder passes them on (with each
    /// subscriber's id): audio level, video orientation, capture time, playout delay. Transport-level ones
    /// (abs-send-time, transport-cc) and stream identification (mid, rid) are per hop and never forwarded.
    public static let forwardedEndToEnd: Set<String> = [audioLevel, videoOrientation, absCaptureTime, playoutDelay]

    public static let supportedByDefault: Set<String> = [
        mid, rtpStreamID, repairedRTPStreamID, audioLevel, absSendTime, transportWideCC, absCaptureTime,
        dependencyDescriptor, videoOrientation, playoutDelay, frameMarking,
    ]
}
