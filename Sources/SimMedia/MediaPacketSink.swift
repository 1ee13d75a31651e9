/// Where a transport hands its peer's decrypted media, synchronously on the transport's receive thread: the media
/// router of the transport's room.
///
/// Called on the ICE loop thread of the source transport (one thread per transport), in arrival order. An
/// implementation must not block, must not close the source transport (its receive thread cannot join itself),
/// and must not keep `packet` past the call (copy what it needs: the buffer is reused for the next packet).
public protocol MediaPacketSink: AnyObject, Sendable {
    /// A decrypted RTP packet from the peer of the transport identified by `source`.
    func rtpReceived(_ packet: [UInt8], from source: ObjectIdentifier)
    /// A decrypted RTCP compound packet from the peer of the transport identified by `source`.
    func rtcpReceived(_ packet: [UInt8], from source: ObjectIdentifier)
}
