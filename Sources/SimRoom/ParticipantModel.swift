import Foundation
import SimCore

/// A participant's lifecycle state; it only ever moves forward (LiveKit `ParticipantInfo.State`).
public enum ParticipantState: Int, Sendable, Codable, Comparable {
    /// Signal connected, JoinResponse not yet written.
    case joining = 0
    /// JoinResponse written.
    case joined = 1
    /// Primary transport (ICE + DTLS) connected.
    case active = 2
    /// Gone.
    case disconnected = 3

    /// Orders by lifecycle.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Lowercase name, as the event log and admin API print it.
    public var name: String {
        switch self {
        case .joining: "joining"
        case .joined: "joined"
        case .active: "active"
        case .disconnected: "disconnected"
        }
    }
}

/// Why a participant left or was removed (LiveKit `DisconnectReason`).
public enum DisconnectReason: Int, Sendable, Codable {
    /// Unknown.
    case unknown = 0
    /// The client asked to leave.
    case clientInitiated = 1
    /// The same identity joined again.
    case duplicateIdentity = 2
    /// The server shut down (or simulated it).
    case serverShutdown = 3
    /// RoomService RemoveParticipant.
    case participantRemoved = 4
    /// RoomService DeleteRoom.
    case roomDeleted = 5
    /// A resume the server could not honour.
    case stateMismatch = 6
    /// Never finished joining.
    case joinFailure = 7
    /// Migration (simulated).
    case migration = 8
    /// The signal connection closed and was not resumed.
    case signalClose = 9
    /// The room closed.
    case roomClosed = 10
    /// SIP: the callee was unavailable.
    case userUnavailable = 11
    /// SIP: the callee rejected the call.
    case userRejected = 12
    /// SIP trunk failure.
    case sipTrunkFailure = 13
    /// The connection timed out.
    case connectionTimeout = 14
    /// Media failed.
    case mediaFailure = 15
    /// An agent failed.
    case agentError = 16
}

/// What a client should do after a LeaveRequest (LiveKit `LeaveRequest.Action`).
public enum LeaveAction: Int, Sendable, Codable {
    /// Stop.
    case disconnect = 0
    /// Resume with `reconnect=1`.
    case resume = 1
    /// Full reconnect (new join).
    case reconnect = 2
}

/// What a participant may do, from its token grants (LiveKit `ParticipantPermission`).
public struct ParticipantPermission: Sendable, Equatable {
    /// May subscribe.
    public var canSubscribe: Bool
    /// May publish tracks.
    public var canPublish: Bool
    /// May publish data packets.
    public var canPublishData: Bool
    /// Sources it may publish; empty means all.
    public var canPublishSources: [TrackSource]
    /// Hidden from others.
    public var hidden: Bool
    /// May update its own metadata, name and attributes.
    public var canUpdateMetadata: Bool
    /// May subscribe to metrics.
    public var canSubscribeMetrics: Bool

    /// A permission set; the defaults are a token with no explicit grants.
    public init(
        canSubscribe: Bool = true, canPublish: Bool = true, canPublishData: Bool = true,
        canPublishSources: [TrackSource] = [], hidden: Bool = false, canUpdateMetadata: Bool = false,
        canSubscribeMetrics: Bool = false
    ) {
        self.canSubscribe = canSubscribe
        self.canPublish = canPublish
        self.canPublishData = canPublishData
        self.canPublishSources = canPublishSources
        self.hidden = hidden
        self.canUpdateMetadata = canUpdateMetadata
        self.canSubscribeMetrics = canSubscribeMetrics
    }

    /// Whether a track of `source` may be published.
    public func allowsPublishing(_ source: TrackSource) -> Bool {
        canPublish && (canPublishSources.isEmpty || canPublishSources.contains(source))
    }
}

/// Which peer-connection layout a participant uses.
public enum SignalMode: String, Sendable, Codable {
    /// `/rtc/v1` or `/rtc` with `join_request`: one PeerConnection, the client always offers.
    case singlePC = "single"
    /// `/rtc` with query parameters: publisher and subscriber PeerConnections.
    case dualPC = "dual"
}

/// A participant in a room.
public struct Participant: Sendable, Equatable {
    /// Server-assigned SID, new on every fresh join.
    public var sid: ParticipantSID
    /// The token identity.
    public var identity: Identity
    /// The room it is in.
    public var room: RoomName
    /// Display name.
    public var name: String
    /// Free-form metadata.
    public var metadata: String
    /// Key/value attributes.
    public var attributes: [String: String]
    /// Lifecycle state.
    public var state: ParticipantState
    /// Grants.
    public var permission: ParticipantPermission
    /// LiveKit participant kind (`STANDARD` = 0, `AGENT` = 4, …).
    public var kind: Int
    /// Wall-clock join time.
    public var joinedAt: Date
    /// Monotonic version, bumped on every change others can see.
    public var version: UInt32
    /// Tracks in publication order (pending ones included).
    public var tracks: [Track]
    /// The client's signal protocol version.
    public var protocolVersion: Int
    /// The client's client↔client protocol level.
    public var clientProtocol: Int
    /// The client's capabilities (`ClientInfo.Capability` numbers), echoed to peers so they pick compressed and
    /// single-packet data streams (set after creation).
    public var capabilities: [Int] = []
    /// Single- or dual-PC.
    public var mode: SignalMode
    /// Auto-subscribe to every track.
    public var autoSubscribe: Bool
    /// Tracks the participant wants (auto or explicit).
    public var desiredSubscriptions: Set<TrackSID>
    /// Tracks it explicitly unsubscribed from (auto-subscribe does not override these).
    public var declinedSubscriptions: Set<TrackSID>
    /// Tracks actually subscribed (both ends ACTIVE).
    public var subscribed: Set<TrackSID>
    /// Per-track settings the participant sent as a subscriber.
    public var trackSettings: [TrackSID: TrackSettings]
    /// Data tracks it publishes, in publication order.
    public var dataTracks: [DataTrack] = []
    /// Its data-track subscriptions: the handle it knows each track by (assigned by the server, from 1).
    public var dataSubscriptions: [UInt16: TrackSID] = [:]
    /// The last data-track handle given to it as a subscriber.
    public var lastDataHandle: UInt16 = 0
    /// Subscribe it to every data track in its room automatically (LiveKit's default).
    public var autoSubscribeDataTracks = true
    /// Why it disconnected, once it has.
    public var disconnectReason: DisconnectReason
    /// The current signal connection; nil while the signal is lost.
    public var connection: ConnectionID?

    /// Whether it depends on others (an agent or egress; see ``isDependent(kind:)``).
    public var isDependent: Bool { Self.isDependent(kind: kind) }

    /// Whether a participant of `kind` depends on others (LiveKit `IsDependent`: kind EGRESS or AGENT): it does not
    /// count towards `max_participants` and does not keep its room open.
    public static func isDependent(kind: Int) -> Bool { kind == 2 || kind == 4 }

    /// Whether it has published at least one track.
    public var isPublisher: Bool { tracks.contains { $0.state == .published } }

    /// Published tracks only (what others see).
    public var publishedTracks: [Track] { tracks.filter { $0.state == .published } }

    /// The index of the track with `sid`.
    public func trackIndex(_ sid: TrackSID) -> Int? { tracks.firstIndex { $0.sid == sid } }
}

/// A room.
public struct Room: Sendable, Equatable {
    /// Server-assigned SID.
    public var sid: RoomSID
    /// Its name.
    public var name: RoomName
    /// Seconds an empty room lives before it closes (0 = the configured default).
    public var emptyTimeout: UInt32
    /// Seconds a room lives after its last participant leaves.
    public var departureTimeout: UInt32
    /// Participant limit (0 = none).
    public var maxParticipants: UInt32
    /// Wall-clock creation time.
    public var creationTime: Date
    /// Room metadata.
    public var metadata: String
    /// Participants in join order.
    public var participants: [ParticipantSID]
    /// Participants that publish (kept current by the room engine for `num_publishers`).
    public var numPublishers: UInt32
    /// Monotonic version.
    public var version: UInt32
}
