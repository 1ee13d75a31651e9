import SimAuth
import SimCore

/// The embedded homeserver: a pure engine for the client-server API subset MatrixRTC clients use (accounts, rooms
/// and their state, long-poll `/sync`, to-device messages with the spec's acknowledgement rule, an opaque key store,
/// OpenID tokens). Requests and the time come in; answers, or a sync to hold, go out. Everything lives in memory.
/// Ids and tokens come from the seed, `origin_server_ts` from the wall time passed in.
public struct MatrixHomeserver: Sendable {
    /// Settings.
    public let configuration: MatrixConfiguration
    var random: SeededRandom
    /// The stream position: bumped by every change a `/sync` can report.
    public internal(set) var position = 1
    var accounts: [String: MatrixAccount] = [:]
    /// Access token → (user id, device id).
    var sessions: [String: (user: String, device: String)] = [:]
    var rooms: [String: MatrixRoom] = [:]
    /// `#alias:server` → room id.
    var aliases: [String: String] = [:]
    /// Per user, the filters uploaded (the filter id is the index).
    var filters: [String: [JSONValue]] = [:]
    var openID: [String: OpenIDGrant] = [:]
    /// (position, user) for every change of a user's device list (keys uploaded, device removed).
    var deviceListChanges: [(position: Int, user: String)] = []
    /// Events scheduled with MSC4140 delays.
    var delayed: [DelayedEvent] = []
    /// Faults on the contents of `/sync` responses (a scenario's, given as data).
    public var syncFaults = SyncFaults()
    /// Log records of what the current request did (call memberships, to-device sends), handed out with its outcome.
    var records: [EventRecord] = []

    /// What the embedded server advertises in `/versions`: only versions whose endpoints we implement (the subset
    /// below), and of the unstable features only MSC4140 delayed events (so clients do not try sticky events).
    static let versions = ["r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6"]

    /// A homeserver with `configuration`'s users; ids and tokens from `seed`.
    public init(configuration: MatrixConfiguration = MatrixConfiguration(), seed: UInt64) {
        self.configuration = configuration
        random = SeededRandom(seed: seed)
        for (localpart, password) in configuration.users.sorted(by: { $0.key < $1.key }) {
            let user = userID(localpart)
            accounts[user] = MatrixAccount(userID: user, password: password)
        }
    }

    // MARK: The request

    /// The answer to one request, or the sync to hold until something arrives or its timeout passes.
    public enum Result: Sendable {
        case respond(MatrixResponse)
        case hold(SyncWait)
    }

    /// One request's outcome with what the log and the taps name it by.
    public struct Outcome: Sendable {
        /// The endpoint class (`sync`, `versions`, `login`, `keys_claim`, `send_to_device`, `state`, …).
        public var endpoint: String
        /// The authenticated user and device, if any.
        public var user: String?
        public var device: String?
        public var result: Result
        /// What the request did, for the event log: `matrix.call_member` (a call membership joined or left),
        /// `matrix.to_device` (messages queued for devices).
        public var records: [EventRecord] = []
    }

    /// Handles `request` at `now` (`wallMillis`: the wall clock in ms since 1970, for `origin_server_ts`).
    public mutating func handle(_ request: MatrixRequest, now: SimInstant, wallMillis: Int64) -> Outcome {
        let route = MatrixRoute(request)
        var outcome = Outcome(endpoint: route.endpoint, result: .respond(.error(404, "M_UNRECOGNIZED", "unrecognized request")))
        do {
            guard route.pattern != nil else { throw MatrixFailure(404, "M_UNRECOGNIZED", "unrecognized request") }
            var caller: (user: String, device: String)?
            if route.needsAuth {
                guard let token = request.accessToken, !token.isEmpty else { throw MatrixFailure(401, "M_MISSING_TOKEN", "missing access token") }
                guard let session = sessions[token] else { throw MatrixFailure(401, "M_UNKNOWN_TOKEN", "unknown access token", ["soft_logout": .bool(false)]) }
                caller = session
                outcome.user = session.user
                outcome.device = session.device
            }
            let context = Context(request: request, caller: caller, now: now, wallMillis: wallMillis)
            outcome.result = try dispatch(route, context)
            if case .respond(let response) = outcome.result, outcome.user == nil, let user = response.body["user_id"]?.string {
                outcome.user = user  // login and register
                outcome.device = response.body["device_id"]?.string
            }
        } catch let failure as MatrixFailure {
            outcome.result = .respond(failure.response)
        } catch {
            outcome.result = .respond(.error(500, "M_UNKNOWN", "\(error)"))
        }
        outcome.records = records
        records = []
        return outcome
    }

    /// Who a request is from and what it asks, without handling it (for the taps, which see a request before the
    /// homeserver does): its endpoint class and the user and device its access token names, if any.
    public func caller(of request: MatrixRequest) -> (endpoint: String, user: String?, device: String?) {
        let route = MatrixRoute(request)
        let session = request.accessToken.flatMap { sessions[$0] }
        return (route.endpoint, session?.user, session?.device)
    }

    /// The endpoint class of a request (`sync`, `keys_claim`, …), whichever homeserver answers it.
    public static func endpoint(of request: MatrixRequest) -> String {
        MatrixRoute(request).endpoint
    }

    /// What a handler gets.
    struct Context {
        var request: MatrixRequest
        var caller: (user: String, device: String)?
        var now: SimInstant
        var wallMillis: Int64

        /// The caller (handlers behind authentication only).
        var user: String { caller?.user ?? "" }
        var device: String { caller?.device ?? "" }

        /// The body as a JSON object (an empty body counts as `{}`).
        func body() throws -> JSONValue {
            if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .emptyObject }
            guard let value = JSONValue.parseObject(request.body) else { throw MatrixFailure.notJSON }
            return value
        }
    }

    mutating func dispatch(_ route: MatrixRoute, _ context: Context) throws -> Result {
        let method = context.request.method
        let p = route.parameters
        func only(_ allowed: String...) throws {
            guard allowed.contains(method) else { throw MatrixFailure(405, "M_UNRECOGNIZED", "method \(method) not allowed here") }
        }
        switch route.pattern ?? "" {
        case "versions":
            try only("GET")
            return .respond(.ok(.object(["versions": .strings(Self.versions), "unstable_features": ["org.matrix.msc4140": true]])))
        case "login":
            if method == "GET" { return .respond(.ok(["flows": .array([["type": "m.login.password"]])])) }
            try only("POST")
            return .respond(try login(context))
        case "register":
            try only("POST")
            return .respond(try register(context))
        case "register/available":
            try only("GET")
            let user = userID(context.request.query["username"] ?? "")
            guard accounts[user] == nil else { throw MatrixFailure(400, "M_USER_IN_USE", "\(user) is taken") }
            return .respond(.ok(["available": true]))
        case "account/whoami":
            try only("GET")
            return .respond(.ok(["user_id": .string(context.user), "device_id": .string(context.device), "is_guest": false]))
        case "logout":
            try only("POST")
            logout(context)
            return .respond(.ok(.emptyObject))
        case "pushrules", "pushrules/":
            try only("GET")
            return .respond(.ok(["global": .emptyObject]))
        case "voip/turnServer":
            try only("GET")
            return .respond(.ok(.emptyObject))  // no TURN: clients stop asking for servers
        case "room_keys/version":
            return .respond(.error(404, "M_NOT_FOUND", "no key backup"))
        case "capabilities":
            try only("GET")
            return .respond(.ok(["capabilities": ["m.change_password": ["enabled": false]]]))
        case "sync":
            try only("GET")
            return try sync(context)
        case "createRoom":
            try only("POST")
            return .respond(try createRoom(context))
        case "keys/upload":
            try only("POST")
            return .respond(try uploadKeys(context))
        case "keys/query":
            try only("POST")
            return .respond(try queryKeys(context))
        case "keys/claim":
            try only("POST")
            return .respond(try claimKeys(context))
        case "keys/changes":
            try only("GET")
            return .respond(keyChanges(context))
        case "openid/userinfo":
            try only("GET")
            return .respond(try openIDUserInfo(context))
        case "sendToDevice/*/*":
            try only("PUT")
            return .respond(try sendToDevice(type: p[0], txn: p[1], context))
        case "join/*":
            try only("POST")
            return .respond(try join(p[0], context))
        case "user/*/filter":
            try only("POST")
            return .respond(try uploadFilter(user: p[0], context))
        case "user/*/filter/*":
            try only("GET")
            guard p[0] == context.user, let index = Int(p[1]), let filter = filters[p[0]]?[safe: index] else { throw MatrixFailure.notFound("no filter \(p[1])") }
            return .respond(.ok(filter))
        case "user/*/openid/request_token":
            try only("POST")
            return .respond(try requestOpenID(user: p[0], context))
        case "delayed_events":
            try only("GET")
            return .respond(listDelayed(context))
        case "delayed_events/*":
            try only("POST")
            guard let action = try context.body()["action"]?.string else { throw MatrixFailure.missing("action") }
            return .respond(try updateDelayed(p[0], action: action, context))
        case "delayed_events/*/*":
            try only("POST")
            return .respond(try updateDelayed(p[0], action: p[1], context))
        case "profile/*":
            try only("GET")
            guard accounts[p[0]] != nil else { throw MatrixFailure.notFound("no profile for \(p[0])") }
            return .respond(.ok(.emptyObject))
        default:
            return .respond(try roomRequest(route, context))
        }
    }

    // MARK: Ids

    /// `@localpart:server`, or `localpart` unchanged when it is already a user id.
    func userID(_ localpart: String) -> String {
        localpart.hasPrefix("@") ? localpart : "@\(localpart.lowercased()):\(configuration.serverName)"
    }

    /// An opaque id of `length` letters from the seed.
    mutating func opaque(_ length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    /// Moves the stream on; the new position.
    mutating func advance() -> Int {
        position += 1
        return position
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
