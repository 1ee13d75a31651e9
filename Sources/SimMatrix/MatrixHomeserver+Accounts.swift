import SimAuth
import SimCore

/// Accounts and devices: password login, registration with the dummy stage, logout, filters, OpenID tokens.
extension MatrixHomeserver {
    /// `POST /login` with `m.login.password` (identifier `m.id.user`, or the older top-level `user`).
    mutating func login(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        guard body["type"]?.string == "m.login.password" else { throw MatrixFailure(400, "M_UNKNOWN", "only m.login.password is supported") }
        guard let name = body["identifier"]?["user"]?.string ?? body["user"]?.string else { throw MatrixFailure.missing("identifier.user") }
        let user = userID(name)
        guard let account = accounts[user], account.password == body["password"]?.string else {
            throw MatrixFailure.forbidden("invalid username or password")
        }
        return startSession(user: user, device: body["device_id"]?.string, displayName: body["initial_device_display_name"]?.string)
    }

    /// `POST /register`: user-interactive auth with the one stage `m.login.dummy` (a request without `auth` gets the
    /// 401 that lists it).
    mutating func register(_ context: Context) throws -> MatrixResponse {
        let body = try context.body()
        guard configuration.registrationEnabled else { throw MatrixFailure.forbidden("registration is disabled") }
        if let kind = context.request.query["kind"], kind != "user" { throw MatrixFailure(403, "M_GUEST_ACCESS_FORBIDDEN", "guest access is disabled") }
        guard body["auth"]?["type"]?.string == "m.login.dummy" else {
            return MatrixResponse(status: 401, body: [
                "flows": [["stages": ["m.login.dummy"]]], "params": .emptyObject, "session": .string(opaque(24)),
            ])
        }
        let localpart = body["username"]?.string ?? "user" + opaque(8).lowercased()
        guard !localpart.isEmpty, localpart.allSatisfy({ $0.isLowercase || $0.isNumber || "._=-/+".contains($0) }), localpart.count <= 200 else {
            throw MatrixFailure(400, "M_INVALID_USERNAME", "user names may hold only a-z, 0-9, ._=-/+")
        }
        let user = userID(localpart)
        guard accounts[user] == nil else { throw MatrixFailure(400, "M_USER_IN_USE", "\(user) is taken") }
        accounts[user] = MatrixAccount(userID: user, password: body["password"]?.string ?? "")
        if body["inhibit_login"]?.bool == true { return .ok(["user_id": .string(user)]) }
        return startSession(user: user, device: body["device_id"]?.string, displayName: body["initial_device_display_name"]?.string)
    }

    /// A new access token for `user` on `device` (an existing device keeps its keys; a new one is created).
    mutating func startSession(user: String, device requested: String?, displayName: String?) -> MatrixResponse {
        let device = requested ?? opaque(10).uppercased()
        let token = "syt_" + opaque(32)
        if let old = accounts[user]?.devices[device]?.accessToken { sessions[old] = nil }
        if accounts[user]?.devices[device] == nil {
            accounts[user]?.devices[device] = MatrixDevice(id: device, displayName: displayName)
        }
        accounts[user]?.devices[device]?.accessToken = token
        sessions[token] = (user, device)
        return .ok([
            "user_id": .string(user), "access_token": .string(token), "device_id": .string(device),
            "home_server": .string(configuration.serverName),
        ])
    }

    /// `POST /logout`: the token ends and the device goes with its keys (others see the device list change).
    mutating func logout(_ context: Context) {
        guard let token = context.request.accessToken else { return }
        sessions[token] = nil
        let hadKeys = accounts[context.user]?.devices[context.device]?.deviceKeys != nil
        accounts[context.user]?.devices[context.device] = nil
        if hadKeys { deviceListChanges.append((advance(), context.user)) }
    }

    /// `POST /user/{userId}/filter`: stored and numbered; `/sync` reads the timeline limit from it.
    mutating func uploadFilter(user: String, _ context: Context) throws -> MatrixResponse {
        guard user == context.user else { throw MatrixFailure.forbidden("cannot upload filters for other users") }
        let body = try context.body()
        filters[user, default: []].append(body)
        return .ok(["filter_id": .string(String(filters[user]!.count - 1))])
    }

    /// `POST /user/{userId}/openid/request_token`: a token a third party (the JWT service) checks with us.
    mutating func requestOpenID(user: String, _ context: Context) throws -> MatrixResponse {
        guard user == context.user else { throw MatrixFailure.forbidden("cannot request OpenID tokens for other users") }
        _ = try context.body()
        let token = opaque(32)
        openID[token] = OpenIDGrant(userID: user, expires: context.now + .seconds(3600))
        return .ok([
            "access_token": .string(token), "token_type": "Bearer", "matrix_server_name": .string(configuration.serverName),
            "expires_in": .int(3600),
        ])
    }

    /// `GET /_matrix/federation/v1/openid/userinfo?access_token=…` → `{sub}`.
    func openIDUserInfo(_ context: Context) throws -> MatrixResponse {
        guard let user = openIDUser(token: context.request.query["access_token"] ?? "", now: context.now) else {
            throw MatrixFailure(401, "M_UNKNOWN_TOKEN", "unknown or expired OpenID token")
        }
        return .ok(["sub": .string(user)])
    }

    /// The user an OpenID token was issued to, if it is known and not expired.
    public func openIDUser(token: String, now: SimInstant) -> String? {
        guard let grant = openID[token], now < grant.expires else { return nil }
        return grant.userID
    }
}
