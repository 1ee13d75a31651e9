import SimAuth
import SimCore

/// A state or timeline event scheduled to be sent later (MSC4140): MatrixRTC's "delayed leave", kept alive by
/// restarts and sent by the server when they stop.
struct DelayedEvent: Sendable {
    var id: String
    var user: String
    var roomID: String
    var type: String
    var stateKey: String?
    var content: JSONValue
    var delay: Duration
    var deadline: SimInstant
}

/// MSC4140 delayed events: `?org.matrix.msc4140.delay=<ms>` on a state PUT or a send schedules the event instead of
/// sending it; `…/delayed_events/{id}/restart|cancel|send` (no access token needed, as matrix-js-sdk calls it)
/// restarts its timer, drops it, or sends it now; when a timer runs out the server sends the event as its user.
/// The shell arms one timer at `nextDelayedDeadline` and calls `sendDueDelayedEvents(now:)`.
extension MatrixHomeserver {
    /// The longest delay accepted (longer: `M_MAX_DELAY_EXCEEDED`), as Synapse's default.
    static let maximumDelay: Duration = .seconds(24 * 3600)

    /// The `delay` query parameter, if the request schedules its event.
    func requestedDelay(_ context: Context) throws -> Duration? {
        guard let text = context.request.query["org.matrix.msc4140.delay"] else { return nil }
        guard let milliseconds = Int64(text), milliseconds >= 0 else { throw MatrixFailure(400, "M_INVALID_PARAM", "delay must be milliseconds") }
        let delay = Duration.milliseconds(milliseconds)
        guard delay <= Self.maximumDelay else {
            throw MatrixFailure(400, "M_UNKNOWN", "delay over the maximum", [
                "org.matrix.msc4140.errcode": "M_MAX_DELAY_EXCEEDED", "org.matrix.msc4140.max_delay": .int(Int64(Self.maximumDelay.milliseconds)),
            ])
        }
        return delay
    }

    /// Schedules an event; its `delay_id`.
    mutating func schedule(roomID: String, type: String, stateKey: String?, content: JSONValue, delay: Duration, _ context: Context) -> MatrixResponse {
        let id = "syd_" + opaque(20)
        delayed.append(DelayedEvent(id: id, user: context.user, roomID: roomID, type: type, stateKey: stateKey, content: content,
                                    delay: delay, deadline: context.now + delay))
        records.append(EventRecord(kind: "matrix.delayed_event", detail: [
            "action": "scheduled", "delay_id": .string(id), "user": .string(context.user), "type": .string(type),
            "delay_ms": .int(Int64(delay.milliseconds)),
        ]))
        return .ok(["delay_id": .string(id)])
    }

    /// `POST …/delayed_events/{id}/{action}` (or `…/delayed_events/{id}` with `{"action": …}`).
    mutating func updateDelayed(_ id: String, action: String, _ context: Context) throws -> MatrixResponse {
        guard ["restart", "cancel", "send"].contains(action) else { throw MatrixFailure(400, "M_INVALID_PARAM", "unknown action \(action)") }
        guard let index = delayed.firstIndex(where: { $0.id == id }) else { throw MatrixFailure.notFound("no delayed event \(id)") }
        switch action {
        case "restart": delayed[index].deadline = context.now + delayed[index].delay
        case "cancel": delayed.remove(at: index)
        default: send(delayed.remove(at: index), context.now, wallMillis: context.wallMillis)
        }
        records.append(EventRecord(kind: "matrix.delayed_event", detail: ["action": .string(action), "delay_id": .string(id)]))
        return .ok(.emptyObject)
    }

    /// `GET …/delayed_events`: the caller's scheduled events.
    func listDelayed(_ context: Context) -> MatrixResponse {
        let mine = delayed.filter { $0.user == context.user }.map { event -> JSONValue in
            var entry: [String: JSONValue] = [
                "delay_id": .string(event.id), "room_id": .string(event.roomID), "type": .string(event.type), "content": event.content,
                "delay": .int(Int64(event.delay.milliseconds)),
                "running_since": .int(context.wallMillis - Int64((event.delay - (event.deadline - context.now)).milliseconds)),
            ]
            if let key = event.stateKey { entry["state_key"] = .string(key) }
            return .object(entry)
        }
        return .ok(["delayed_events": .array(mine)])
    }

    /// When the next scheduled event is due.
    public var nextDelayedDeadline: SimInstant? { delayed.map(\.deadline).min() }

    /// Sends every scheduled event whose time has come; log records of what was sent.
    public mutating func sendDueDelayedEvents(now: SimInstant, wallMillis: Int64) -> [EventRecord] {
        let due = delayed.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
        delayed.removeAll { $0.deadline <= now }
        for event in due {
            send(event, now, wallMillis: wallMillis)
            records.append(EventRecord(kind: "matrix.delayed_event", detail: ["action": "sent", "delay_id": .string(event.id), "user": .string(event.user)]))
        }
        defer { records = [] }
        return records
    }

    /// Sends a scheduled event as its user (if the user is still in the room).
    private mutating func send(_ event: DelayedEvent, _ now: SimInstant, wallMillis: Int64) {
        guard rooms[event.roomID]?.membership(of: event.user) == .join else { return }
        let context = Context(request: MatrixRequest(method: "PUT", segments: []), caller: (event.user, ""), now: now, wallMillis: wallMillis)
        _ = append(to: event.roomID, type: event.type, stateKey: event.stateKey, sender: event.user, content: event.content, context)
    }
}
