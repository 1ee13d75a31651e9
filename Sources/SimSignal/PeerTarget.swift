import SimProto

/// Which of a client's PeerConnections a message or transport belongs to (LiveKit `SignalTarget`).
///
/// Single-PC (`/rtc/v1`) has only the publisher PC, which also receives. Dual-PC (`/rtc`) has both: the client
/// offers on the publisher PC and the server offers on the subscriber PC.
public enum PeerTarget: String, Sendable, Hashable, CaseIterable {
    /// The client-offered PeerConnection (`PUBLISHER` = 0).
    case publisher
    /// The server-offered PeerConnection (`SUBSCRIBER` = 1), dual-PC only.
    case subscriber

    /// The protobuf value.
    var proto: Livekit_SignalTarget { self == .publisher ? .publisher : .subscriber }

    /// The target named by a protobuf value (unknown values count as the publisher, as LiveKit's default).
    init(proto: Livekit_SignalTarget) { self = proto == .subscriber ? .subscriber : .publisher }
}

/// ICE credentials (RFC 8839 `a=ice-ufrag` / `a=ice-pwd`).
public struct ICECredentialPair: Sendable, Equatable {
    /// The username fragment.
    public var ufrag: String
    /// The password.
    public var pwd: String

    /// A pair.
    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }
}

/// What a subscriber asked for one track it receives (`UpdateTrackSettings`), for the media layer.
public struct DownTrackSettings: Sendable, Equatable {
    /// The subscriber disabled the track: forward nothing.
    public var disabled: Bool
    /// The highest simulcast quality wanted: 0 low, 1 medium, 2 high.
    public var quality: Int
    /// Rendered width in pixels (0: not given).
    public var width: UInt32
    /// Rendered height in pixels (0: not given).
    public var height: UInt32

    /// Settings.
    public init(disabled: Bool, quality: Int, width: UInt32, height: UInt32) {
        self.disabled = disabled
        self.quality = quality
        self.width = width
        self.height = height
    }
}
