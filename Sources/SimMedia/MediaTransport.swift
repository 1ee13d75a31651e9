/// What `MediaRouter` needs of a transport: send RTP and RTCP to its peer.
///
/// `PeerTransport` (ICE + DTLS + SRTP) is the real one; tests drive the router through in-memory transports that
/// record what it sends. Identity matters: the router keys publications and subscriptions by the object.
public protocol MediaTransport: AnyObject, Sendable {
    /// Sends one RTP packet to the peer. The bytes may be changed in place (SRTP protection appends its tag);
    /// reserve `SRTPContext.trailerSlack` bytes of capacity so that needs no reallocation.
    func sendRTP(_ packet: inout [UInt8]) throws
    /// Sends one RTCP compound packet to the peer (changed in place like `sendRTP`).
    func sendRTCP(_ packet: inout [UInt8]) throws
}

extension PeerTransport: MediaTransport {}
