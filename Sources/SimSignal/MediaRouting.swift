import SimCore
import SimRoom

/// What the media layer needs to route a published track's RTP: its SSRCs and codecs (from the publisher's offer).
public struct PublishedTrackMedia: Sendable, Equatable {
    /// The track.
    public var track: TrackSID
    /// Audio or video.
    public var kind: TrackKind
    /// Primary SSRCs the publisher sends for it (RTX repair SSRCs excluded).
    public var ssrcs: [UInt32]
    /// Payload type → lower-case encoding name (`vp8`, `opus`, `rtx`, …).
    public var codecs: [UInt8: String]
    /// Payload type → clock rate.
    public var clockRates: [UInt8: UInt32]
    /// The section's mid (for packets bound by the mid header extension when the SDP lists no SSRC).
    public var mid: String?
    /// `a=rid:… send` ids in order: a simulcast track's layers (empty otherwise).
    public var rids: [String]
    /// `a=extmap` ids of the sdes:mid, rtp-stream-id and repaired-rtp-stream-id extensions.
    public var midExtensionID: UInt8?
    /// See `midExtensionID`.
    public var ridExtensionID: UInt8?
    /// See `midExtensionID`.
    public var repairedRIDExtensionID: UInt8?
    /// Layer sizes from AddTrack (`quality` 0 low, 1 medium, 2 high).
    public var layerSizes: [(quality: Int, width: UInt32, height: UInt32)]
    /// The end-to-end header extensions the publisher negotiated: id → URI.
    public var extensions: [UInt8: String] = [:]

    /// Media facts of a track.
    public init(track: TrackSID, kind: TrackKind, ssrcs: [UInt32], codecs: [UInt8: String], clockRates: [UInt8: UInt32],
                mid: String? = nil, rids: [String] = [], midExtensionID: UInt8? = nil, ridExtensionID: UInt8? = nil,
                repairedRIDExtensionID: UInt8? = nil, layerSizes: [(quality: Int, width: UInt32, height: UInt32)] = []) {
        self.track = track
        self.kind = kind
        self.ssrcs = ssrcs
        self.codecs = codecs
        self.clockRates = clockRates
        self.mid = mid
        self.rids = rids
        self.midExtensionID = midExtensionID
        self.ridExtensionID = ridExtensionID
        self.repairedRIDExtensionID = repairedRIDExtensionID
        self.layerSizes = layerSizes
    }

    public static func == (lhs: PublishedTrackMedia, rhs: PublishedTrackMedia) -> Bool {
        lhs.track == rhs.track && lhs.kind == rhs.kind && lhs.ssrcs == rhs.ssrcs && lhs.codecs == rhs.codecs
            && lhs.clockRates == rhs.clockRates && lhs.mid == rhs.mid && lhs.rids == rhs.rids
            && lhs.midExtensionID == rhs.midExtensionID && lhs.ridExtensionID == rhs.ridExtensionID
            && lhs.repairedRIDExtensionID == rhs.repairedRIDExtensionID && lhs.extensions == rhs.extensions
            && lhs.layerSizes.map { [$0.quality, Int($0.width), Int($0.height)] } == rhs.layerSizes.map { [$0.quality, Int($0.width), Int($0.height)] }
    }
}

/// A subscription placed in a subscriber's SDP: the media layer can start sending.
public struct NegotiatedDownTrack: Sendable, Equatable {
    /// The track.
    public var track: TrackSID
    /// Audio or video.
    public var kind: TrackKind
    /// The SSRC we send it with (our answer's `a=ssrc`).
    public var ssrc: UInt32
    /// Publisher payload type → the subscriber's payload type for the same codec.
    public var payloadTypes: [UInt8: UInt8]
    /// RTP clock rate of the track's codec.
    public var clockRate: UInt32
    /// Publisher header-extension id → the subscriber's id for the same URI (end-to-end extensions only).
    public var extensionIDs: [UInt8: UInt8]

    /// A negotiated down track.
    public init(track: TrackSID, kind: TrackKind, ssrc: UInt32, payloadTypes: [UInt8: UInt8], clockRate: UInt32, extensionIDs: [UInt8: UInt8] = [:]) {
        self.track = track
        self.kind = kind
        self.ssrc = ssrc
        self.payloadTypes = payloadTypes
        self.clockRate = clockRate
        self.extensionIDs = extensionIDs
    }
}

/// A subscription as the signal engine tracks it for SDP.
struct DownTrackSlot: Sendable, Equatable {
    var track: TrackSID
    var kind: TrackKind
    var ssrc: UInt32
    var streamID: String
    /// The section carrying it (single-PC: a client recvonly slot; dual-PC: our subscriber section).
    var mid: String?
    /// The payload-type and header-extension maps last given to the media layer.
    var negotiated: NegotiatedMaps?
}

/// What a down track was last negotiated with.
struct NegotiatedMaps: Sendable, Equatable {
    var payloadTypes: [UInt8: UInt8]
    var extensionIDs: [UInt8: UInt8]
}
