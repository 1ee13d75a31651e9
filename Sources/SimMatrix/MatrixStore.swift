import SimAuth
import SimCore

/// An account: its password and devices.
struct MatrixAccount: Sendable {
    var userID: String
    var password: String
    var devices: [String: MatrixDevice] = [:]
}

/// A device: its access token, its keys (opaque to us, returned as uploaded) and its to-device inbox.
struct MatrixDevice: Sendable {
    var id: String
    var displayName: String?
    var accessToken: String?
    /// The uploaded `device_keys` object (immutable once set, as the spec requires).
    var deviceKeys: JSONValue?
    /// One-time keys, oldest first: (`algorithm:id`, key object).
    var oneTimeKeys: [(id: String, key: JSONValue)] = []
    /// Fallback keys by algorithm: (`algorithm:id`, key object, used).
    var fallbackKeys: [String: (id: String, key: JSONValue, used: Bool)] = [:]
    /// To-device events not yet acknowledged, each with the `next_batch` position of the last response that carried
    /// it (nil: not sent yet).
    var inbox: [(event: JSONValue, sentIn: Int?)] = []
    /// Transaction ids already seen from this device (`sendToDevice`, room sends): → the event id sent, if any.
    var transactions: [String: String] = [:]

    /// One-time keys left per algorithm.
    var oneTimeKeyCounts: [String: JSONValue] {
        var counts: [String: Int] = [:]
        for key in oneTimeKeys { counts[Self.algorithm(of: key.id), default: 0] += 1 }
        if counts["signed_curve25519"] == nil { counts["signed_curve25519"] = 0 }
        return counts.mapValues { .int($0) }
    }

    /// The algorithm part of `algorithm:id`.
    static func algorithm(of keyID: String) -> String {
        keyID.split(separator: ":", maxSplits: 1).first.map(String.init) ?? keyID
    }
}

/// One event of a room's timeline, as stored.
struct StoredEvent: Sendable {
    /// The stream position at which it was added.
    var position: Int
    var eventID: String
    var type: String
    var stateKey: String?
    var sender: String
    /// The client-format event (`event_id`, `type`, `sender`, `content`, `origin_server_ts`, `room_id`, …).
    var json: JSONValue
}

/// What a user is to a room.
enum Membership: String, Sendable {
    case join, invite, leave, ban
}

/// A room: its events in order and its current state.
struct MatrixRoom: Sendable {
    var id: String
    var events: [StoredEvent] = []
    /// (type, state key) → index into `events`.
    var state: [StateKey: Int] = [:]

    struct StateKey: Hashable, Sendable {
        var type: String
        var key: String
    }

    /// The current membership of `user` (from `m.room.member`).
    func membership(of user: String) -> Membership? {
        guard let index = state[StateKey(type: "m.room.member", key: user)] else { return nil }
        return events[index].json["content"]?["membership"]?.string.flatMap(Membership.init(rawValue:))
    }

    /// The stream position of `user`'s current membership event.
    func membershipPosition(of user: String) -> Int? {
        state[StateKey(type: "m.room.member", key: user)].map { events[$0].position }
    }

    /// Users whose current membership is `membership`.
    func users(_ membership: Membership) -> [String] {
        state.keys.filter { $0.type == "m.room.member" && self.membership(of: $0.key) == membership }.map(\.key).sorted()
    }

    /// The events added after stream position `position` (binary search: positions grow along the timeline), so an
    /// incremental sync costs what is new, not the room's whole history.
    func events(after position: Int) -> ArraySlice<StoredEvent> {
        var low = 0, high = events.count
        while low < high {
            let middle = (low + high) / 2
            if events[middle].position <= position { low = middle + 1 } else { high = middle }
        }
        return events[low...]
    }

    /// The current state events, in timeline order.
    var stateEvents: [StoredEvent] {
        state.values.sorted().map { events[$0] }
    }

    /// The join rule (`public`, `invite`, …).
    var joinRule: String {
        state[StateKey(type: "m.room.join_rules", key: "")].flatMap { events[$0].json["content"]?["join_rule"]?.string } ?? "invite"
    }
}

/// An OpenID token handed out by `request_token`, for the JWT service.
struct OpenIDGrant: Sendable {
    var userID: String
    var expires: SimInstant
}
