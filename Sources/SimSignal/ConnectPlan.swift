import SimCore
import SimAuth
import SimRoom

/// A validated connect request: everything the engine needs to join or resume.
public struct ConnectPlan: Sendable, Equatable {
    /// Which endpoint it came on.
    public var path: SignalPath
    /// The verified token.
    public var token: VerifiedToken
    /// The join as the room model sees it (connection id filled in by the engine).
    public var join: JoinParameters
    /// A resume (`reconnect=1` / `JoinRequest.reconnect`) rather than a fresh join.
    public var isResume: Bool
    /// The SID the client claims on resume (only logged; LiveKit matches by identity).
    public var resumeSID: ParticipantSID?
    /// v1: AddTrack requests carried in the JoinRequest.
    public var addTracks: [AddTrackParameters]
    /// v1: the publisher offer carried in the JoinRequest (SDP text and offer id).
    public var publisherOffer: (sdp: String, id: UInt32)?
    /// The client's SDK name (from ClientInfo or `sdk=`), for the event log.
    public var sdk: String
    /// A participant that lives inside the server (the Decart inference server): no socket, no transport, no
    /// keepalive; its media is produced by the server.
    public var isVirtual = false

    /// Compares everything but the offer tuple's labels.
    public static func == (lhs: ConnectPlan, rhs: ConnectPlan) -> Bool {
        lhs.path == rhs.path && lhs.token == rhs.token && lhs.join == rhs.join && lhs.isResume == rhs.isResume
            && lhs.resumeSID == rhs.resumeSID && lhs.addTracks == rhs.addTracks && lhs.sdk == rhs.sdk && lhs.isVirtual == rhs.isVirtual
            && lhs.publisherOffer?.sdp == rhs.publisherOffer?.sdp && lhs.publisherOffer?.id == rhs.publisherOffer?.id
    }
}
