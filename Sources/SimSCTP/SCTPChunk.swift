import SimCore

/// One SCTP chunk (RFC 9260 §3.2), the ones WebRTC data channels use; anything else is kept as `unknown` so its
/// upper type bits can be honoured (RFC 9260 §3.2: skip, and report or not).
public enum SCTPChunk: Sendable, Equatable {
    /// DATA (0): one user message or a fragment of one.
    case data(SCTPDataChunk)
    /// INIT (1).
    case initiation(SCTPInit)
    /// INIT ACK (2), carrying the state cookie.
    case initiationAck(SCTPInit)
    /// SACK (3).
    case sack(SCTPSack)
    /// HEARTBEAT (4) with its opaque information.
    case heartbeat([UInt8])
    /// HEARTBEAT ACK (5), echoing the information.
    case heartbeatAck([UInt8])
    /// ABORT (6); the T bit, and the error causes as raw bytes.
    case abort(reflectedTag: Bool, causes: [UInt8])
    /// SHUTDOWN (7) with the cumulative TSN ack.
    case shutdown(cumulativeTSNAck: UInt32)
    /// SHUTDOWN ACK (8).
    case shutdownAck
    /// ERROR (9), causes as raw bytes.
    case error([UInt8])
    /// COOKIE ECHO (10).
    case cookieEcho([UInt8])
    /// COOKIE ACK (11).
    case cookieAck
    /// SHUTDOWN COMPLETE (14).
    case shutdownComplete(reflectedTag: Bool)
    /// RE-CONFIG (130, RFC 6525) with its parameters.
    case reconfig([SCTPReconfigParameter])
    /// FORWARD-TSN (192, RFC 3758).
    case forwardTSN(SCTPForwardTSN)
    /// Any other chunk type, kept whole.
    case unknown(type: UInt8, flags: UInt8, value: [UInt8])

    /// Chunk type numbers (RFC 9260 §3.2, RFC 6525 §3.1, RFC 3758 §3.2).
    public enum Kind: UInt8, Sendable {
        case data = 0, initiation = 1, initiationAck = 2, sack = 3, heartbeat = 4, heartbeatAck = 5, abort = 6
        case shutdown = 7, shutdownAck = 8, error = 9, cookieEcho = 10, cookieAck = 11, shutdownComplete = 14
        case reconfig = 130, forwardTSN = 192
    }
}

/// A DATA chunk (RFC 9260 §3.3.1).
public struct SCTPDataChunk: Sendable, Equatable {
    /// The transmission sequence number.
    public var tsn: UInt32
    /// The stream.
    public var stream: UInt16
    /// The stream sequence number (ignored when unordered).
    public var ssn: UInt16
    /// The payload protocol identifier (RFC 8831 §8: 50 DCEP, 51 string, 53 binary, 56/57 empty).
    public var ppid: UInt32
    /// U: unordered.
    public var unordered: Bool
    /// B: the first fragment of a message.
    public var beginning: Bool
    /// E: the last fragment of a message.
    public var ending: Bool
    /// I: the receiver should SACK at once (RFC 7053).
    public var immediate: Bool
    /// The user data (never empty on the wire, RFC 9260 §3.3.1).
    public var payload: [UInt8]

    /// A chunk.
    public init(tsn: UInt32, stream: UInt16, ssn: UInt16, ppid: UInt32, unordered: Bool, beginning: Bool, ending: Bool,
                immediate: Bool = false, payload: [UInt8]) {
        self.tsn = tsn
        self.stream = stream
        self.ssn = ssn
        self.ppid = ppid
        self.unordered = unordered
        self.beginning = beginning
        self.ending = ending
        self.immediate = immediate
        self.payload = payload
    }
}

/// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3).
public struct SCTPInit: Sendable, Equatable {
    /// The tag the sender wants to see in packets sent to it.
    public var initiateTag: UInt32
    /// The sender's receive window.
    public var advertisedReceiverWindow: UInt32
    /// Streams the sender will open.
    public var outboundStreams: UInt16
    /// Streams the sender accepts.
    public var inboundStreams: UInt16
    /// The sender's first TSN.
    public var initialTSN: UInt32
    /// The state cookie (INIT ACK only).
    public var cookie: [UInt8]?
    /// Whether the sender supports FORWARD-TSN (RFC 3758 §3.1).
    public var forwardTSNSupported: Bool
    /// The extension chunk types the sender lists (Supported Extensions, RFC 5061 §4.2.7).
    public var supportedExtensions: [UInt8]

    /// An INIT or INIT ACK.
    public init(initiateTag: UInt32, advertisedReceiverWindow: UInt32, outboundStreams: UInt16, inboundStreams: UInt16,
                initialTSN: UInt32, cookie: [UInt8]? = nil, forwardTSNSupported: Bool = true,
                supportedExtensions: [UInt8] = [SCTPChunk.Kind.reconfig.rawValue, SCTPChunk.Kind.forwardTSN.rawValue]) {
        self.initiateTag = initiateTag
        self.advertisedReceiverWindow = advertisedReceiverWindow
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.initialTSN = initialTSN
        self.cookie = cookie
        self.forwardTSNSupported = forwardTSNSupported
        self.supportedExtensions = supportedExtensions
    }
}

/// A SACK (RFC 9260 §3.3.4).
public struct SCTPSack: Sendable, Equatable {
    /// Every TSN up to this one arrived.
    public var cumulativeTSNAck: UInt32
    /// The receiver's free window.
    public var advertisedReceiverWindow: UInt32
    /// Received blocks after the cumulative ack, as offsets from it (start…end, inclusive).
    public var gapBlocks: [ClosedRange<UInt16>]
    /// TSNs received more than once.
    public var duplicateTSNs: [UInt32]

    /// A SACK.
    public init(cumulativeTSNAck: UInt32, advertisedReceiverWindow: UInt32, gapBlocks: [ClosedRange<UInt16>] = [], duplicateTSNs: [UInt32] = []) {
        self.cumulativeTSNAck = cumulativeTSNAck
        self.advertisedReceiverWindow = advertisedReceiverWindow
        self.gapBlocks = gapBlocks
        self.duplicateTSNs = duplicateTSNs
    }
}

/// A FORWARD-TSN (RFC 3758 §3.2): the receiver acts as if every TSN up to `newCumulativeTSN` arrived, and skips
/// the ordered streams' sequence numbers listed.
public struct SCTPForwardTSN: Sendable, Equatable {
    /// The new cumulative TSN.
    public var newCumulativeTSN: UInt32
    /// Per ordered stream, the last abandoned stream sequence number.
    public var streams: [(stream: UInt16, ssn: UInt16)]

    /// A FORWARD-TSN.
    public init(newCumulativeTSN: UInt32, streams: [(stream: UInt16, ssn: UInt16)] = []) {
        self.newCumulativeTSN = newCumulativeTSN
        self.streams = streams
    }

    /// Field-wise equality.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.newCumulativeTSN == rhs.newCumulativeTSN && lhs.streams.elementsEqual(rhs.streams) { $0.stream == $1.stream && $0.ssn == $1.ssn }
    }
}

/// A RE-CONFIG parameter (RFC 6525 §4): the two WebRTC uses (closing a data channel resets its outgoing stream).
public enum SCTPReconfigParameter: Sendable, Equatable {
    /// Outgoing SSN Reset Request (13): the sender resets these outgoing streams after `lastTSN`.
    case outgoingReset(requestSequence: UInt32, responseSequence: UInt32, lastTSN: UInt32, streams: [UInt16])
    /// Re-configuration Response (16).
    case response(responseSequence: UInt32, result: UInt32)
    /// Any other parameter, kept whole.
    case unknown(type: UInt16, value: [UInt8])

    /// RFC 6525 §4.4 result: success, performed.
    public static let resultPerformed: UInt32 = 1
    /// RFC 6525 §4.4 result: in progress (the last TSN has not arrived yet).
    public static let resultInProgress: UInt32 = 6
}
