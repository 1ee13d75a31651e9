import SimCore
import SimRoom

/// The media layer as the signal hub sees it: up to two transports per participant (single-PC: the publisher PC;
/// dual-PC: publisher and subscriber PCs), owned by the participant so they outlive a dropped signal connection
/// and carry on after a resume.
///
/// The hub never calls it holding its lock: `transportOpened` runs before the engine hears of the transport (it may
/// take milliseconds: an ICE agent starts), the others after the engine step that decided them, in that order and
/// one at a time (`EffectQueue`), so a slow call (closing a transport joins its ICE thread) stalls no other
/// connection's signalling. Implementations report gathered candidates and connection state through
/// `SignalHub.localCandidateGathered` and `SignalHub.transportConnected`, which they may call from any thread.
public protocol SignalMediaDelegate: AnyObject, Sendable {
    /// Creates the `target` transport for `connection` (its participant may not exist yet) and returns its ICE/DTLS
    /// identity (nil: signalling only). It belongs to the participant from `participantBound` on.
    func transportOpened(for connection: ConnectionID, target: PeerTarget) -> LocalTransportParameters?
    /// The connection's participant is known (join, resume, or a transport created after the join): transports
    /// created for the connection become the participant's, and gather.
    func participantBound(_ participant: ParticipantSID, in room: RoomName, to connection: ConnectionID)
    /// The client's SDP described its side of the `target` transport: credentials, fingerprint, our DTLS role.
    func remoteDescription(_ description: RemoteTransportDescription, participant: ParticipantSID, target: PeerTarget)
    /// ICE restart: our side of the `target` transport takes new credentials (already in our SDP).
    func restartICE(_ credentials: ICECredentialPair, participant: ParticipantSID, target: PeerTarget)
    /// The client trickled a candidate for the `target` transport (empty string: end of candidates).
    func remoteCandidate(_ candidate: String, participant: ParticipantSID, target: PeerTarget)
    /// A track the participant publishes, with its SSRCs and codecs: route its RTP.
    func publisherTrack(_ media: PublishedTrackMedia, participant: ParticipantSID)
    /// A subscription is in the participant's SDP: forward the track on its `target` transport.
    func downTrackNegotiated(_ downTrack: NegotiatedDownTrack, participant: ParticipantSID, target: PeerTarget)
    /// A subscription ended.
    func downTrackRemoved(_ track: TrackSID, participant: ParticipantSID, target: PeerTarget)
    /// The subscriber's settings for a track it receives (simulcast layer, pause).
    func downTrackSettings(_ settings: DownTrackSettings, track: TrackSID, participant: ParticipantSID)
    /// The signal connection is gone: transports never bound to a participant close; the others wait for a resume.
    func connectionClosed(_ connection: ConnectionID)
    /// The participant is gone for good: close its transports.
    func participantRemoved(_ participant: ParticipantSID)
    /// Sends a serialized DataPacket (or a data-track frame) to the participant on its data channel `channel`.
    func deliverData(_ packet: [UInt8], channel: DataChannelLabel, participant: ParticipantSID)
    /// `track` (a virtual participant's) carries `source`'s RTP to its own subscribers.
    func echoTrack(_ track: TrackSID, source: TrackSID)
}
