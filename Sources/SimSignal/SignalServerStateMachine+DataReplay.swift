import SimCore
import SimRoom

/// One reliable, sequenced DataPacket as forwarded, kept for participants still joining (LiveKit's 2 s room cache,
/// reference: data channels §2.3).
struct ReliableRecord: Sendable {
    /// Its sender.
    var sender: ParticipantSID
    /// The sender's reliable sequence number.
    var sequence: UInt32
    /// Destination identities (empty with `sids` empty: everyone else).
    var identities: Set<String>
    /// Destination SIDs (deprecated form).
    var sids: Set<String>
    /// The packet as forwarded (stamped).
    var bytes: [UInt8]
    /// Its payload kind, for the `data.out` tap.
    var kind: String
    /// When it arrived.
    var at: SimInstant

    /// Whether the packet is addressed to `participant`.
    func isFor(_ participant: Participant) -> Bool {
        identities.isEmpty && sids.isEmpty || identities.contains(participant.identity.rawValue) || sids.contains(participant.sid.rawValue)
    }
}

extension DataPlaneState {
    /// How long a room keeps reliable packets for joiners (LiveKit `dataMessageCacheTTL`).
    static let replayWindow: Duration = .seconds(2)
    /// At most this many packets per room.
    static let replayMemory = 100_000
    /// Unsequenced reliable bytes queued for one joining participant (LiveKit `cMaxJoiningUnsequencedReliableBytes`).
    static let joiningQueueBytes = 100_000
}

/// Reliable data for participants whose `_reliable` channel is not open yet (they are joining): LiveKit replays
/// the sequenced packets they missed from the room's 2 s cache once they can be written to, and flushes up to
/// 100 kB of unsequenced ones (RoomService `SendData`); a replay never repeats a sequence already written.
extension SignalServerStateMachine {
    mutating func remember(_ record: ReliableRecord, in room: RoomName) {
        // In place (inout through the dictionary): a copy taken out would make every append copy the room's cache.
        func add(to records: inout SlidingQueue<ReliableRecord>) {
            let stale = records.firstIndex { record.at - $0.at <= DataPlaneState.replayWindow } ?? records.endIndex
            records.removeFirst(max(stale, records.count + 1 - DataPlaneState.replayMemory))
            records.append(record)
        }
        add(to: &data.recentReliable[room, default: SlidingQueue()])
    }

    /// A reliable packet for `recipient`: written now if its `_reliable` channel is open (never a sequence from
    /// `sender` it already has), otherwise remembered until it opens: sequenced ones by the first sequence missed
    /// (replayed from the cache), unsequenced ones queued.
    mutating func deliverReliable(_ bytes: [UInt8], sequence: UInt32, from sender: ParticipantSID?, to recipient: ParticipantSID, kind: String) -> [SignalAction] {
        guard data.writable.contains(recipient) else {
            if sequence > 0, let sender {
                if data.missed[recipient]?[sender] == nil { data.missed[recipient, default: [:]][sender] = sequence }
                return []
            }
            var queue = data.queued[recipient] ?? ([], 0)
            guard queue.bytes + bytes.count <= DataPlaneState.joiningQueueBytes else {
                return [.log(EventRecord(kind: "data.dropped", participant: recipient, detail: [
                    "label": "_reliable", "bytes": .int(Int64(bytes.count)), "why": "over 100 kB queued for a participant still joining",
                ]))]
            }
            queue.packets.append(bytes)
            queue.bytes += bytes.count
            data.queued[recipient] = queue
            return []
        }
        if sequence > 0, let sender {
            if let last = data.lastWritten[recipient]?[sender], sequence <= last { return [] }
            data.lastWritten[recipient, default: [:]][sender] = sequence
        }
        return [.deliverData(recipient, bytes, channel: .reliable, kind: kind)]
    }

    /// Data the server itself sends (RoomService `SendData`: no sender, unsequenced): reliable packets wait for
    /// recipients still joining, lossy ones reach only ACTIVE participants.
    public mutating func serverData(_ bytes: [UInt8], reliable: Bool, to recipients: [ParticipantSID]) -> [SignalAction] {
        recipients.flatMap { recipient -> [SignalAction] in
            if reliable { return deliverReliable(bytes, sequence: 0, from: nil, to: recipient, kind: "user") }
            return rooms.participants[recipient]?.state == .active ? [.deliverData(recipient, bytes, channel: .lossy, kind: "user")] : []
        }
    }

    /// One of `participant`'s data channels opened. The first `_reliable` makes it writable: what it missed while
    /// joining is replayed (sequenced packets still in the room's cache, in order) and the queue flushed.
    public mutating func dataChannelOpened(_ channel: DataChannelLabel, participant sid: ParticipantSID, at now: SimInstant) -> [SignalAction] {
        guard channel == .reliable, let participant = rooms.participants[sid], data.writable.insert(sid).inserted else { return [] }
        let missed = data.missed.removeValue(forKey: sid) ?? [:]
        let replay = (data.recentReliable[participant.room] ?? SlidingQueue()).filter { record in
            now - record.at <= DataPlaneState.replayWindow && missed[record.sender].map { record.sequence >= $0 } == true && record.isFor(participant)
        }
        var out: [SignalAction] = []
        for record in replay {
            out += deliverReliable(record.bytes, sequence: record.sequence, from: record.sender, to: sid, kind: record.kind)
        }
        let queued = data.queued.removeValue(forKey: sid)?.packets ?? []
        out += queued.map { .deliverData(sid, $0, channel: .reliable, kind: "user") }
        if !missed.isEmpty || !queued.isEmpty {
            out.insert(.log(EventRecord(kind: "data.replayed", connection: participant.connection, room: participant.room, participant: sid,
                                        identity: participant.identity, detail: [
                                            "replayed": .int(Int64(replay.count)), "queued": .int(Int64(queued.count)),
                                            "missed_senders": .int(Int64(missed.count)),
                                        ])), at: 0)
        }
        return out
    }
}
