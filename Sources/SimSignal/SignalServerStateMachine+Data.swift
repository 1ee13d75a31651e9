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
}

/// DataPackets from participants' data channels, forwarded with LiveKit's rules (reference: data channels §2.2,
/// §2.3): the sender must have `canPublishData`; its SID and identity are stamped (the identity left blank for a
/// hidden sender); the kind is the channel's; reliable sequence numbers at or below the sender's last are dropped;
/// a user packet's destinations are synced between the packet and its UserPacket and a repeated 16-byte nonce is
/// dropped; recipients are the room's other participants, or only the destinations named (identities or SIDs);
/// lossy packets reach only ACTIVE participants. Oneofs this schema does not model (chat, text and byte streams,
/// transcriptions, metrics…) travel as unknown fields and are forwarded untouched.
extension SignalServerStateMachine {
    /// A DataPacket arrived from `sender` on its channel `label` (`_reliable` or `_lossy`).
    public mutating func dataReceived(_ bytes: [UInt8], label: String, from sender: ParticipantSID) -> [SignalAction] {
        guard let participant = rooms.participants[sender] else { return [] }
        let reliable = label == "_reliable"
        func dropped(_ why: String) -> [SignalAction] {
            [.log(dataRecord("data.dropped", participant, ["label": .string(label), "bytes": .int(Int64(bytes.count)), "why": .string(why)]))]
        }
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
        let identity = participant.permission.hidden ? "" : participant.identity.rawValue
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
                var nonces = data.recentNonces[participant.room, default: []]
                if nonces.contains(user.nonce) { return dropped("a user packet with a nonce already seen") }
                nonces.append(user.nonce)
                if nonces.count > DataPlaneState.nonceMemory { nonces.removeFirst(nonces.count - DataPlaneState.nonceMemory) }
                data.recentNonces[participant.room] = nonces
            }
            packet.value = .user(user)
        }
        packet.participantIdentity = identity
        let destinations = Set(packet.destinationIdentities)
        let sids = Set(destinationSIDs)
        let recipients = rooms.participants.values.filter { other in
            other.sid != sender && other.room == participant.room
                && (destinations.isEmpty && sids.isEmpty || destinations.contains(other.identity.rawValue) || sids.contains(other.sid.rawValue))
                && (reliable || other.state == .active)
        }.map(\.sid).sorted()
        guard let forwarded: [UInt8] = try? packet.serializedBytes() else { return dropped("could not encode") }
        var out: [SignalAction] = [.log(dataRecord("data.received", participant, [
            "label": .string(label), "kind": .string(Self.dataKind(of: packet)), "bytes": .int(Int64(bytes.count)),
            "sequence": .int(Int64(packet.sequence)), "destinations": .strings(packet.destinationIdentities),
            "recipients": .int(Int64(recipients.count)),
        ]))]
        let kind = Self.dataKind(of: packet)
        out += recipients.map { .deliverData($0, forwarded, reliable: reliable, kind: kind) }
        return out
    }

    /// The packet's payload kind, as LiveKit names the oneof. Oneofs this schema does not model are found among
    /// the unknown fields by their field numbers (livekit_models.proto); `other` when there is none.
    public static func dataKind(of packet: Livekit_DataPacket) -> String {
        switch packet.value {
        case .user?: return "user"
        case .rpcRequest?: return "rpc_request"
        case .rpcAck?: return "rpc_ack"
        case .rpcResponse?: return "rpc_response"
        case nil:
            return ProtobufFields.numbers(in: Array(packet.unknownFields.data)).lazy.compactMap { unmodelledKinds[$0] }.first ?? "other"
        }
    }

    /// DataPacket oneof members this schema does not model, by field number (livekit_models.proto).
    static let unmodelledKinds: [UInt64: String] = [
        3: "speaker", 6: "sip_dtmf", 7: "transcription", 8: "metrics", 9: "chat_message", 13: "stream_header",
        14: "stream_chunk", 15: "stream_trailer", 18: "encrypted_packet",
    ]

    /// The payload kind of serialized DataPacket bytes (`other` when they do not parse).
    public static func dataKind(of bytes: [UInt8]) -> String {
        (try? Livekit_DataPacket(serializedBytes: bytes)).map { dataKind(of: $0) } ?? "other"
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
