import Foundation
import SimCore

/// A fresh join, validated by the signal layer (token checked, grants applied).
public struct JoinParameters: Sendable, Equatable {
    /// The signal connection.
    public var connection: ConnectionID
    /// The room from the token.
    public var room: RoomName
    /// The identity from the token.
    public var identity: Identity
    /// Display name.
    public var name: String
    /// Metadata (token, overridden by the join request when allowed).
    public var metadata: String
    /// Attributes (token merged with the join request's).
    public var attributes: [String: String]
    /// Grants.
    public var permission: ParticipantPermission
    /// LiveKit participant kind number.
    public var kind: Int
    /// Client signal protocol.
    public var protocolVersion: Int
    /// Client↔client protocol level.
    public var clientProtocol: Int
    /// The client's capabilities (`ClientInfo.Capability` numbers), echoed to peers.
    public var capabilities: [Int] = []
    /// Single- or dual-PC.
    public var mode: SignalMode
    /// Auto-subscribe.
    public var autoSubscribe: Bool
    /// Auto-subscribe to data tracks (`auto_subscribe_data_track`; true unless the client says otherwise).
    public var autoSubscribeDataTracks = true
    /// The agents the token's `roomConfig` asks for, used only when this join creates the room.
    public var roomAgents: [RoomAgentRequest] = []

    /// A join.
    public init(
        connection: ConnectionID, room: RoomName, identity: Identity, name: String = "", metadata: String = "",
        attributes: [String: String] = [:], permission: ParticipantPermission = ParticipantPermission(), kind: Int = 0,
        protocolVersion: Int = 17, clientProtocol: Int = 2, mode: SignalMode = .singlePC, autoSubscribe: Bool = true
    ) {
        self.connection = connection
        self.room = room
        self.identity = identity
        self.name = name
        self.metadata = metadata
        self.attributes = attributes
        self.permission = permission
        self.kind = kind
        self.protocolVersion = protocolVersion
        self.clientProtocol = clientProtocol
        self.mode = mode
        self.autoSubscribe = autoSubscribe
    }
}

/// An AddTrack request, in domain terms.
public struct AddTrackParameters: Sendable, Equatable {
    /// Client track id.
    public var cid: String
    /// Name.
    public var name: String
    /// Audio or video; nil for a type the server does not accept (data).
    public var kind: TrackKind?
    /// Source.
    public var source: TrackSource
    /// Starts muted.
    public var muted: Bool
    /// Width.
    public var width: UInt32
    /// Height.
    public var height: UInt32
    /// Simulcast layers.
    public var layers: [VideoLayerInfo]
    /// Stream name.
    public var stream: String
    /// RED disabled.
    public var disableRED: Bool
    /// Alternate cids (simulcast codecs) that may name the track in the offer.
    public var alternateCIDs: [String]

    /// An AddTrack.
    public init(
        cid: String, name: String = "", kind: TrackKind?, source: TrackSource = .unknown, muted: Bool = false,
        width: UInt32 = 0, height: UInt32 = 0, layers: [VideoLayerInfo] = [], stream: String = "",
        disableRED: Bool = false, alternateCIDs: [String] = []
    ) {
        self.cid = cid
        self.name = name
        self.kind = kind
        self.source = source
        self.muted = muted
        self.width = width
        self.height = height
        self.layers = layers
        self.stream = stream
        self.disableRED = disableRED
        self.alternateCIDs = alternateCIDs
    }
}

/// One media section a publisher's offer sends (from SDP), used to complete pending tracks.
public struct OfferedTrackSection: Sendable, Equatable {
    /// The section's mid.
    public var mid: String
    /// Audio or video.
    public var kind: TrackKind
    /// The msid track id (the client's `cid`), if present.
    public var trackID: String?
    /// First negotiated MIME type, e.g. `video/VP8`.
    public var mimeType: String
    /// Simulcast RIDs offered.
    public var rids: [String]

    /// A section.
    public init(mid: String, kind: TrackKind, trackID: String?, mimeType: String, rids: [String] = []) {
        self.mid = mid
        self.kind = kind
        self.trackID = trackID
        self.mimeType = mimeType
        self.rids = rids
    }
}

/// A timer an engine armed; it comes back as `RoomEvent.timerFired`.
public enum RoomTimer: Hashable, Sendable {
    /// A room that has never had, or no longer has, participants.
    case roomIdle(RoomName, generation: UInt64)
    /// End of a simulated speaking period.
    case speakerOff(ParticipantSID)
    /// The signal was lost and not resumed in time.
    case signalLost(ParticipantSID, generation: UInt64)
    /// End of a `disconnect_signal_on_resume*` window.
    case resumeFaultWindow(ParticipantSID)
}

/// Everything that can happen to the room model.
public enum RoomEvent: Sendable, Equatable {
    /// A fresh join arrived.
    case joinRequested(JoinParameters)
    /// A resume (`reconnect=1`) arrived for `identity` in `room` on a new connection.
    case resumeRequested(ConnectionID, room: RoomName, identity: Identity, permission: ParticipantPermission)
    /// AddTrack.
    case addTrackRequested(ConnectionID, AddTrackParameters)
    /// The publisher's offer, reduced to the sections it sends.
    case publisherOfferReceived(ConnectionID, [OfferedTrackSection])
    /// Client mute/unmute of its own track.
    case muteRequested(ConnectionID, TrackSID, muted: Bool)
    /// UpdateSubscription.
    case subscriptionUpdateRequested(ConnectionID, trackSIDs: [TrackSID], subscribe: Bool)
    /// UpdateTrackSettings.
    case trackSettingsUpdated(ConnectionID, trackSIDs: [TrackSID], TrackSettings)
    /// UpdateParticipantMetadata.
    case metadataUpdateRequested(ConnectionID, metadata: String, name: String, attributes: [String: String], requestID: UInt32)
    /// The client sent `leave`.
    case leaveRequested(ConnectionID)
    /// The signal connection closed (any reason).
    case connectionClosed(ConnectionID)
    /// The participant's primary transport connected (ICE + DTLS).
    case transportConnected(ParticipantSID)
    /// SimulateScenario.
    case simulateRequested(ConnectionID, SimulatedScenario)
    /// The server (a scenario) tells the participant on `connection` to leave, with this reason and action:
    /// RESUME closes the signal and keeps the participant for its resume; DISCONNECT and RECONNECT remove it.
    case leaveCommanded(ConnectionID, LeaveNotice)
    /// PublishDataTrackRequest.
    case publishDataTrackRequested(ConnectionID, DataTrackRequest)
    /// UnpublishDataTrackRequest.
    case unpublishDataTrackRequested(ConnectionID, handle: UInt32)
    /// UpdateDataSubscription.
    case dataSubscriptionUpdateRequested(ConnectionID, [DataSubscriptionChange])
    /// SyncState after a resume: the tracks the client believes it publishes.
    case syncStateReceived(ConnectionID, publishedTrackSIDs: [TrackSID])
    /// A timer fired.
    case timerFired(RoomTimer)
}
