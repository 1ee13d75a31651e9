import SimCore
import SimRoom

/// The media layer as the signal hub sees it: one transport per signal connection (single-PC for now).
///
/// The hub calls `transportOpened` outside its lock (it may take milliseconds: an ICE agent starts) and the others
/// under it, in the order the engine decided; implementations must not block and must not call back into the hub
/// synchronously (report gathered candidates and connection state later, through
/// `SignalHub.localCandidateGathered` and `SignalHub.transportConnected`).
public protocol SignalMediaDelegate: AnyObject, Sendable {
    /// A connection made its first offer: create its transport and return its ICE/DTLS identity (nil: signalling only).
    func transportOpened(for connection: ConnectionID, mode: SignalMode) -> LocalTransportParameters?
    /// The client's offer described its side: credentials, fingerprint, our DTLS role, candidates in the SDP.
    func remoteDescription(_ description: RemoteTransportDescription, for connection: ConnectionID)
    /// The client trickled a candidate (empty string: end of candidates).
    func remoteCandidate(_ candidate: String, for connection: ConnectionID)
    /// The connection's participant is known (the transport reports `transportConnected` for it).
    func participantBound(_ participant: ParticipantSID, to connection: ConnectionID)
    /// A track was published on `connection` with these SSRCs and codecs: route its RTP.
    func publisherTrack(_ media: PublishedTrackMedia, on connection: ConnectionID)
    /// A subscription is in `connection`'s SDP: forward the track to it.
    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, on connection: ConnectionID)
    /// A subscription on `connection` ended.
    func downTrackRemoved(_ track: TrackSID, on connection: ConnectionID)
    /// The signal connection is gone: close its transport.
    func transportClosed(for connection: ConnectionID)
}
