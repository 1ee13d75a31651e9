/// Settings of the embedded homeserver and the LiveKit JWT service beside it.
public struct MatrixConfiguration: Sendable, Equatable {
    /// The server name in user ids, room ids and aliases (`@alice:<server_name>`).
    public var serverName = "sfusim.local"
    /// Accounts that exist from the start: localpart → password.
    public var users: [String: String] = [:]
    /// Whether `POST /register` creates accounts (with the `m.login.dummy` stage).
    public var registrationEnabled = true
    /// How the JWT service derives LiveKit room aliases and `/get_token` identities.
    public var rtcHashForm = RTCHashForm.jsonArray

    /// The defaults: server name `sfusim.local`, no pre-seeded users, open registration, the current hash form.
    public init() {}
}

/// The two forms of lk-jwt-service's hashes: the input joined with `|` (versions of early 2026, matching
/// matrix-js-sdk 40) and the JSON array of the inputs (current, matrix-js-sdk 42).
public enum RTCHashForm: String, Sendable, Equatable, CaseIterable {
    /// `SHA-256("a|b|c")`.
    case pipe
    /// `SHA-256("[\"a\",\"b\",\"c\"]")`.
    case jsonArray = "json"
}
