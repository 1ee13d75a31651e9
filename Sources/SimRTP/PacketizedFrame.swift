/// One video frame split into RTP payloads, in sending order (RTP headers not included).
public struct PacketizedFrame: Sendable, Equatable {
    /// The RTP payloads; the last one carries the frame's marker bit when sent.
    public var payloads: [[UInt8]]
    /// True when the frame is decodable on its own (VP8 keyframe, H.264 IDR access unit).
    public var isKeyframe: Bool

    /// A packetized frame from its parts.
    public init(payloads: [[UInt8]], isKeyframe: Bool) {
        self.payloads = payloads
        self.isKeyframe = isKeyframe
    }
}
