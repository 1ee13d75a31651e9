import Foundation
import SimCore
import SimProto
import SimRoom

/// What the data plane remembers between packets.
struct DataPlaneState: Sendable {
    /// The last reliable sequence number each sender used (duplicates and replays at or below it are dropped).
    var lastReliableSequence: [ParticipantSID: UInt32] = [:]
    /// The most recent user-packet nonces per room (LiveKit keeps the last 100).
    var recentNonces: [RoomName: [Data]] = [:]
    /// How many nonces a room remembers.
    static let nonceMemory = 100
    /// Reliable, sequenced packets of the last `replayWindow` per room, for participants still joining.
    var recentReliable: [RoomName: SlidingQueue<ReliableRecord>] = [:]
    /// Participants whose `_reliable` channel is open: reliable data is written to them at once.
    var writable: Set<ParticipantSID> = []
    /// For a participant not yet writable: the first sequence it missed from each sender.
    var missed: [ParticipantSID: [ParticipantSID: UInt32]] = [:]
    /// Unsequenced reliable packets (RoomService `SendData`) waiting for a participant not yet writable.
    var queued: [ParticipantSID: (packets: [[UInt8]], bytes: Int)] = [:]
    /// The last sequence written to each participant, per sender (a replay never repeats a live send).
    var lastWritten: [ParticipantSID: [ParticipantSID: UInt32]] = [:]

    /// The topic of each recent data stream, by sender SID and stream id (chunks and trailers carry no topic).
    var streamTopics: [String: String] = [:]
    /// The keys of `streamTopics`, oldest first (at most `streamMemory`).
    var streamOrder: [String] = []
    /// How many streams' topics are remembered.
    static let streamMemory = 1024

    /// Remembers the topic of `sender`'s stream `id`.
    mutating func rememberStream(_ id: String, topic: String, from sender: String) {
        let key = sender + "/" + id
        if streamTopics.updateValue(topic, forKey: key) == nil { streamOrder.append(key) }
        if streamOrder.count > Self.streamMemory { streamTopics[streamOrder.removeFirst()] = nil }
    }

    /// Forgets everything about `participant` (it left for good).
    /// A closed room's nonces and reliable replay cache.
    mutating func forget(_ room: RoomName) {
        recentNonces[room] = nil
        recentReliable[room] = nil
    }

    /// What was kept about a participant that left.
    mutating func forget(_ participant: ParticipantSID) {
        lastReliableSequence[participant] = nil
        writable.remove(participant)
        missed[participant] = nil
        queued[participant] = nil
        lastWritten[participant] = nil
    }
}

/// DataPackets from participants' data channels, forwarded with LiveKit's rules (reference: data channels §2.2,
/// §2.3): the sender must have `canPublishData`; its SID and identity are stamped (the identity left blank for a
/// hidden sender); the kind is the channel's; reliable sequence numbers at or below the sender's last are dropped;
/// a user packet's destinations are synced between the packet and its UserPacket and a repeated 16-byte nonce is
/// dropped; recipients are the room's other participants, or only the destinations named (identities or SIDs);
/// lossy packets reach only ACTIVE participants; transcriptions are forwarded only from agents, metrics never (as
/// data); an agent's chat message or text stream naming another identity keeps it and is marked generated. Oneofs
/// this schema does not model (SIP DTMF, encrypted packets, the deprecated speaker update…) travel as unknown fields
/// and are forwarded untouched.
extension SignalServerStateMachine {
    /// A message arrived from `sender` on its data channel `channel`: a DataPacket (`_reliable`, `_lossy`) or a
    /// data-track frame (`_data_track`).
    public mutating func dataReceived(_ bytes: [UInt8], on channel: DataChannelLabel, from sender: ParticipantSID, at now: SimInstant) -> [SignalAction] {
        guard let participant = rooms.participants[sender] else { return [] }
        let label = channel.rawValue
        func dropped(_ why: String) -> [SignalAction] {
            [.log(dataRecord("data.dropped", participant, ["label": .string(label), "bytes": .int(Int64(bytes.count)), "why": .string(why)]))]
        }
        if channel == .dataTrack { return dataTrackFrameReceived(bytes, from: participant, dropped: dropped) }
        if channel == .reliable { data.writable.insert(sender) }  // it sends on the channel, so it is open
        let reliable = channel == .reliable
        guard participant.permission.canPublishData else { return dropped("the sender has no canPublishData grant") }
        guard var packet = try? Livekit_DataPacket(serializedBytes: bytes) else { return dropped("not a DataPacket") }
        packet.participantSid = sender.rawValue
        packet.kind = reliable ? .reliable : .lossy
        if reliable, packet.sequence > 0 {
            if let last = data.lastReliableSequence[sender], packet.sequence <= last {
                return dropped("reliable sequence \(packet.sequence) is not after \(last)")
            }
            data.lastReliableSequence[sender] = packet.sequence
        }
        let kind = Self.dataKind(of: packet)
        var identity = participant.permission.hidden ? "" : participant.identity.rawValue
        let isAgent = participant.kind == Self.agentKind
        // An agent may speak for the participant it transcribes: a chat message or text stream naming another
        // identity keeps it and is marked generated (LiveKit's "publish on behalf").
        let onBehalf = isAgent && !packet.participantIdentity.isEmpty && packet.participantIdentity != participant.identity.rawValue
        switch packet.value {
        case .transcription?:
            guard isAgent else { return dropped("transcriptions are forwarded only from agents") }
        case .chatMessage(var chat)? where onBehalf:
            chat.generated = true
            packet.value = .chatMessage(chat)
            identity = packet.participantIdentity
        case .streamHeader(var header)? where onBehalf:
            if case .textHeader(var text)? = header.contentHeader {
                text.generated = true
                header.contentHeader = .textHeader(text)
                packet.value = .streamHeader(header)
                identity = packet.participantIdentity
            }
        case nil where kind == "metrics":
            return dropped("metrics are not forwarded as data")
        default:
            break
        }
        var destinationSIDs: [String] = []
        if case .user(var user)? = packet.value {
            user.participantSid = participant.permission.hidden ? "" : sender.rawValue
            user.participantIdentity = identity
            if packet.destinationIdentities.isEmpty {
                packet.destinationIdentities = user.destinationIdentities
            } else {
                user.destinationIdentities = packet.destinationIdentities
            }
            destinationSIDs = user.destinationSids
            if user.nonce.count == 16 {
                if data.recentNonces[participant.room]?.contains(user.nonce) == true { return dropped("a user packet with a nonce already seen") }
                data.recentNonces[participant.room, default: []].append(user.nonce)  // in place, no copy of the room's list
                if let count = data.recentNonces[participant.room]?.count, count > DataPlaneState.nonceMemory {
                    data.recentNonces[participant.room]?.removeFirst(count - DataPlaneState.nonceMemory)
                }
            }
            packet.value = .user(user)
        }
        packet.participantIdentity = identity
        if case .streamHeader(let header)? = packet.value { data.rememberStream(header.streamID, topic: header.topic, from: sender.rawValue) }
        guard let forwarded: [UInt8] = try? packet.serializedBytes() else { return dropped("could not encode") }
        let record = ReliableRecord(sender: sender, sequence: packet.sequence, identities: Set(packet.destinationIdentities),
                                    sids: Set(destinationSIDs), bytes: forwarded, kind: kind, at: now)
        let recipients = rooms.participants(in: participant.room).filter { other in
            other.sid != sender && record.isFor(other) && (reliable || other.state == .active)
        }.map(\.sid).sorted()
        var out: [SignalAction] = [.log(dataRecord("data.received", participant, [
            "label": .string(label), "kind": .string(kind), "bytes": .int(Int64(bytes.count)),
            "sequence": .int(Int64(packet.sequence)), "destinations": .strings(packet.destinationIdentities),
            "recipients": .int(Int64(recipients.count)),
        ]))]
        guard reliable else { return out + recipients.map { .deliverData($0, forwarded, channel: .lossy, kind: kind) } }
        if packet.sequence > 0 { remember(record, in: participant.room) }
        for recipient in recipients {
            out += deliverReliable(forwarded, sequence: packet.sequence, from: sender, to: recipient, kind: kind)
        }
        return out
    }

    /// A data-track frame (reference: data channels §3): its 12-byte header (and extensions, when flagged) must be
    /// whole; it goes to each ACTIVE subscriber of the sender's track with that handle, with only the handle
    /// rewritten to the subscriber's. The sender needs `canPublishData`.
    private func dataTrackFrameReceived(_ bytes: [UInt8], from participant: Participant, dropped: (String) -> [SignalAction]) -> [SignalAction] {
        guard participant.permission.canPublishData else { return dropped("the sender has no canPublishData grant") }
        guard let handle = DataTrackFrame.handle(of: bytes) else { return dropped("not a data-track frame") }
        guard let route = rooms.dataTrackRoute(from: participant.sid, handle: handle) else {
            return dropped("no data track published with handle \(handle)")
        }
        return route.subscribers.map { subscriber in
            .deliverData(subscriber.participant, DataTrackFrame.rewritingHandle(of: bytes, to: subscriber.handle), channel: .dataTrack, kind: "data_track")
        }
    }

    /// The packet's payload kind, as LiveKit names the oneof. Oneofs this schema does not model are found among
    /// the unknown fields by their field numbers (livekit_models.proto); `other` when there is none.
    public static func dataKind(of packet: Livekit_DataPacket) -> String {
        switch packet.value {
        case .user?: return "user"
        case .rpcRequest?: return "rpc_request"
        case .rpcAck?: return "rpc_ack"
        case .rpcResponse?: return "rpc_response"
        case .transcription?: return "transcription"
        case .chatMessage?: return "chat_message"
        case .streamHeader?: return "stream_header"
        case .streamChunk?: return "stream_chunk"
        case .streamTrailer?: return "stream_trailer"
        case nil:
            return ProtobufFields.numbers(in: Array(packet.unknownFields.data)).lazy.compactMap { unmodelledKinds[$0] }.first ?? "other"
        }
    }

    /// DataPacket oneof members this schema does not model, by field number (livekit_models.proto).
    static let unmodelledKinds: [UInt64: String] = [3: "speaker", 6: "sip_dtmf", 8: "metrics", 18: "encrypted_packet"]

    /// `ParticipantInfo.Kind.AGENT`.
    static let agentKind = 4

    /// The kind and topic of a message on `channel` from `sender` (the sender's SID when a DataPacket is not yet
    /// stamped), for the data taps: `data_track` for a data-track frame; else the DataPacket's payload kind, and a
    /// user packet's topic, a stream header's, or for a chunk or trailer the topic of the header that opened its
    /// stream.
    public func dataDescription(of bytes: [UInt8], on channel: DataChannelLabel, from sender: ParticipantSID? = nil) -> (kind: String, topic: String?) {
        guard channel != .dataTrack else { return ("data_track", nil) }
        guard let packet = try? Livekit_DataPacket(serializedBytes: bytes) else { return ("other", nil) }
        let from = packet.participantSid.isEmpty ? sender?.rawValue ?? "" : packet.participantSid
        let topic: String? = switch packet.value {
        case .user(let user)?: user.hasTopic ? user.topic : nil
        case .streamHeader(let header)?: header.topic
        case .streamChunk(let chunk)?: data.streamTopics[from + "/" + chunk.streamID]
        case .streamTrailer(let trailer)?: data.streamTopics[from + "/" + trailer.streamID]
        default: nil
        }
        return (Self.dataKind(of: packet), topic)
    }

    private func dataRecord(_ kind: String, _ participant: Participant, _ detail: [String: EventValue]) -> EventRecord {
        EventRecord(kind: kind, connection: participant.connection, room: participant.room, participant: participant.sid,
                    identity: participant.identity, detail: detail)
    }
}

/// The field numbers of raw protobuf wire data, in order (stops at the first malformed field).
enum ProtobufFields {
    static func numbers(in bytes: [UInt8]) -> [UInt64] {
        var numbers: [UInt64] = []
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count, let tag = varint() {
            numbers.append(tag >> 3)
            switch tag & 7 {
            case 0: guard varint() != nil else { return numbers }
            case 1: index += 8
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - min(index, bytes.count)) else { return numbers }
                index += Int(length)
            case 5: index += 4
            default: return numbers
            }
        }
        return numbers
    }
}
