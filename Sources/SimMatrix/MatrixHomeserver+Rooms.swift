import SimAuth
import SimCore

/// Rooms: creation with a preset, membership (join, invite, leave), state events (any type and state key, call
/// memberships included), timeline events, redactions, member lists. Power levels are stored but not enforced:
/// any joined member may send any event (a test server's choice; say so in the docs).
extension MatrixHomeserver {
    /// `POST /createRoom`.
    mutating func createRoom(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        let roomID = "!\(opaque(18)):\(configuration.serverName)"
        var aliasName: String?
        if let name = body["room_alias_name"]?.string {
            let alias = "#\(name):\(configuration.serverName)"
            guard aliases[alias] == nil else { throw MatrixFailure(400, "M_ROOM_IN_USE", "\(alias) is taken") }
            aliasName = alias
        }
        let preset = body["preset"]?.string ?? (body["visibility"]?.string == "public" ? "public_chat" : "private_chat")
        rooms[roomID] = MatrixRoom(id: roomID)
        let creator = context.user
        func put(_ type: String, key: String = "", _ content: JSONValue) {
            _ = append(to: roomID, type: type, stateKey: key, sender: creator, content: content, context)
        }
        var createContent: [String: JSONValue] = ["creator": .string(creator), "room_version": .string(body["room_version"]?.string ?? "10")]
        for (key, value) in body["creation_content"]?.object ?? [:] { createContent[key] = value }
        put("m.room.create", .object(createContent))
        put("m.room.member", key: creator, ["membership": "join"])
        var power: [String: JSONValue] = [
            "users": .object([creator: .int(100)]), "users_default": .int(0), "events_default": .int(0), "state_default": .int(50),
            "ban": .int(50), "kick": .int(50), "redact": .int(50), "invite": .int(0),
        ]
        for (key, value) in body["power_level_content_override"]?.object ?? [:] { power[key] = value }
        put("m.room.power_levels", .object(power))
        if let aliasName {
            aliases[aliasName] = roomID
            put("m.room.canonical_alias", ["alias": .string(aliasName)])
        }
        put("m.room.join_rules", ["join_rule": .string(preset == "public_chat" ? "public" : "invite")])
        put("m.room.history_visibility", ["history_visibility": "shared"])
        if preset != "public_chat" { put("m.room.guest_access", ["guest_access": "can_join"]) }
        for event in body["initial_state"]?.array ?? [] {
            guard let type = event["type"]?.string else { throw MatrixFailure(400, "M_BAD_JSON", "initial_state events need a type") }
            put(type, key: event["state_key"]?.string ?? "", event["content"] ?? .emptyObject)
        }
        if let name = body["name"]?.string { put("m.room.name", ["name": .string(name)]) }
        if let topic = body["topic"]?.string { put("m.room.topic", ["topic": .string(topic)]) }
        for invitee in body["invite"]?.array?.compactMap(\.string) ?? [] {
            put("m.room.member", key: invitee, ["membership": "invite"])
        }
        return .ok(["room_id": .string(roomID)])
    }

    /// `POST /join/{roomIdOrAlias}` and `POST /rooms/{roomId}/join`.
    mutating func join(_ target: String, _ context: Context) throws -> MatrixResponse {
        let roomID = target.hasPrefix("#") ? aliases[target] : target
        guard let roomID, let room = rooms[roomID] else { throw MatrixFailure.notFound("no room \(target)") }
        switch room.membership(of: context.user) {
        case .join: return .ok(["room_id": .string(roomID)])
        case .ban: throw MatrixFailure.forbidden("\(context.user) is banned from \(roomID)")
        case .invite: break
        case .leave, nil:
            guard room.joinRule == "public" else { throw MatrixFailure.forbidden("\(roomID) is invite-only and \(context.user) is not invited") }
        }
        _ = append(to: roomID, type: "m.room.member", stateKey: context.user, sender: context.user, content: ["membership": "join"], context)
        return .ok(["room_id": .string(roomID)])
    }

    /// Requests under `/rooms/{roomId}/…`.
    mutating func roomRequest(_ route: MatrixRoute, _ context: Context) throws -> MatrixResponse {
        let roomID = route.parameters[0]
        let rest = Array(route.parameters.dropFirst())
        let method = context.request.method
        guard rooms[roomID] != nil else { throw MatrixFailure.notFound("no room \(roomID)") }
        switch (method, route.pattern ?? "") {
        case ("POST", "rooms/*/join"):
            return try join(roomID, context)
        case ("POST", "rooms/*/leave"):
            let membership = rooms[roomID]?.membership(of: context.user)
            guard membership == .join || membership == .invite else { throw MatrixFailure.forbidden("\(context.user) is not in \(roomID)") }
            _ = append(to: roomID, type: "m.room.member", stateKey: context.user, sender: context.user, content: ["membership": "leave"], context)
            return .ok(.emptyObject)
        case ("POST", "rooms/*/invite"):
            try requireJoined(roomID, context)
            guard let invitee = try context.body()["user_id"]?.string else { throw MatrixFailure.missing("user_id") }
            guard accounts[invitee] != nil else { throw MatrixFailure.notFound("no user \(invitee)") }
            switch rooms[roomID]?.membership(of: invitee) {
            case .join: throw MatrixFailure.forbidden("\(invitee) is already in the room")
            case .ban: throw MatrixFailure.forbidden("\(invitee) is banned")
            default: break
            }
            _ = append(to: roomID, type: "m.room.member", stateKey: invitee, sender: context.user, content: ["membership": "invite"], context)
            return .ok(.emptyObject)
        case ("GET", "rooms/*/state"):
            try requireJoined(roomID, context)
            return .ok(.array(rooms[roomID]!.stateEvents.map(\.json)))
        case ("PUT", "rooms/*/state/*"), ("PUT", "rooms/*/state/*/*"):
            let (type, key) = (rest[0], rest.count > 1 ? rest[1] : "")
            try requireJoined(roomID, context)
            let content = try context.body()
            if let delay = try requestedDelay(context) {
                return schedule(roomID: roomID, type: type, stateKey: key, content: content, delay: delay, context)
            }
            let id = append(to: roomID, type: type, stateKey: key, sender: context.user, content: content, context)
            return .ok(["event_id": .string(id)])
        case ("GET", "rooms/*/state/*"), ("GET", "rooms/*/state/*/*"):
            let (type, key) = (rest[0], rest.count > 1 ? rest[1] : "")
            try requireJoined(roomID, context)
            guard let index = rooms[roomID]?.state[.init(type: type, key: key)], let event = rooms[roomID]?.events[index] else {
                throw MatrixFailure.notFound("no state event \(type)/\(key)")
            }
            return .ok(event.json["content"] ?? .emptyObject)
        case ("PUT", "rooms/*/send/*/*"):
            let (type, txn) = (rest[0], rest[1])
            try requireJoined(roomID, context)
            let content = try context.body()
            if let delay = try requestedDelay(context) {
                return schedule(roomID: roomID, type: type, stateKey: nil, content: content, delay: delay, context)
            }
            return try once("room/\(roomID)/\(txn)", context) { hs in
                hs.append(to: roomID, type: type, stateKey: nil, sender: context.user, content: content, context, txn: txn)
            }
        case ("PUT", "rooms/*/redact/*/*"):
            let (target, txn) = (rest[0], rest[1])
            try requireJoined(roomID, context)
            let body = try context.body()
            return try once("redact/\(roomID)/\(txn)", context) { hs in try hs.redact(target, in: roomID, reason: body["reason"]?.string, context) }
        case ("GET", "rooms/*/members"):
            try requireJoinedOrLeft(roomID, context)
            let excluded = context.request.query["not_membership"]
            let wanted = context.request.query["membership"]
            let members = rooms[roomID]!.stateEvents.filter { event in
                guard event.type == "m.room.member", let membership = event.json["content"]?["membership"]?.string else { return false }
                return membership != excluded && (wanted == nil || membership == wanted)
            }
            return .ok(["chunk": .array(members.map(\.json))])
        case ("GET", "rooms/*/joined_members"):
            try requireJoined(roomID, context)
            let joined = rooms[roomID]!.users(.join).map { ($0, JSONValue.emptyObject) }
            return .ok(["joined": .object(Dictionary(uniqueKeysWithValues: joined))])
        default:
            throw MatrixFailure(405, "M_UNRECOGNIZED", "method \(method) not allowed here")
        }
    }

    /// Runs `send` once per device and transaction id: a retried transaction gets the first event id again.
    mutating func once(_ key: String, _ context: Context, _ send: (inout MatrixHomeserver) throws -> String) throws -> MatrixResponse {
        if let id = accounts[context.user]?.devices[context.device]?.transactions[key] { return .ok(["event_id": .string(id)]) }
        let id = try send(&self)
        accounts[context.user]?.devices[context.device]?.transactions[key] = id
        return .ok(["event_id": .string(id)])
    }

    /// Redacts `target`: an `m.room.redaction` event, and the original's content emptied; the redaction's id.
    mutating func redact(_ target: String, in roomID: String, reason: String?, _ context: Context) throws -> String {
        guard let index = rooms[roomID]?.events.firstIndex(where: { $0.eventID == target }) else { throw MatrixFailure.notFound("no event \(target)") }
        var content: [String: JSONValue] = ["redacts": .string(target)]
        if let reason { content["reason"] = .string(reason) }
        let id = append(to: roomID, type: "m.room.redaction", stateKey: nil, sender: context.user, content: .object(content), context, redacts: target)
        if case .object(var original) = rooms[roomID]!.events[index].json {
            original["content"] = .emptyObject
            original["unsigned"] = ["redacted_by": .string(id)]
            rooms[roomID]!.events[index].json = .object(original)
        }
        return id
    }

    func requireJoined(_ roomID: String, _ context: Context) throws {
        guard rooms[roomID]?.membership(of: context.user) == .join else { throw MatrixFailure.forbidden("\(context.user) is not joined to \(roomID)") }
    }

    func requireJoinedOrLeft(_ roomID: String, _ context: Context) throws {
        guard let membership = rooms[roomID]?.membership(of: context.user), membership == .join || membership == .leave else {
            throw MatrixFailure.forbidden("\(context.user) was never in \(roomID)")
        }
    }

    /// Call membership event types (legacy session format and MatrixRTC's newer names): a non-empty content joins.
    static let callMemberTypes: Set<String> = ["org.matrix.msc3401.call.member", "org.matrix.msc4143.rtc.member", "m.call.member", "m.rtc.member"]

    /// `matrix.call_member` for a state PUT another homeserver stored (the fault proxy forwards it upstream): the
    /// same route table reads the room, type and state key.
    public static func callMemberRecord(storedBy request: MatrixRequest, sender: String) -> EventRecord? {
        let route = MatrixRoute(request)
        guard request.method == "PUT", route.pattern == "rooms/*/state/*" || route.pattern == "rooms/*/state/*/*" else { return nil }
        let parameters = route.parameters
        return callMemberRecord(type: parameters[1], stateKey: parameters.count > 2 ? parameters[2] : "",
                                content: JSONValue.parseObject(request.body) ?? .emptyObject, sender: sender, roomID: parameters[0])
    }

    /// `matrix.call_member` (`joined` for a non-empty content, `left` for `{}`) when a state event of one of the call
    /// membership types is stored.
    static func callMemberRecord(type: String, stateKey: String, content: JSONValue, sender: String, roomID: String) -> EventRecord? {
        guard callMemberTypes.contains(type) else { return nil }
        let joined = content.object.map { !$0.isEmpty } ?? false
        return EventRecord(kind: "matrix.call_member", detail: [
            "user": .string(sender), "room_id": .string(roomID), "state_key": .string(stateKey),
            "device": .string(content["device_id"]?.string ?? ""), "action": .string(joined ? "joined" : "left"),
        ])
    }

    /// Adds an event to a room at a new stream position (state events replace the current state); its id.
    mutating func append(to roomID: String, type: String, stateKey: String?, sender: String, content: JSONValue, _ context: Context,
                         txn: String? = nil, redacts: String? = nil) -> String {
        let at = advance()
        let eventID = "$" + opaque(43)
        var json: [String: JSONValue] = [
            "event_id": .string(eventID), "type": .string(type), "sender": .string(sender), "content": content,
            "origin_server_ts": .int(context.wallMillis), "room_id": .string(roomID), "unsigned": .emptyObject,
        ]
        if let stateKey {
            json["state_key"] = .string(stateKey)
            if let index = rooms[roomID]?.state[.init(type: type, key: stateKey)], let previous = rooms[roomID]?.events[index] {
                json["unsigned"] = ["replaces_state": .string(previous.eventID), "prev_content": previous.json["content"] ?? .emptyObject]
            }
        }
        if let redacts { json["redacts"] = .string(redacts) }
        if let txn, sender == context.user { json["unsigned"] = ["transaction_id": .string(txn)] }
        let event = StoredEvent(position: at, eventID: eventID, type: type, stateKey: stateKey, sender: sender, json: .object(json))
        rooms[roomID]!.events.append(event)
        if let stateKey { rooms[roomID]!.state[.init(type: type, key: stateKey)] = rooms[roomID]!.events.count - 1 }
        if let stateKey, let record = Self.callMemberRecord(type: type, stateKey: stateKey, content: content, sender: sender, roomID: roomID) {
            records.append(record)
        }
        return eventID
    }
}
