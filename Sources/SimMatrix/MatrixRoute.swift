/// Where a request goes: the pattern it matches (one table, resolved before authentication, so an unknown path is a
/// 404 `M_UNRECOGNIZED` whoever asks), its path parameters, whether it needs an access token, and its endpoint class
/// (the name the event log and the HTTP taps use).
struct MatrixRoute: Sendable {
    /// The matched pattern (`rooms/*/state/*/*`), nil when nothing matches.
    var pattern: String?
    /// The segments `*` matched, in order.
    var parameters: [String] = []
    var needsAuth: Bool
    var endpoint: String

    /// Every path we serve below `client/<version>/` (`*`: one segment), with its endpoint class.
    static let table: [(pattern: String, endpoint: String)] = [
        ("versions", "versions"), ("login", "login"), ("register", "register"), ("register/available", "register"),
        ("account/whoami", "whoami"), ("logout", "logout"), ("pushrules", "pushrules"), ("pushrules/", "pushrules"),
        ("voip/turnServer", "turn_server"), ("room_keys/version", "room_keys"), ("capabilities", "capabilities"),
        ("sync", "sync"), ("createRoom", "create_room"), ("keys/upload", "keys_upload"), ("keys/query", "keys_query"),
        ("keys/claim", "keys_claim"), ("keys/changes", "keys_changes"), ("openid/userinfo", "openid_userinfo"),
        ("sendToDevice/*/*", "send_to_device"), ("join/*", "join"), ("user/*/filter", "filter"), ("user/*/filter/*", "filter"),
        ("user/*/openid/request_token", "openid"), ("profile/*", "profile"),
        ("rooms/*/join", "join"), ("rooms/*/leave", "leave"), ("rooms/*/invite", "invite"), ("rooms/*/state", "state"),
        ("rooms/*/state/*", "state"), ("rooms/*/state/*/*", "state"), ("rooms/*/send/*/*", "send"),
        ("rooms/*/redact/*/*", "redact"), ("rooms/*/members", "members"), ("rooms/*/joined_members", "members"),
        ("delayed_events", "delayed_events"), ("delayed_events/*", "delayed_events"), ("delayed_events/*/*", "delayed_events"),
    ]

    /// Paths served without an access token.
    static let open: Set<String> = ["versions", "login", "register", "register/available", "openid/userinfo", "delayed_events/*",
                                    "delayed_events/*/*"]

    init(_ request: MatrixRequest) {
        let segments = request.segments
        var path: [String]?
        if segments.count == 2, segments == ["client", "versions"] {
            path = ["versions"]
        } else if segments.count >= 3, segments[0] == "client", ["r0", "v3", "v1"].contains(segments[1]) {
            path = Array(segments.dropFirst(2))
        } else if segments.count >= 4, segments[0] == "client", segments[1] == "unstable", segments[2] == "org.matrix.msc4140",
                  segments[3] == "delayed_events" {
            path = Array(segments.dropFirst(3))
        } else if segments == ["federation", "v1", "openid", "userinfo"] {
            path = ["openid", "userinfo"]
        }
        needsAuth = false
        endpoint = "unrecognized"
        guard let path else { return }
        for entry in Self.table {
            guard let parameters = Self.match(path, entry.pattern) else { continue }
            pattern = entry.pattern
            self.parameters = parameters
            endpoint = entry.endpoint
            needsAuth = !Self.open.contains(entry.pattern)
            return
        }
    }

    /// The path parameters when `path` matches `pattern` (segments separated by `/`, `*` matching any one).
    static func match(_ path: [String], _ pattern: String) -> [String]? {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == path.count else { return nil }
        var captured: [String] = []
        for (part, segment) in zip(parts, path) {
            if part == "*" { captured.append(segment) } else if part != segment { return nil }
        }
        return captured
    }
}
