import SimCore

/// Whether a track carries audio or video.
public enum TrackKind: String, Sendable, Codable {
    /// An audio track.
    case audio
    /// A video track.
    case video

    /// The letter LiveKit puts after `TR_` (`A` or `V`).
    public var sidLetter: Character { self == .audio ? "A" : "V" }
}

/// Where a track comes from (LiveKit `TrackSource`).
public enum TrackSource: String, Sendable, Codable, CaseIterable {
    /// Not stated.
    case unknown
    /// A camera.
    case camera
    /// A microphone.
    case microphone
    /// A screen share.
    case screenShare = "screen_share"
    /// The audio of a screen share.
    case screenShareAudio = "screen_share_audio"

    /// The source letter of a track SID (`C`, `M`, `S`, `s`), if any.
    public var sidLetter: Character? {
        switch self {
        case .unknown: nil
        case .camera: "C"
        case .microphone: "M"
        case .screenShare: "S"
        case .screenShareAudio: "s"
        }
    }

    /// `TrackInfo.stream` default: `camera` for camera and microphone, `screen` for screen share and its audio.
    public var defaultStream: String {
        switch self {
        case .camera, .microphone: "camera"
        case .screenShare, .screenShareAudio: "screen"
        case .unknown: "unknown"
        }
    }
}

/// A simulcast layer quality (LiveKit `VideoQuality`).
public enum VideoQuality: Int, Sendable, Codable, Comparable {
    /// `q`.
    case low = 0
    /// `h`.
    case medium = 1
    /// `f` (and the only layer of a non-simulcast track).
    case high = 2
    /// No video.
    case off = 3

    /// Orders by quality.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The RID LiveKit uses for this layer.
    public var rid: String {
        switch self {
        case .low: "q"
        case .medium: "h"
        case .high, .off: "f"
        }
    }
}

/// One simulcast layer a publisher announced.
public struct VideoLayerInfo: Sendable, Equatable {
    /// The layer's quality.
    public var quality: VideoQuality
    /// Width in pixels.
    public var width: UInt32
    /// Height in pixels.
    public var height: UInt32
    /// Target bitrate in bits per second.
    public var bitrate: UInt32
    /// RID once the offer is seen.
    public var rid: String

    /// A layer.
    public init(quality: VideoQuality, width: UInt32, height: UInt32, bitrate: UInt32 = 0, rid: String = "") {
        self.quality = quality
        self.width = width
        self.height = height
        self.bitrate = bitrate
        self.rid = rid
    }
}

/// What a subscriber asked for a track (`UpdateTrackSettings`), recorded for the forwarder.
public struct TrackSettings: Sendable, Equatable {
    /// Paused by the subscriber.
    public var disabled: Bool = false
    /// Preferred quality (deprecated field, still sent by some clients).
    public var quality: VideoQuality = .high
    /// Preferred width in pixels (0 = unset).
    public var width: UInt32 = 0
    /// Preferred height in pixels (0 = unset).
    public var height: UInt32 = 0
    /// Preferred frame rate (0 = unset).
    public var fps: UInt32 = 0
    /// Priority (1 highest, 0 unset).
    public var priority: UInt32 = 0

    /// Default settings: enabled, highest quality.
    public init() {}
}

/// A published (or pending) track of a participant.
public struct Track: Sendable, Equatable {
    /// Whether the track's media section has been seen in an offer.
    public enum State: String, Sendable, Equatable {
        /// AddTrack accepted; waiting for the offer that carries it.
        case pending
        /// The offer carried it; others learn of it.
        case published
    }

    /// The server-assigned SID.
    public var sid: TrackSID
    /// The client's id for the track (the msid track id in its offer).
    public var cid: String
    /// The track's name.
    public var name: String
    /// Audio or video.
    public var kind: TrackKind
    /// Its source.
    public var source: TrackSource
    /// Muted by publisher or admin.
    public var muted: Bool
    /// Width in pixels (video).
    public var width: UInt32
    /// Height in pixels (video).
    public var height: UInt32
    /// Simulcast layers announced in AddTrack.
    public var layers: [VideoLayerInfo]
    /// Negotiated MIME type once the offer is seen, e.g. `video/VP8`.
    public var mimeType: String
    /// The publisher's media section id once the offer is seen.
    public var mid: String
    /// `camera`, `screen` or the client's stream name.
    public var stream: String
    /// RED disabled for audio.
    public var disableRED: Bool
    /// Further cids (simulcast codecs) that may name this track in an offer.
    public var alternateCIDs: [String]
    /// Whether publishing has completed.
    public var state: State
    /// Monotonic version, bumped on every change.
    public var version: UInt32

    /// A pending track.
    public init(
        sid: TrackSID, cid: String, name: String, kind: TrackKind, source: TrackSource,
        muted: Bool = false, width: UInt32 = 0, height: UInt32 = 0, layers: [VideoLayerInfo] = [],
        stream: String = "", disableRED: Bool = false, alternateCIDs: [String] = []
    ) {
        self.alternateCIDs = alternateCIDs
        self.sid = sid
        self.cid = cid
        self.name = name
        self.kind = kind
        self.source = source
        self.muted = muted
        self.width = width
        self.height = height
        self.layers = layers
        self.mimeType = ""
        self.mid = ""
        self.stream = stream.isEmpty ? source.defaultStream : stream
        self.disableRED = disableRED
        self.state = .pending
        self.version = 1
    }
}
