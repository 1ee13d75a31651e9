/// Faults a scenario puts on what `/sync` responses carry, as data the homeserver consults (never a branch of its
/// own): a user's to-device messages kept back for the next N responses (they stay queued and arrive after), and
/// a user's `device_lists` emptied in the next N responses (the changes are lost for that client, as when a
/// homeserver misses them). A user of nil means everyone.
public struct SyncFaults: Sendable, Equatable {
    /// Responses left per user ("" for everyone) whose to-device messages are kept back.
    var toDeviceHeld: [String: Int] = [:]
    /// Responses left per user ("" for everyone) whose device lists are emptied.
    var deviceListsDropped: [String: Int] = [:]

    /// No faults.
    public init() {}

    /// Keeps back `user`'s to-device messages for its next `syncs` responses.
    public mutating func holdToDevice(for user: String?, syncs: Int) {
        toDeviceHeld[user ?? ""] = max(0, syncs)
    }

    /// Empties `user`'s device lists in its next `syncs` responses.
    public mutating func dropDeviceLists(for user: String?, syncs: Int) {
        deviceListsDropped[user ?? ""] = max(0, syncs)
    }

    func holdsToDevice(for user: String) -> Bool { (toDeviceHeld[user] ?? 0) > 0 || (toDeviceHeld[""] ?? 0) > 0 }
    func dropsDeviceLists(for user: String) -> Bool { (deviceListsDropped[user] ?? 0) > 0 || (deviceListsDropped[""] ?? 0) > 0 }

    /// One response went to `user`.
    mutating func responded(to user: String) {
        for key in [user, ""] {
            if let left = toDeviceHeld[key], left > 0 { toDeviceHeld[key] = left - 1 }
            if let left = deviceListsDropped[key], left > 0 { deviceListsDropped[key] = left - 1 }
        }
    }
}
