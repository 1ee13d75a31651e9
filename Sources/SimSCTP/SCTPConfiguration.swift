/// The settings of one SCTP association, with WebRTC's values as defaults (RFC 8831, RFC 9260 §16).
public struct SCTPConfiguration: Sendable, Equatable {
    /// Our port (`a=sctp-port`, 5000 in WebRTC).
    public var localPort: UInt16
    /// The peer's port (its `a=sctp-port`).
    public var remotePort: UInt16
    /// The largest SCTP packet we send (pion and libwebrtc keep ~1200 bytes, under a DTLS record in a 1280 MTU).
    public var mtu: Int
    /// The receive window we advertise (`a_rwnd`), in bytes.
    public var receiveWindow: UInt32
    /// The largest message we reassemble (our `a=max-message-size`); a larger one is dropped and reported.
    public var maxMessageSize: Int
    /// Streams we offer in both directions (RFC 8831 §6.2: use 65535).
    public var streams: UInt16
    /// The first retransmission timeout, before any round trip was measured.
    public var initialRTO: Duration
    /// The smallest retransmission timeout (RFC 9260 says 1 s; WebRTC stacks use less on fast paths).
    public var minimumRTO: Duration
    /// The largest retransmission timeout.
    public var maximumRTO: Duration
    /// INIT and COOKIE ECHO attempts before the association fails (RFC 9260 §16: 8).
    public var maxInitRetransmits: Int
    /// Consecutive timeouts before an established association fails (RFC 9260 §16: 10).
    public var maxAssociationRetransmits: Int
    /// How often an idle established association sends a HEARTBEAT (nil: never).
    public var heartbeatInterval: Duration?
    /// Max.Burst (RFC 9260 §16: 4): packets sent at once beyond what is in flight.
    public var maxBurst: Int = 4

    /// A configuration; everything has its documented default.
    public init(localPort: UInt16 = 5000, remotePort: UInt16 = 5000, mtu: Int = 1200, receiveWindow: UInt32 = 1 << 20,
                maxMessageSize: Int = 262_144, streams: UInt16 = 65535, initialRTO: Duration = .seconds(1),
                minimumRTO: Duration = .milliseconds(200), maximumRTO: Duration = .seconds(60), maxInitRetransmits: Int = 8,
                maxAssociationRetransmits: Int = 10, heartbeatInterval: Duration? = .seconds(30)) {
        self.localPort = localPort
        self.remotePort = remotePort
        self.mtu = mtu
        self.receiveWindow = receiveWindow
        self.maxMessageSize = maxMessageSize
        self.streams = streams
        self.initialRTO = initialRTO
        self.minimumRTO = minimumRTO
        self.maximumRTO = maximumRTO
        self.maxInitRetransmits = maxInitRetransmits
        self.maxAssociationRetransmits = maxAssociationRetransmits
        self.heartbeatInterval = heartbeatInterval
    }

    /// The most user data one DATA chunk carries: the packet less the common header (12) and the DATA header (16).
    public var maxFragment: Int { max(1, mtu - 28) }
}

/// A whole user message delivered by the association.
public struct SCTPMessage: Sendable, Equatable {
    /// The stream it came on.
    public var stream: UInt16
    /// Its payload protocol identifier.
    public var ppid: UInt32
    /// Whether it was sent unordered.
    public var unordered: Bool
    /// The bytes.
    public var payload: [UInt8]

    /// A message.
    public init(stream: UInt16, ppid: UInt32, unordered: Bool, payload: [UInt8]) {
        self.stream = stream
        self.ppid = ppid
        self.unordered = unordered
        self.payload = payload
    }
}

/// The association's timers (RFC 9260 §6.3, §5.1, RFC 6525 §5.1.1); the shell keeps one per kind.
public enum SCTPTimer: Sendable, Hashable, CaseIterable {
    /// T1-init / T1-cookie: the handshake's retransmission.
    case handshake
    /// T3-rtx: retransmission of DATA.
    case retransmission
    /// The RE-CONFIG request's retransmission.
    case reconfig
    /// The idle HEARTBEAT.
    case heartbeat
}
