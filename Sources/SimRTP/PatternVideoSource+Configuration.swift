extension PatternVideoSource {
    /// How a pattern source stamps its RTP packets.
    ///
    /// The first sequence number, timestamp and picture ID should be random per stream (RFC 3550 §5.1); draw
    /// them from a `SeededRandom` so that a seed reproduces the stream.
    public struct Configuration: Sendable, Equatable {
        /// Frame rates accepted (frames per second).
        public static let framesPerSecondRange: ClosedRange<Int> = 1...240
        /// The default largest RTP payload: room for the 12-byte RTP header, some header extensions and the
        /// 10-byte SRTP auth tag within the 1,200-byte packets WebRTC stacks aim for.
        public static let defaultMaxPayloadSize = 1_100

        /// The synchronization source of every packet.
        public var ssrc: SSRC
        /// The RTP payload type negotiated for the codec (0…127).
        public var payloadType: UInt8
        /// Frames per second; frame n has RTP timestamp `firstTimestamp + ⌊n · 90000 / framesPerSecond⌋`.
        /// Default 30 (the fixtures' rate).
        public var framesPerSecond: Int
        /// The largest RTP payload, payload header included. Default `defaultMaxPayloadSize` (1,100).
        public var maxPayloadSize: Int
        /// The sequence number of the first packet of frame 0. Default 0.
        public var firstSequenceNumber: UInt16
        /// The RTP timestamp of frame 0. Default 0.
        public var firstTimestamp: UInt32
        /// The VP8 PictureID of frame 0 (taken modulo 2^15; ignored for H.264). Default 0.
        public var firstPictureID: UInt16

        /// A configuration; see each property for its meaning and default.
        public init(
            ssrc: SSRC,
            payloadType: UInt8,
            framesPerSecond: Int = 30,
            maxPayloadSize: Int = Self.defaultMaxPayloadSize,
            firstSequenceNumber: UInt16 = 0,
            firstTimestamp: UInt32 = 0,
            firstPictureID: UInt16 = 0
        ) {
            self.ssrc = ssrc
            self.payloadType = payloadType
            self.framesPerSecond = framesPerSecond
            self.maxPayloadSize = maxPayloadSize
            self.firstSequenceNumber = firstSequenceNumber
            self.firstTimestamp = firstTimestamp
            self.firstPictureID = firstPictureID
        }
    }
}
