import SimCore

extension DecartSessionStateMachine {
    /// A `set_image`/`prompt` (inside a bundled join, or as its own frame): validate, merge, ack exactly once, and
    /// open the `passthrough:false` gate. The first one is the initial state, whenever it comes (reference §9.2:
    /// inside the join, right after it, after room_info, or after the LiveKit publish).
    mutating func stateReceived(_ connection: ConnectionID, _ message: DecartStateMessage, now: SimInstant, bundled: Bool = false) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        let initial = !session.initialStateSeen
        let firstApplied = !session.stateApplied
        sessions[connection]?.initialStateSeen = true
        var refusal: String?
        var merged = session.state
        switch (session.state ?? DecartGenerationState()).applying(message) {
        case .success(let state): merged = state
        case .failure(let why): refusal = why.text
        }
        if initial, refusal == nil, let rejection = session.rules.initialStateRejection { refusal = rejection }
        var detail: [String: EventValue] = [
            "type": .string(message.type), "initial": .bool(initial), "bundled": .bool(bundled), "success": .bool(refusal == nil),
        ]
        if case .data(_, let bytes)? = merged?.image, refusal == nil { detail["image_bytes"] = .int(Int64(bytes)) }
        if let refusal { detail["error"] = .string(refusal) }
        var out: [DecartAction] = [log(connection, "decart.state", detail)]
        let ack: DecartServerMessage = switch message {
        case .setImage: .setImageAck(success: refusal == nil, error: refusal)
        case .prompt(let request): .promptAck(prompt: request.prompt, success: refusal == nil, error: refusal)
        }
        out += deliverAck(connection, ack)
        if refusal == nil, let merged {
            sessions[connection]?.state = merged
            sessions[connection]?.stateApplied = true
            if session.isGenerating {
                out.append(firstApplied ? .setInitialState(connection, merged) : .updateState(connection, merged))
            }
        }
        if initial, session.transport == .undetermined, session.rules.readyAfterPreOfferAck {
            out += send(connection, .ready)
        }
        return out + maybeStartGeneration(connection, now: now)
    }

    /// Sends an ack now, or holds it until room_info (reference §4.3): only clients that buffer early acks may get
    /// one before `livekit_room_info`; held acks keep their order, and later acks queue behind them.
    mutating func deliverAck(_ connection: ConnectionID, _ ack: DecartServerMessage) -> [DecartAction] {
        guard let session = sessions[connection] else { return [] }
        if session.heldAcks.isEmpty, ackMayGoNow(session) { return send(connection, ack) }
        sessions[connection]?.heldAcks.append(ack)
        return [log(connection, "decart.ack.held", ["type": .string(ack.type)])]
    }

    /// Whether an ack may be sent before room_info under the session's rules.
    func ackMayGoNow(_ session: DecartSession) -> Bool {
        if session.roomInfoSent { return true }
        switch session.transport {
        case .undetermined, .aiortc:
            // No room_info will come: aiortc clients wait for the ack before they offer (reference §4.1, §9.8).
            return true
        case .livekit(let join):
            switch session.rules.earlyAcks {
            case .immediately: return true
            case .afterRoomInfo: return false
            case .whenClientBuffers: return join.clientBuffersEarlyAcks
            }
        }
    }

    /// Sends the held acks, in order.
    mutating func flushHeldAcks(_ connection: ConnectionID) -> [DecartAction] {
        guard let held = sessions[connection]?.heldAcks, !held.isEmpty else { return [] }
        sessions[connection]?.heldAcks = []
        return held.flatMap { send(connection, $0) }
    }
}
