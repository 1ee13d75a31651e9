/// Something an ``ICEAgent`` observed, delivered in order on ``ICEAgent/events``.
public enum ICEEvent: Sendable, Equatable {
    /// A local candidate was gathered, as an SDP attribute value without the `a=` prefix and without CRLF
    /// (`candidate:1 1 UDP 2013266431 127.0.0.1 40000 typ host`): the form trickled in `RTCIceCandidateInit`.
    case localCandidate(String)
    /// Local candidate gathering finished: signal end-of-candidates to the peer (RFC 8838 §8.2).
    case gatheringDone
    /// The connection state of the agent's single component changed.
    case stateChanged(ICEConnectionState)
    /// A datagram arrived on the selected candidate pair (DTLS, SRTP or SRTCP: demultiplex per RFC 7983).
    case datagramReceived([UInt8])
}

/// The state of an agent's (single) component, mirroring libnice's `NiceComponentState`.
public enum ICEConnectionState: Sendable, Equatable, CustomStringConvertible {
    /// Gathering local candidates.
    case gathering
    /// Running connectivity checks; no working pair yet.
    case connecting
    /// At least one candidate pair works; datagrams can flow.
    case connected
    /// Checks finished and a pair was nominated (ICE completed).
    case ready
    /// Every candidate pair failed, or connectivity was lost.
    case failed
    /// No remote candidates yet, or the agent was reset.
    case disconnected

    /// The state's lower-case name, e.g. `ready`.
    public var description: String {
        switch self {
        case .gathering: "gathering"
        case .connecting: "connecting"
        case .connected: "connected"
        case .ready: "ready"
        case .failed: "failed"
        case .disconnected: "disconnected"
        }
    }
}

/// A stream's ICE credentials (RFC 8839 §5.4 `a=ice-ufrag` / `a=ice-pwd`).
public struct ICECredentials: Sendable, Equatable {
    /// The username fragment (`a=ice-ufrag`).
    public var ufrag: String
    /// The password (`a=ice-pwd`).
    public var pwd: String

    /// Creates credentials from their SDP values.
    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }
}
