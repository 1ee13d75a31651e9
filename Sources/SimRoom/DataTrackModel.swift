import Foundation
import SimCore

/// A data track a participant publishes (LiveKit `DataTrackInfo`): frames travel on the `_data_track` data
/// channel, tagged with the publisher's handle, and reach each subscriber under a handle of the subscriber's own.
public struct DataTrack: Sendable, Equatable {
    /// Server-assigned `DTR_` SID.
    public var sid: TrackSID
    /// The publisher's 16-bit handle, carried in every frame it sends.
    public var handle: UInt16
    /// Unique per publisher, 1…256 characters.
    public var name: String
    /// The end-to-end encryption type number (LiveKit `Encryption.Type`).
    public var encryption: Int
    /// The encoded `DataTrackFrameEncoding`, carried as the publisher sent it (nil when it sent none).
    public var frameEncoding: Data?
    /// The encoded `DataTrackSchemaId`, carried as the publisher sent it (nil when it sent none).
    public var schema: Data?

    /// A data track.
    public init(sid: TrackSID, handle: UInt16, name: String, encryption: Int = 0, frameEncoding: Data? = nil, schema: Data? = nil) {
        self.sid = sid
        self.handle = handle
        self.name = name
        self.encryption = encryption
        self.frameEncoding = frameEncoding
        self.schema = schema
    }
}

/// A `PublishDataTrackRequest`, in domain terms.
public struct DataTrackRequest: Sendable, Equatable {
    /// The handle the publisher chose (valid: 1…65535).
    public var handle: UInt32
    /// The name.
    public var name: String
    /// The encryption type number.
    public var encryption: Int
    /// The encoded frame encoding, if any.
    public var frameEncoding: Data?
    /// The encoded schema id, if any.
    public var schema: Data?

    /// A request.
    public init(handle: UInt32, name: String, encryption: Int = 0, frameEncoding: Data? = nil, schema: Data? = nil) {
        self.handle = handle
        self.name = name
        self.encryption = encryption
        self.frameEncoding = frameEncoding
        self.schema = schema
    }
}

/// One entry of a subscriber's handle map (`DataTrackSubscriberHandles`): frames arriving with `handle` belong to
/// `track`, published by `publisher`.
public struct DataTrackHandle: Sendable, Equatable {
    /// The subscriber's handle for the track.
    public var handle: UInt16
    /// The publisher's identity.
    public var publisherIdentity: Identity
    /// The publisher's SID.
    public var publisher: ParticipantSID
    /// The track.
    public var track: TrackSID

    /// An entry.
    public init(handle: UInt16, publisherIdentity: Identity, publisher: ParticipantSID, track: TrackSID) {
        self.handle = handle
        self.publisherIdentity = publisherIdentity
        self.publisher = publisher
        self.track = track
    }
}

/// One entry of an `UpdateDataSubscription`.
public struct DataSubscriptionChange: Sendable, Equatable {
    /// The data track.
    public var track: TrackSID
    /// Subscribe (true) or unsubscribe.
    public var subscribe: Bool

    /// A change.
    public init(track: TrackSID, subscribe: Bool) {
        self.track = track
        self.subscribe = subscribe
    }
}

/// Where one data-track frame goes: each subscriber and the handle it knows the track by.
public struct DataTrackRoute: Sendable {
    /// The track the frame belongs to.
    public var track: TrackSID
    /// Subscribers (ACTIVE ones only) and their handles, in SID order.
    public var subscribers: [(participant: ParticipantSID, handle: UInt16)]
}
