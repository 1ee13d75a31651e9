import SimCore

/// A LeaveRequest the server sends.
public struct LeaveNotice: Sendable, Equatable {
    /// Why.
    public var reason: DisconnectReason
    /// What the client should do.
    public var action: LeaveAction
    /// Legacy flag for protocol < 13 (true unless the action is DISCONNECT).
    public var canReconnect: Bool { action != .disconnect }

    /// A notice.
    public init(reason: DisconnectReason, action: LeaveAction) {
        self.reason = reason
        self.action = action
    }
}

/// Result of a client request that LiveKit acknowledges with `RequestResponse`.
public enum RequestOutcome: Int, Sendable, Equatable {
    /// Done.
    case ok = 0
    /// Unknown track or participant.
    case notFound = 1
    /// Grant missing.
    case notAllowed = 2
    /// A size limit exceeded (name, metadata, attributes).
    case limitExceeded = 3
    /// Already pending or published (AddTrack with a known cid).
    case queued = 4
    /// Track type not accepted.
    case unsupportedType = 5
    /// A data-track handle outside 1…65535.
    case invalidHandle = 7
    /// A data-track name empty or over 256 characters.
    case invalidName = 8
    /// The publisher already has a data track with this handle.
    case duplicateHandle = 9
    /// The publisher already has a data track with this name.
    case duplicateName = 10
}

/// The request a `RequestResponse` answers.
public enum RequestSubject: Sendable, Equatable {
    /// An AddTrack (carries the cid).
    case addTrack(cid: String)
    /// A mute (carries the track sid).
    case mute(TrackSID)
    /// An UpdateParticipantMetadata (carries its request id).
    case updateMetadata(requestID: UInt32)
    /// A PublishDataTrackRequest (echoed whole).
    case publishDataTrack(DataTrackRequest)
    /// An UnpublishDataTrackRequest.
    case unpublishDataTrack(handle: UInt32)
}

/// A speaker entry of `SpeakersChanged`.
public struct SpeakerLevel: Sendable, Equatable {
    /// The speaking participant.
    public var participant: ParticipantSID
    /// Audio level 0…1.
    public var level: Float
    /// Whether it is speaking.
    public var active: Bool
}

/// A server → client message in domain terms; SimSignal maps it to protobuf.
public enum ServerMessage: Sendable, Equatable {
    /// JoinResponse.
    case join(room: Room, participant: Participant, others: [Participant], subscriberPrimary: Bool)
    /// ReconnectResponse.
    case reconnect
    /// ParticipantUpdate with full participant infos.
    case update([Participant])
    /// TrackPublishedResponse.
    case trackPublished(cid: String, track: Track)
    /// TrackUnpublishedResponse.
    case trackUnpublished(TrackSID)
    /// LeaveRequest.
    case leave(LeaveNotice)
    /// Server-initiated mute of the client's own track.
    case mute(TrackSID, muted: Bool)
    /// RoomUpdate.
    case roomUpdate(Room)
    /// SpeakersChanged.
    case speakersChanged([SpeakerLevel])
    /// RequestResponse.
    case requestResponse(RequestSubject, RequestOutcome, message: String)
    /// TrackSubscribed (to the publisher, on the first subscriber).
    case trackSubscribed(TrackSID)
    /// PublishDataTrackResponse.
    case dataTrackPublished(DataTrack)
    /// UnpublishDataTrackResponse.
    case dataTrackUnpublished(DataTrack)
    /// DataTrackSubscriberHandles: the subscriber's whole handle map.
    case dataTrackHandles([DataTrackHandle])
}

/// What the room model asks its shell to do, in order.
public enum RoomAction: Sendable, Equatable {
    /// Send a message on a connection.
    case send(ConnectionID, ServerMessage)
    /// Close a signal connection (WebSocket close code 1000 unless stated).
    case closeConnection(ConnectionID, reason: String)
    /// Arm (or re-arm) a timer.
    case armTimer(RoomTimer, after: Duration)
    /// Cancel a timer.
    case cancelTimer(RoomTimer)
    /// A subscription became live; the media layer starts forwarding.
    case startForwarding(subscriber: ParticipantSID, track: TrackSID)
    /// A subscription ended; the media layer stops forwarding.
    case stopForwarding(subscriber: ParticipantSID, track: TrackSID)
    /// Record an event.
    case log(EventRecord)
    /// Tell the server's observers of room events.
    case notify(RoomNotification)
    /// A published track is gone (unpublished, or its publisher left): what was kept for forwarding it can go.
    case trackRemoved(TrackSID)
    /// The participant is gone for good (left, removed, replaced, or its signal did not come back): the media
    /// layer releases its transports. Not sent when only the signal connection drops (it may resume).
    case participantRemoved(ParticipantSID)
}
