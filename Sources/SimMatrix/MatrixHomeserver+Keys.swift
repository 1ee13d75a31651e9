import SimAuth
import SimCore

/// End-to-end encryption plumbing, opaque to us: device keys stored as uploaded, one-time keys handed out once
/// (oldest first), fallback keys reused once the one-time keys run out, and to-device messages queued per device.
extension MatrixHomeserver {
    /// `POST /keys/upload`.
    mutating func uploadKeys(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        let (user, device) = (context.user, context.device)
        if let keys = body["device_keys"] {
            guard keys["user_id"]?.string == user, keys["device_id"]?.string == device else {
                throw MatrixFailure(400, "M_INVALID_PARAM", "device_keys must name the caller's user and device")
            }
            let existing = accounts[user]?.devices[device]?.deviceKeys
            if existing == nil {
                accounts[user]?.devices[device]?.deviceKeys = keys
                deviceListChanges.append((advance(), user))
            } else if existing != keys {
                throw MatrixFailure(400, "M_INVALID_PARAM", "device keys cannot change once uploaded")
            }
        }
        for (id, key) in (body["one_time_keys"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard id.contains(":") else { throw MatrixFailure(400, "M_INVALID_PARAM", "one-time key ids are algorithm:id") }
            guard accounts[user]?.devices[device]?.oneTimeKeys.contains(where: { $0.id == id }) == false else { continue }
            accounts[user]?.devices[device]?.oneTimeKeys.append((id, key))
        }
        for (id, key) in body["fallback_keys"]?.object ?? body["org.matrix.msc2732.fallback_keys"]?.object ?? [:] {
            accounts[user]?.devices[device]?.fallbackKeys[MatrixDevice.algorithm(of: id)] = (id, key, false)
        }
        return .ok(["one_time_key_counts": .object(accounts[user]?.devices[device]?.oneTimeKeyCounts ?? [:])])
    }

    /// `POST /keys/query`: the device keys of the users asked for (all their devices, or those listed).
    func queryKeys(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        guard let wanted = body["device_keys"]?.object else { throw MatrixFailure.missing("device_keys") }
        var result: [String: JSONValue] = [:]
        for (user, devices) in wanted {
            guard let account = accounts[user] else { continue }
            let only = Set(devices.array?.compactMap(\.string) ?? [])
            var keys: [String: JSONValue] = [:]
            for (id, device) in account.devices where only.isEmpty || only.contains(id) {
                guard case .object(var members)? = device.deviceKeys else { continue }
                if let name = device.displayName { members["unsigned"] = ["device_display_name": .string(name)] }
                keys[id] = .object(members)
            }
            result[user] = .object(keys)
        }
        return .ok(["device_keys": .object(result), "failures": .emptyObject])
    }

    /// `POST /keys/claim`: one key per device asked for: the oldest one-time key of the algorithm, else the fallback
    /// key (which stays, marked used).
    mutating func claimKeys(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        guard let wanted = body["one_time_keys"]?.object else { throw MatrixFailure.missing("one_time_keys") }
        var result: [String: JSONValue] = [:]
        for (user, devices) in wanted.sorted(by: { $0.key < $1.key }) {
            var claimed: [String: JSONValue] = [:]
            for (device, algorithmValue) in (devices.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let algorithm = algorithmValue.string, accounts[user]?.devices[device] != nil else { continue }
                if let index = accounts[user]?.devices[device]?.oneTimeKeys.firstIndex(where: { MatrixDevice.algorithm(of: $0.id) == algorithm }),
                   let key = accounts[user]?.devices[device]?.oneTimeKeys.remove(at: index) {
                    claimed[device] = .object([key.id: key.key])
                } else if let fallback = accounts[user]?.devices[device]?.fallbackKeys[algorithm] {
                    accounts[user]?.devices[device]?.fallbackKeys[algorithm]?.used = true
                    claimed[device] = .object([fallback.id: fallback.key])
                }
            }
            if !claimed.isEmpty { result[user] = .object(claimed) }
        }
        return .ok(["one_time_keys": .object(result), "failures": .emptyObject])
    }

    /// `GET /keys/changes?from=…&to=…`: users sharing a room with the caller whose devices changed in between.
    func keyChanges(_ context: Context) -> MatrixResponse {
        let from = SyncToken.position(context.request.query["from"]) ?? 0
        let to = SyncToken.position(context.request.query["to"]) ?? position
        let peers = sharingRoom(with: context.user)
        let changed = Set(deviceListChanges.filter { $0.position > from && $0.position <= to && peers.contains($0.user) }.map(\.user))
        return .ok(["changed": .strings(changed.sorted()), "left": []])
    }

    /// `PUT /sendToDevice/{type}/{txnId}`: each message queued for its device (`*`: every device of the user);
    /// a transaction id seen before from this device is answered without sending again.
    mutating func sendToDevice(type: String, txn: String, _ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        guard let messages = body["messages"]?.object else { throw MatrixFailure.missing("messages") }
        let txnKey = "todevice/\(txn)"
        if accounts[context.user]?.devices[context.device]?.transactions[txnKey] != nil { return .ok(.emptyObject) }
        accounts[context.user]?.devices[context.device]?.transactions[txnKey] = ""
        _ = advance()  // the stream moves: held syncs of the recipients are asked again
        var recipients = 0
        defer {
            records.append(EventRecord(kind: "matrix.to_device", detail: [
                "user": .string(context.user), "device": .string(context.device), "type": .string(type), "recipients": .int(Int64(recipients)),
            ]))
        }
        for (user, devices) in messages.sorted(by: { $0.key < $1.key }) {
            guard let account = accounts[user] else { continue }
            for (device, content) in (devices.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                let targets = device == "*" ? account.devices.keys.sorted() : [device]
                for target in targets where account.devices[target] != nil {
                    let event: JSONValue = ["type": .string(type), "sender": .string(context.user), "content": content]
                    accounts[user]?.devices[target]?.inbox.append((event, nil))
                    recipients += 1
                }
            }
        }
        return .ok(.emptyObject)
    }

    /// Users who share a joined room with `user` (and `user`).
    func sharingRoom(with user: String) -> Set<String> {
        var peers: Set<String> = [user]
        for room in rooms.values where room.membership(of: user) == .join {
            peers.formUnion(room.users(.join))
        }
        return peers
    }
}
