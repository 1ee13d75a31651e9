import SimCore

/// A DCEP message (RFC 8832 §5), carried with PPID 50 on the channel's stream.
public enum DCEPMessage: Sendable, Equatable {
    /// DATA_CHANNEL_OPEN (0x03).
    case open(DataChannelOpen)
    /// DATA_CHANNEL_ACK (0x02).
    case ack

    /// Parses a DCEP message; nil for anything else.
    public init?(_ bytes: [UInt8]) {
        switch bytes.first {
        case 0x02?:
            self = .ack
        case 0x03?:
            guard bytes.count >= 12 else { return nil }
            let b = bytes[...]
            let labelLength = Int(b.uint16(at: 8)), protocolLength = Int(b.uint16(at: 10))
            guard bytes.count >= 12 + labelLength + protocolLength else { return nil }
            self = .open(DataChannelOpen(
                channelType: bytes[1], priority: b.uint16(at: 2), reliability: b.uint32(at: 4),
                label: String(decoding: bytes[12..<(12 + labelLength)], as: UTF8.self),
                protocol: String(decoding: bytes[(12 + labelLength)..<(12 + labelLength + protocolLength)], as: UTF8.self)
            ))
        default:
            return nil
        }
    }

    /// The message's bytes.
    public var bytes: [UInt8] {
        switch self {
        case .ack:
            return [0x02]
        case .open(let open):
            var out: [UInt8] = [0x03, open.channelType]
            out.appendUInt16(open.priority)
            out.appendUInt32(open.reliability)
            let label = Array(open.label.utf8), proto = Array(open.protocol.utf8)
            out.appendUInt16(UInt16(clamping: label.count))
            out.appendUInt16(UInt16(clamping: proto.count))
            return out + label + proto
        }
    }
}

/// DATA_CHANNEL_OPEN's fields (RFC 8832 §5.1).
public struct DataChannelOpen: Sendable, Equatable {
    /// 0x00 reliable, 0x80 reliable unordered, 0x01/0x81 partial reliable by retransmissions, 0x02/0x82 by time.
    public var channelType: UInt8
    /// The priority (256: W3C "low", the default).
    public var priority: UInt16
    /// The retransmission count or lifetime in ms, for partial reliability.
    public var reliability: UInt32
    /// The label (`_reliable`, `_lossy`, `_data_track` for LiveKit).
    public var label: String
    /// The sub-protocol.
    public var `protocol`: String

    /// An open request.
    public init(channelType: UInt8, priority: UInt16 = 256, reliability: UInt32 = 0, label: String, protocol: String = "") {
        self.channelType = channelType
        self.priority = priority
        self.reliability = reliability
        self.label = label
        self.protocol = `protocol`
    }

    /// Whether messages go unordered (the 0x80 bit).
    public var unordered: Bool { channelType & 0x80 != 0 }

    /// The retransmission limit messages get: nil for a reliable channel; for a lifetime-limited one (which we do
    /// not time), 0.
    public var maxRetransmits: Int? {
        switch channelType & 0x7F {
        case 0x01: Int(reliability)
        case 0x02: 0
        default: nil
        }
    }
}

/// WebRTC data channels (RFC 8831) on one SCTP association: the peer opens channels in band with DCEP and we
/// acknowledge them, and we open our own (even stream ids as the DTLS client, odd as the server, RFC 8832 §6);
/// messages come out labelled with their channel; a channel closes when the peer resets its stream, and we reset
/// ours in reply. A pure engine like the association it wraps.
public struct DataChannelEndpoint: Sendable {
    /// What the shell does.
    public enum Action: Sendable, Equatable {
        /// Send one SCTP packet (as one DTLS application-data record).
        case sendPacket([UInt8])
        /// Arm a timer.
        case armTimer(SCTPTimer, at: SimInstant)
        /// Cancel a timer.
        case cancelTimer(SCTPTimer)
        /// The association is up.
        case established
        /// A channel is open: the peer opened it, or acknowledged one we opened.
        case channelOpened(DataChannel)
        /// A message on an open channel (`binary` false: a UTF-8 string).
        case messageReceived(DataChannel, binary: Bool, [UInt8])
        /// A channel closed.
        case channelClosed(DataChannel)
        /// The association ended (gracefully or not; the reason says which).
        case ended(String)
        /// Something was discarded: for the log.
        case dropped(String)
    }

    /// One open channel.
    public struct DataChannel: Sendable, Equatable {
        /// Its SCTP stream id.
        public var id: UInt16
        /// Its label.
        public var label: String
        /// Its ordering and reliability.
        public var open: DataChannelOpen
    }

    /// WebRTC PPIDs (RFC 8831 §8).
    public enum PPID {
        /// DCEP.
        public static let dcep: UInt32 = 50
        /// A UTF-8 string.
        public static let string: UInt32 = 51
        /// Binary data.
        public static let binary: UInt32 = 53
        /// An empty string (one byte on the wire).
        public static let emptyString: UInt32 = 56
        /// Empty binary data (one byte on the wire).
        public static let emptyBinary: UInt32 = 57
    }

    /// The association.
    public private(set) var association: SCTPAssociation
    /// The open channels by stream id.
    public private(set) var channels: [UInt16: DataChannel] = [:]
    /// Channels we opened whose DCEP ACK has not arrived: their messages go ordered until it does (RFC 8832 §6).
    public private(set) var unacknowledged: Set<UInt16> = []
    /// Channels to open once the association is up, with the parity of their stream ids.
    private var pendingOpens: [(open: DataChannelOpen, dtlsClient: Bool)] = []
    private var established = false

    /// An endpoint over a new association.
    public init(configuration: SCTPConfiguration = SCTPConfiguration(), seed: UInt64) {
        association = SCTPAssociation(configuration: configuration, seed: seed)
    }

    /// Starts the association (WebRTC: both ends send INIT once DTLS is up).
    public mutating func start(now: SimInstant) -> [Action] {
        map(association.start(now: now), now: now)
    }

    /// One SCTP packet from the peer.
    public mutating func packetReceived(_ bytes: [UInt8], now: SimInstant) -> [Action] {
        map(association.packetReceived(bytes, now: now), now: now)
    }

    /// A timer fired.
    public mutating func timerFired(_ timer: SCTPTimer, now: SimInstant) -> [Action] {
        map(association.timerFired(timer, now: now), now: now)
    }

    /// Sends a message on an open channel with its ordering and reliability (an empty one as one byte with the
    /// empty PPID, RFC 8831 §6.6); ordered and reliable while a channel of ours awaits its ACK. Nothing when the
    /// channel is not open.
    public mutating func send(_ payload: [UInt8], binary: Bool = true, on id: UInt16, now: SimInstant) -> [Action] {
        guard let channel = channels[id] else { return [.dropped("send on channel \(id), which is not open")] }
        let ppid = payload.isEmpty ? (binary ? PPID.emptyBinary : PPID.emptyString) : (binary ? PPID.binary : PPID.string)
        let waiting = unacknowledged.contains(id)
        return map(association.send(payload.isEmpty ? [0] : payload, stream: id, ppid: ppid, ordered: waiting || !channel.open.unordered,
                                    maxRetransmits: waiting ? nil : channel.open.maxRetransmits, now: now), now: now)
    }

    /// Opens a channel of our own with DCEP (RFC 8832 §6) on the lowest free stream id of our parity (even as the
    /// DTLS client, odd as the server); at once if the association is up, else when it comes up. It can carry
    /// messages straight away; `channelOpened` follows the peer's ACK.
    public mutating func open(_ open: DataChannelOpen, dtlsClient: Bool, now: SimInstant) -> [Action] {
        guard established else {
            pendingOpens.append((open, dtlsClient))
            return []
        }
        var id: UInt16 = dtlsClient ? 0 : 1
        while channels[id] != nil {
            guard id <= UInt16.max - 2 else { return [.dropped("no free stream id for channel \(open.label)")] }
            id += 2
        }
        channels[id] = DataChannel(id: id, label: open.label, open: open)
        unacknowledged.insert(id)
        return map(association.send(DCEPMessage.open(open).bytes, stream: id, ppid: PPID.dcep, ordered: true, now: now), now: now)
    }

    /// The open channel labelled `label`, if any.
    public func channel(labelled label: String) -> DataChannel? {
        channels.values.filter { $0.label == label }.min { $0.id < $1.id }
    }

    /// Ends the association at once.
    public mutating func abort(reason: String) -> [Action] {
        map(association.abort(reason: reason), now: .zero)
    }

    /// Turns the association's actions into channel actions.
    mutating func map(_ actions: [SCTPAssociation.Action], now: SimInstant) -> [Action] {
        var out: [Action] = []
        for action in actions {
            switch action {
            case .sendPacket(let bytes): out.append(.sendPacket(bytes))
            case .armTimer(let timer, let at): out.append(.armTimer(timer, at: at))
            case .cancelTimer(let timer): out.append(.cancelTimer(timer))
            case .established:
                established = true
                out.append(.established)
                let opens = pendingOpens
                pendingOpens = []
                for (open, dtlsClient) in opens { out += self.open(open, dtlsClient: dtlsClient, now: now) }
            case .messageReceived(let message): out += messageReceived(message, now: now)
            case .incomingStreamsReset(let streams):
                // The peer closed these channels: reset our side too (RFC 8831 §6.7) and forget them.
                let closing = streams.compactMap { channels.removeValue(forKey: $0) }
                out += closing.map { .channelClosed($0) }
                out += map(association.resetStreams(streams, now: now), now: now)
            case .outgoingStreamsReset: continue
            case .closed: out.append(.ended("closed"))
            case .aborted(let why): out.append(.ended(why))
            case .dropped(let why): out.append(.dropped(why))
            }
        }
        return out
    }

    /// A whole SCTP message: DCEP, or user data on an open channel.
    mutating func messageReceived(_ message: SCTPMessage, now: SimInstant) -> [Action] {
        switch message.ppid {
        case PPID.dcep:
            switch DCEPMessage(message.payload) {
            case .open(let open)?:
                let channel = DataChannel(id: message.stream, label: open.label, open: open)
                channels[message.stream] = channel
                // The ACK goes on the same stream, ordered and reliable (RFC 8832 §6).
                let ack = association.send(DCEPMessage.ack.bytes, stream: message.stream, ppid: PPID.dcep, ordered: true, now: now)
                return [.channelOpened(channel)] + map(ack, now: now)
            case .ack?:
                guard unacknowledged.remove(message.stream) != nil, let channel = channels[message.stream] else {
                    return [.dropped("a DCEP ACK on stream \(message.stream), which we did not open")]
                }
                return [.channelOpened(channel)]
            case nil:
                return [.dropped("a malformed DCEP message on stream \(message.stream)")]
            }
        case PPID.string, PPID.binary, PPID.emptyString, PPID.emptyBinary, 52, 54:
            guard let channel = channels[message.stream] else {
                return [.dropped("\(message.payload.count) bytes on stream \(message.stream), which no DCEP open announced")]
            }
            let empty = message.ppid == PPID.emptyString || message.ppid == PPID.emptyBinary
            let binary = message.ppid == PPID.binary || message.ppid == PPID.emptyBinary || message.ppid == 52
            return [.messageReceived(channel, binary: binary, empty ? [] : message.payload)]
        default:
            return [.dropped("a message with PPID \(message.ppid) on stream \(message.stream)")]
        }
    }
}
