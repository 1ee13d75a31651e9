import SimAuth
import SimCore

/// `next_batch`/`since` tokens: `s<stream position>`.
enum SyncToken {
    static func make(_ position: Int) -> String { "s\(position)" }

    static func position(_ token: String?) -> Int? {
        guard let token, token.hasPrefix("s") else { return nil }
        return Int(token.dropFirst())
    }
}

/// A `/sync` that found nothing new and waits (long poll): the shell asks again after each change and answers at
/// `timeout` with whatever there is.
public struct SyncWait: Sendable {
    /// The caller.
    public var user: String
    public var device: String
    /// The position the client has (`since`); nil for an initial sync.
    public var since: Int?
    public var fullState: Bool
    public var timelineLimit: Int
    /// How long the client asked the server to wait.
    public var timeout: Duration
    /// The `since` token as sent (for the log).
    public var sinceToken: String?
}

/// Long-poll `/sync`: initial and incremental room sections, invites and leaves, to-device messages under the spec's
/// acknowledgement rule (a message is deleted only when the client syncs again with a `since` at or after the
/// response that carried it, so an aborted response loses nothing), device-list changes, one-time-key counts and
/// unused fallback key types.
extension MatrixHomeserver {
    /// The longest a `/sync` is held, whatever `timeout` asks.
    static let maximumSyncTimeout: Duration = .seconds(300)

    /// `GET /sync`.
    mutating func sync(_ context: Context) throws -> Result {
        let query = context.request.query
        let since = SyncToken.position(query["since"])
        if query["since"] != nil, since == nil { throw MatrixFailure(400, "M_INVALID_PARAM", "unknown since token \(query["since"] ?? "")") }
        if let since {  // the acknowledgement: what a response up to `since` carried is delivered
            accounts[context.user]?.devices[context.device]?.inbox.removeAll { $0.sentIn.map { $0 <= since } ?? false }
        }
        let milliseconds = query["timeout"].flatMap(Int.init) ?? 0
        let wait = SyncWait(
            user: context.user, device: context.device, since: since, fullState: query["full_state"] == "true",
            timelineLimit: timelineLimit(filter: query["filter"], user: context.user),
            timeout: min(.milliseconds(max(0, milliseconds)), Self.maximumSyncTimeout), sinceToken: query["since"]
        )
        if let response = pollSync(wait) { return .respond(response) }
        return wait.timeout > .zero ? .hold(wait) : .respond(finishSync(wait))
    }

    /// The answer to `wait` if there is anything new for it (always, for an initial or full-state sync).
    public mutating func pollSync(_ wait: SyncWait) -> MatrixResponse? {
        let (body, empty) = syncBody(wait)
        guard !empty || wait.since == nil || wait.fullState else { return nil }
        return sent(body, to: wait)
    }

    /// The answer to `wait` now (its timeout passed), possibly with nothing new.
    public mutating func finishSync(_ wait: SyncWait) -> MatrixResponse {
        sent(syncBody(wait).body, to: wait)
    }

    /// Notes what a response carries: its to-device messages are marked with its `next_batch` (deleted once the
    /// device syncs from there), and the sync faults on the user count one response down.
    mutating func sent(_ body: JSONValue, to wait: SyncWait) -> MatrixResponse {
        if !syncFaults.holdsToDevice(for: wait.user) {
            let count = accounts[wait.user]?.devices[wait.device]?.inbox.count ?? 0
            for index in 0..<count { accounts[wait.user]?.devices[wait.device]?.inbox[index].sentIn = position }
        }
        syncFaults.responded(to: wait.user)
        return .ok(body)
    }

    /// The timeline limit of a filter (inline JSON or an uploaded filter's id); 10 without one.
    func timelineLimit(filter: String?, user: String) -> Int {
        var definition: JSONValue?
        if let filter, filter.hasPrefix("{") {
            definition = JSONValue.parseObject(Array(filter.utf8))
        } else if let filter, let index = Int(filter) {
            definition = filters[user]?[safe: index]
        }
        let limit = definition?["room"]?["timeline"]?["limit"]?.integer.map(Int.init) ?? 10
        return min(max(limit, 1), 100)
    }

    func syncBody(_ wait: SyncWait) -> (body: JSONValue, empty: Bool) {
        let user = wait.user
        let since = wait.since
        var join: [String: JSONValue] = [:], invite: [String: JSONValue] = [:], leave: [String: JSONValue] = [:]
        var changed: Set<String> = []
        var left: Set<String> = []
        for room in rooms.values.sorted(by: { $0.id < $1.id }) {
            guard let membership = room.membership(of: user), let at = room.membershipPosition(of: user) else { continue }
            switch membership {
            case .join:
                let fresh = since == nil || wait.fullState || at > since!
                var timeline = fresh ? Array(room.events.suffix(wait.timelineLimit)) : Array(room.events(after: since!))
                guard !timeline.isEmpty else { continue }
                var limited = fresh && room.events.count > timeline.count
                var state: [StoredEvent] = []
                if timeline.count > wait.timelineLimit {
                    timeline = Array(timeline.suffix(wait.timelineLimit))
                    limited = true
                }
                if fresh || limited {
                    let shown = Set(timeline.map(\.eventID))
                    state = room.stateEvents.filter { !shown.contains($0.eventID) && (fresh || $0.position > since!) }
                }
                join[room.id] = [
                    "timeline": [
                        "events": .array(timeline.map { visible($0, to: user) }), "limited": .bool(limited),
                        "prev_batch": .string(SyncToken.make(timeline[0].position - 1)),
                    ],
                    "state": ["events": .array(state.map { visible($0, to: user) })],
                    "ephemeral": ["events": []], "account_data": ["events": []], "unread_notifications": .emptyObject,
                    "summary": .emptyObject,
                ]
                if let since {
                    for event in room.events(after: since) where event.type == "m.room.member" {
                        let target = event.stateKey ?? ""
                        if event.json["content"]?["membership"]?.string == "join" {
                            if target == user { changed.formUnion(room.users(.join)) } else { changed.insert(target) }
                        } else if room.membership(of: target) != .join {
                            left.insert(target)
                        }
                    }
                }
            case .invite:
                guard since.map({ at > $0 }) ?? true else { continue }
                let stripped = room.stateEvents.filter {
                    ["m.room.create", "m.room.join_rules", "m.room.name", "m.room.canonical_alias", "m.room.encryption"].contains($0.type)
                        || ($0.type == "m.room.member" && ($0.stateKey == user || $0.sender == $0.stateKey && room.membership(of: $0.sender) == .join))
                }.map { event -> JSONValue in
                    ["type": .string(event.type), "state_key": .string(event.stateKey ?? ""), "sender": .string(event.sender),
                     "content": event.json["content"] ?? .emptyObject]
                }
                invite[room.id] = ["invite_state": ["events": .array(stripped)]]
            case .leave, .ban:
                guard let since, at > since else { continue }
                let events = room.events(after: since).prefix { $0.position <= at }
                leave[room.id] = ["timeline": ["events": .array(events.map { visible($0, to: user) }), "limited": false], "state": ["events": []]]
            }
        }
        let peers = sharingRoom(with: user)
        if let since {
            for change in deviceListChanges where change.position > since && peers.contains(change.user) { changed.insert(change.user) }
        }
        left.subtract(peers)
        changed.subtract(left)
        if syncFaults.dropsDeviceLists(for: user) { (changed, left) = ([], []) }
        let device = accounts[user]?.devices[wait.device]
        let toDevice = syncFaults.holdsToDevice(for: user) ? [] : device?.inbox.map(\.event) ?? []
        let fallbackTypes = (device?.fallbackKeys ?? [:]).filter { !$0.value.used }.keys.sorted()
        let body: JSONValue = [
            "next_batch": .string(SyncToken.make(position)),
            "rooms": ["join": .object(join), "invite": .object(invite), "leave": .object(leave)],
            "to_device": ["events": .array(toDevice)],
            "device_lists": ["changed": .strings(changed.sorted()), "left": .strings(left.sorted())],
            "device_one_time_keys_count": .object(device?.oneTimeKeyCounts ?? [:]),
            "device_unused_fallback_key_types": .strings(fallbackTypes),
            "org.matrix.msc2732.device_unused_fallback_key_types": .strings(fallbackTypes),
            "presence": ["events": []], "account_data": ["events": []],
        ]
        let empty = join.isEmpty && invite.isEmpty && leave.isEmpty && toDevice.isEmpty && changed.isEmpty && left.isEmpty
        return (body, empty)
    }

    /// An event as `user` sees it: the transaction id only for its sender.
    func visible(_ event: StoredEvent, to user: String) -> JSONValue {
        guard event.sender != user, case .object(var members) = event.json, case .object(var unsigned)? = members["unsigned"],
              unsigned["transaction_id"] != nil else { return event.json }
        unsigned["transaction_id"] = nil
        members["unsigned"] = .object(unsigned)
        return .object(members)
    }
}
