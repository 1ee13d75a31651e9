import Foundation
import SimAuth
import SimCore
import Testing
@testable import SimMatrix

/// A homeserver driven by requests on a manual timeline, with helpers that read answers.
struct Homeserver {
    var engine = MatrixHomeserver(configuration: MatrixConfiguration(), seed: 42)
    var now = SimInstant.zero

    mutating func call(_ method: String, _ path: String, token: String? = nil, query: [String: String] = [:],
                       _ body: JSONValue? = nil) -> MatrixHomeserver.Outcome {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        now = now + .milliseconds(10)
        return engine.handle(MatrixRequest(method: method, segments: segments, query: query, accessToken: token, body: body?.encoded ?? []),
                             now: now, wallMillis: 1_800_000_000_000)
    }

    mutating func answer(_ method: String, _ path: String, token: String? = nil, query: [String: String] = [:],
                         _ body: JSONValue? = nil) -> MatrixResponse {
        let outcome = call(method, path, token: token, query: query, body)
        guard case .respond(let response) = outcome.result else {
            Issue.record("\(path) was held")
            return MatrixResponse(status: 0, body: .null)
        }
        return response
    }

    /// Registers `name`; its access token and device.
    mutating func register(_ name: String) -> (token: String, device: String) {
        let response = answer("POST", "client/v3/register", ["username": .string(name), "password": "pw", "auth": ["type": "m.login.dummy"]])
        return (response.body["access_token"]?.string ?? "", response.body["device_id"]?.string ?? "")
    }

    mutating func sync(_ token: String, since: String? = nil) -> JSONValue {
        var query = ["timeout": "0"]
        if let since { query["since"] = since }
        return answer("GET", "client/v3/sync", token: token, query: query).body
    }
}

@Suite("Embedded homeserver: accounts, rooms, long-poll sync, to-device acknowledgement, keys")
struct MatrixHomeserverTests {
    @Test("an unknown path is 404 M_UNRECOGNIZED before any token check; a known one without a token is 401")
    func routingBeforeAuth() {
        var hs = Homeserver()
        #expect(hs.answer("GET", "client/v3/no/such/thing").errorCode == "M_UNRECOGNIZED")
        #expect(hs.answer("GET", "client/v3/no/such/thing").status == 404)
        #expect(hs.answer("GET", "client/v3/sync").errorCode == "M_MISSING_TOKEN")
        #expect(hs.answer("GET", "client/v3/sync", token: "nope").errorCode == "M_UNKNOWN_TOKEN")
        #expect(hs.answer("DELETE", "client/versions").status == 405)
        let versions = hs.answer("GET", "client/versions").body
        #expect(versions["versions"]?.array?.contains("v1.6") == true)
    }

    @Test("registration needs the dummy stage; a taken name is M_USER_IN_USE; password login gives a new device")
    func accounts() {
        var hs = Homeserver()
        let challenge = hs.answer("POST", "client/v3/register", ["username": "alice", "password": "pw"])
        #expect(challenge.status == 401 && challenge.body["flows"]?.array?.count == 1)
        let alice = hs.register("alice")
        #expect(!alice.token.isEmpty)
        #expect(hs.answer("POST", "client/v3/register", ["username": "alice", "password": "x", "auth": ["type": "m.login.dummy"]]).errorCode == "M_USER_IN_USE")
        #expect(hs.answer("POST", "client/v3/login", ["type": "m.login.password", "identifier": ["type": "m.id.user", "user": "alice"], "password": "bad"]).status == 403)
        let login = hs.answer("POST", "client/v3/login", ["type": "m.login.password", "identifier": ["type": "m.id.user", "user": "alice"], "password": "pw"])
        #expect(login.body["user_id"]?.string == "@alice:sfusim.local")
        #expect(login.body["device_id"]?.string != alice.device)
        let token = login.body["access_token"]?.string ?? ""
        #expect(hs.answer("GET", "client/v3/account/whoami", token: token).body["device_id"] == login.body["device_id"])
        #expect(hs.answer("POST", "client/v3/logout", token: token).status == 200)
        #expect(hs.answer("GET", "client/v3/account/whoami", token: token).errorCode == "M_UNKNOWN_TOKEN")
    }

    @Test("room state and call memberships reach every member; incremental syncs carry only what is new")
    func roomsAndSync() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, ["invite": ["@bob:sfusim.local"]]).body["room_id"]?.string ?? ""
        let bobFirst = hs.sync(bob.token)
        #expect(bobFirst["rooms"]?["invite"]?[room] != nil)
        #expect(hs.answer("POST", "client/v3/join/\(room)", token: bob.token).status == 200)
        let since = bobFirst["next_batch"]?.string
        let key = "_@alice:sfusim.local_\(alice.device)_m.call"
        let put = hs.answer("PUT", "client/v3/rooms/\(room)/state/org.matrix.msc3401.call.member/\(key)", token: alice.token,
                            ["application": "m.call", "call_id": "", "device_id": .string(alice.device), "expires": .int(14_400_000)])
        #expect(put.status == 200)
        let bobNext = hs.sync(bob.token, since: since)
        let joined = bobNext["rooms"]?["join"]?[room]
        let state = (joined?["state"]?["events"]?.array ?? []) + (joined?["timeline"]?["events"]?.array ?? [])
        let membership = state.first { $0["type"]?.string == "org.matrix.msc3401.call.member" }
        #expect(membership?["state_key"]?.string == key)
        #expect(membership?["content"]?["expires"]?.integer == 14_400_000)
        #expect(membership?["origin_server_ts"]?.integer == 1_800_000_000_000)
        // Alice's own membership is echoed to her too.
        let aliceSync = hs.sync(alice.token)
        let aliceState = aliceSync["rooms"]?["join"]?[room]?["state"]?["events"]?.array ?? []
        let aliceTimeline = aliceSync["rooms"]?["join"]?[room]?["timeline"]?["events"]?.array ?? []
        #expect((aliceState + aliceTimeline).contains { $0["state_key"]?.string == key })
        // Nothing new: an incremental sync has no room section.
        let quiet = hs.sync(bob.token, since: bobNext["next_batch"]?.string)
        #expect(quiet["rooms"]?["join"]?.object?.isEmpty == true)
        // An invite-only room refuses a stranger.
        let carol = hs.register("carol")
        #expect(hs.answer("POST", "client/v3/join/\(room)", token: carol.token).errorCode == "M_FORBIDDEN")
    }

    @Test("a retried transaction gets the same event; a redaction empties the original for later readers")
    func transactionsAndRedactions() {
        var hs = Homeserver()
        let alice = hs.register("alice")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, .emptyObject).body["room_id"]?.string ?? ""
        let first = hs.answer("PUT", "client/v3/rooms/\(room)/send/m.room.message/t1", token: alice.token, ["body": "secret"])
        let again = hs.answer("PUT", "client/v3/rooms/\(room)/send/m.room.message/t1", token: alice.token, ["body": "secret"])
        #expect(first.body["event_id"] == again.body["event_id"])
        let target = first.body["event_id"]?.string ?? ""
        let redaction = hs.answer("PUT", "client/v3/rooms/\(room)/redact/\(target)/r1", token: alice.token, ["reason": "oops"])
        #expect(redaction.status == 200)
        let timeline = hs.sync(alice.token)["rooms"]?["join"]?[room]?["timeline"]?["events"]?.array ?? []
        #expect(timeline.filter { $0["type"]?.string == "m.room.message" }.count == 1)
        #expect(timeline.first { $0["event_id"]?.string == target }?["content"] == .emptyObject)
        #expect(timeline.last?["redacts"]?.string == target)
        #expect(hs.answer("PUT", "client/v3/rooms/\(room)/redact/$nothing/r2", token: alice.token, .emptyObject).errorCode == "M_NOT_FOUND")
    }

    @Test("pre-seeded users log in with their passwords on the configured server name; registration can be off")
    func preSeededUsers() {
        var configuration = MatrixConfiguration()
        configuration.serverName = "example.org"
        configuration.users = ["alice": "pw1"]
        configuration.registrationEnabled = false
        var hs = Homeserver(engine: MatrixHomeserver(configuration: configuration, seed: 1))
        let login = hs.answer("POST", "client/v3/login", ["type": "m.login.password", "user": "alice", "password": "pw1"])
        #expect(login.body["user_id"]?.string == "@alice:example.org" && login.body["home_server"]?.string == "example.org")
        #expect(hs.answer("POST", "client/v3/register", ["username": "eve", "auth": ["type": "m.login.dummy"]]).errorCode == "M_FORBIDDEN")
    }

    @Test("call memberships and to-device sends are reported for the event log (scenario triggers)")
    func records() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, ["preset": "public_chat"]).body["room_id"]?.string ?? ""
        let path = "client/v3/rooms/\(room)/state/org.matrix.msc3401.call.member/_@alice:sfusim.local_\(alice.device)_m.call"
        let joined = hs.call("PUT", path, token: alice.token, ["application": "m.call", "device_id": .string(alice.device)])
        #expect(joined.records.map(\.kind) == ["matrix.call_member"])
        #expect(joined.records.first?.detail["action"] == "joined")
        #expect(hs.call("PUT", path, token: alice.token, .emptyObject).records.first?.detail["action"] == "left")
        let sent = hs.call("PUT", "client/v3/sendToDevice/m.test/1", token: alice.token,
                           ["messages": .object(["@bob:sfusim.local": .object(["*": ["n": .int(1)]])])])
        #expect(sent.records.first?.kind == "matrix.to_device" && sent.records.first?.detail["recipients"] == .int(1))
        #expect(hs.call("GET", "client/v3/account/whoami", token: bob.token).records.isEmpty)
        // A PUT stored by another homeserver (the fault proxy's case) is read through the same route table.
        let upstream = MatrixRequest(method: "PUT", segments: ["client", "v3", "rooms", "!r:hs", "state", "org.matrix.msc3401.call.member", "_@a:hs_D_m.call"],
                                     body: Array(#"{"application":"m.call"}"#.utf8))
        let record = MatrixHomeserver.callMemberRecord(storedBy: upstream, sender: "@a:hs")
        #expect(record?.detail["room_id"] == "!r:hs" && record?.detail["state_key"] == "_@a:hs_D_m.call" && record?.detail["action"] == "joined")
        var other = upstream
        other.segments[5] = "m.room.topic"
        #expect(MatrixHomeserver.callMemberRecord(storedBy: other, sender: "@a:hs") == nil)
        other.method = "GET"
        #expect(MatrixHomeserver.callMemberRecord(storedBy: upstream, sender: "@a:hs") != nil && MatrixHomeserver.callMemberRecord(storedBy: other, sender: "@a:hs") == nil)
    }

    @Test("to-device: a response lost in flight is delivered again with the same since, and never after the next since")
    func toDeviceAcknowledgement() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let start = hs.sync(bob.token)["next_batch"]?.string
        let messages: JSONValue = ["messages": .object(["@bob:sfusim.local": .object([bob.device: ["keys": ["index": .int(0), "key": "a2V5"]]])])]
        #expect(hs.answer("PUT", "client/v3/sendToDevice/io.element.call.encryption_keys/t1", token: alice.token, messages).status == 200)
        #expect(hs.answer("PUT", "client/v3/sendToDevice/io.element.call.encryption_keys/t1", token: alice.token, messages).status == 200)  // retried txn
        let first = hs.sync(bob.token, since: start)
        #expect(first["to_device"]?["events"]?.array?.count == 1)
        // The first response never reached bob: he syncs again from the same token.
        let again = hs.sync(bob.token, since: start)
        #expect(again["to_device"]?["events"]?.array?.first?["sender"]?.string == "@alice:sfusim.local")
        #expect(again["to_device"]?["events"]?.array?.count == 1)
        let after = hs.sync(bob.token, since: again["next_batch"]?.string)
        #expect(after["to_device"]?["events"]?.array?.isEmpty == true)
    }

    @Test("sync faults: to-device held for N responses arrives after them; dropped device lists are lost")
    func syncFaults() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, ["preset": "public_chat"]).body["room_id"]?.string ?? ""
        _ = hs.answer("POST", "client/v3/join/\(room)", token: bob.token)
        var since = hs.sync(bob.token)["next_batch"]?.string
        hs.engine.syncFaults.holdToDevice(for: "@bob:sfusim.local", syncs: 2)
        hs.engine.syncFaults.dropDeviceLists(for: "@bob:sfusim.local", syncs: 1)
        _ = hs.answer("PUT", "client/v3/sendToDevice/m.key/1", token: alice.token,
                      ["messages": .object(["@bob:sfusim.local": .object([bob.device: ["k": .int(1)]])])])
        _ = hs.answer("POST", "client/v3/keys/upload", token: alice.token, [
            "device_keys": ["user_id": "@alice:sfusim.local", "device_id": .string(alice.device), "keys": .emptyObject],
        ])
        var seen: [Int] = []
        var changed: [JSONValue] = []
        for _ in 0..<4 {
            let body = hs.sync(bob.token, since: since)
            seen.append(body["to_device"]?["events"]?.array?.count ?? -1)
            changed.append(body["device_lists"]?["changed"] ?? .null)
            since = body["next_batch"]?.string
        }
        #expect(seen == [0, 0, 1, 0])  // held twice, then delivered once, then acknowledged
        #expect(changed.first == [])  // the change of alice's keys never reaches bob
        #expect(changed.dropFirst().allSatisfy { $0 == [] })
    }

    @Test("MSC4140: a delayed leave is sent when its restarts stop; cancel and send act at once; limits and unknown ids")
    func delayedEvents() throws {
        var hs = Homeserver()
        #expect(hs.answer("GET", "client/versions").body["unstable_features"]?["org.matrix.msc4140"] == true)
        let alice = hs.register("alice")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, .emptyObject).body["room_id"]?.string ?? ""
        let key = "_@alice:sfusim.local_\(alice.device)_m.call"
        let path = "client/v3/rooms/\(room)/state/org.matrix.msc3401.call.member/\(key)"
        let scheduled = hs.answer("PUT", path, token: alice.token, query: ["org.matrix.msc4140.delay": "8000"], .emptyObject)
        let id = try #require(scheduled.body["delay_id"]?.string)
        _ = hs.answer("PUT", path, token: alice.token, ["application": "m.call", "device_id": .string(alice.device)])  // the join
        let deadline = try #require(hs.engine.nextDelayedDeadline)
        // A restart (no access token, as matrix-js-sdk sends it) moves the deadline on.
        hs.now = hs.now + .seconds(5)
        #expect(hs.answer("POST", "client/unstable/org.matrix.msc4140/delayed_events/\(id)/restart").status == 200)
        let restarted = try #require(hs.engine.nextDelayedDeadline)
        #expect(restarted > deadline)
        #expect(hs.engine.sendDueDelayedEvents(now: hs.now, wallMillis: 0).isEmpty)
        let sent = hs.engine.sendDueDelayedEvents(now: restarted, wallMillis: 0)
        #expect(sent.map(\.kind) == ["matrix.call_member", "matrix.delayed_event"])
        #expect(sent.first?.detail["action"] == "left")
        #expect(hs.answer("GET", path, token: alice.token).body == .emptyObject)  // the membership is now {}
        #expect(hs.engine.nextDelayedDeadline == nil)
        #expect(hs.answer("POST", "client/unstable/org.matrix.msc4140/delayed_events/\(id)/restart").errorCode == "M_NOT_FOUND")
        // Cancel and send.
        let second = hs.answer("PUT", path, token: alice.token, query: ["org.matrix.msc4140.delay": "1000"], ["x": .int(1)]).body["delay_id"]?.string ?? ""
        #expect(hs.answer("GET", "client/unstable/org.matrix.msc4140/delayed_events", token: alice.token).body["delayed_events"]?.array?.count == 1)
        #expect(hs.answer("POST", "client/unstable/org.matrix.msc4140/delayed_events/\(second)", ["action": "send"]).status == 200)
        #expect(hs.answer("GET", path, token: alice.token).body["x"]?.integer == 1)
        let third = hs.answer("PUT", path, token: alice.token, query: ["org.matrix.msc4140.delay": "1000"], .emptyObject).body["delay_id"]?.string ?? ""
        #expect(hs.answer("POST", "client/unstable/org.matrix.msc4140/delayed_events/\(third)/cancel").status == 200)
        #expect(hs.engine.nextDelayedDeadline == nil)
        let tooLong = hs.answer("PUT", path, token: alice.token, query: ["org.matrix.msc4140.delay": "999999999"], .emptyObject)
        #expect(tooLong.body["org.matrix.msc4140.errcode"]?.string == "M_MAX_DELAY_EXCEEDED")
    }

    @Test("a sync with nothing new is held; a change answers it, or its timeout does with nothing")
    func longPoll() {
        var hs = Homeserver()
        let alice = hs.register("alice")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, .emptyObject).body["room_id"]?.string ?? ""
        let since = hs.sync(alice.token)["next_batch"]?.string ?? ""
        guard case .hold(let wait) = hs.call("GET", "client/v3/sync", token: alice.token, query: ["since": since, "timeout": "30000"]).result else {
            Issue.record("not held")
            return
        }
        #expect(wait.timeout == .seconds(30))
        #expect(hs.engine.pollSync(wait) == nil)
        #expect(hs.engine.finishSync(wait).body["rooms"]?["join"]?.object?.isEmpty == true)
        _ = hs.answer("PUT", "client/v3/rooms/\(room)/send/m.room.message/1", token: alice.token, ["body": "hi", "msgtype": "m.text"])
        let woken = hs.engine.pollSync(wait)
        let events = woken?.body["rooms"]?["join"]?[room]?["timeline"]?["events"]?.array ?? []
        #expect(events.map { $0["content"]?["body"]?.string } == ["hi"])
        #expect(events.first?["unsigned"]?["transaction_id"]?.string == "1")  // the sender's own echo
    }

    @Test("keys: uploaded device keys are queried back unchanged; one-time keys go once, oldest first; then the fallback")
    func keys() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let deviceKeys: JSONValue = [
            "user_id": "@alice:sfusim.local", "device_id": .string(alice.device), "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
            "keys": .object(["curve25519:\(alice.device)": "Y3VydmU", "ed25519:\(alice.device)": "ZWQ"]), "signatures": .emptyObject,
        ]
        let upload = hs.answer("POST", "client/v3/keys/upload", token: alice.token, [
            "device_keys": deviceKeys,
            "one_time_keys": ["signed_curve25519:AAAA": ["key": "b3RrMQ"], "signed_curve25519:AAAB": ["key": "b3RrMg"]],
            "fallback_keys": ["signed_curve25519:FFFF": ["key": "ZmFsbGJhY2s", "fallback": true]],
        ])
        #expect(upload.body["one_time_key_counts"]?["signed_curve25519"]?.integer == 2)
        let query = hs.answer("POST", "client/v3/keys/query", token: bob.token, ["device_keys": ["@alice:sfusim.local": []]])
        #expect(query.body["device_keys"]?["@alice:sfusim.local"]?[alice.device]?["keys"] == deviceKeys["keys"])
        let claim: JSONValue = ["one_time_keys": .object(["@alice:sfusim.local": .object([alice.device: "signed_curve25519"])])]
        let claimed = (0..<4).map { _ in
            hs.answer("POST", "client/v3/keys/claim", token: bob.token, claim).body["one_time_keys"]?["@alice:sfusim.local"]?[alice.device]?.object?.keys.first
        }
        #expect(claimed == ["signed_curve25519:AAAA", "signed_curve25519:AAAB", "signed_curve25519:FFFF", "signed_curve25519:FFFF"])
        let sync = hs.sync(alice.token)
        #expect(sync["device_one_time_keys_count"]?["signed_curve25519"]?.integer == 0)
        #expect(sync["device_unused_fallback_key_types"]?.array?.isEmpty == true)  // the fallback key was used
        let changed = hs.answer("POST", "client/v3/keys/upload", token: alice.token, ["device_keys": ["user_id": "@alice:sfusim.local", "device_id": .string(alice.device)]])
        #expect(changed.errorCode == "M_INVALID_PARAM")
    }

    @Test("device lists: a user who uploads keys appears in the changed list of everyone sharing a room")
    func deviceLists() {
        var hs = Homeserver()
        let alice = hs.register("alice"), bob = hs.register("bob")
        let room = hs.answer("POST", "client/v3/createRoom", token: alice.token, ["preset": "public_chat"]).body["room_id"]?.string ?? ""
        _ = hs.answer("POST", "client/v3/rooms/\(room)/join", token: bob.token)
        let since = hs.sync(bob.token)["next_batch"]?.string
        _ = hs.answer("POST", "client/v3/keys/upload", token: alice.token, [
            "device_keys": ["user_id": "@alice:sfusim.local", "device_id": .string(alice.device), "keys": .emptyObject],
        ])
        #expect(hs.sync(bob.token, since: since)["device_lists"]?["changed"] == ["@alice:sfusim.local"])
    }
}

@Suite("LiveKit JWT service: room alias, identity, errors")
struct RTCAuthorizationTests {
    @Test("the hashes in both forms match vectors computed from lk-jwt-service's rules")
    func vectors() {
        #expect(RTCAuthorization.roomAlias("!abc:example.org", slot: "m.call#ROOM", form: .pipe) == "HrVycq1UNt8WCF6E0ycdUZCfWZAOFa/7+KPqnkB9XqY")
        #expect(RTCAuthorization.roomAlias("!abc:example.org", slot: "m.call#ROOM", form: .jsonArray) == "9YzbCxM8P0fwObUtiQ9m/ujMP9ruNMxS7SOsugBEaxA")
        #expect(RTCAuthorization.hash(["@alice:example.org", "DEVICE", "member-1"], form: .pipe) == "eYVICoJcBAP64cF7z2pSHTup3kPvSr4zdVAUo1hDxAU")
        #expect(RTCAuthorization.hash(["@alice:example.org", "DEVICE", "member-1"], form: .jsonArray) == "ZhlrG5pVejj+OlqePjLQQjuMl0gaU5rmJ4LCmZOam2U")
    }

    @Test("sfu/get and get_token: identities, the claimed user check, and the error bodies")
    func answers() throws {
        let issuer = RTCAuthorization.Issuer(livekitURL: "ws://127.0.0.1:7880", apiKey: APIKey("devkey"), secret: "secret", hashForm: .jsonArray)
        let owners = ["good": "@alice:example.org"]
        func ask(_ endpoint: RTCAuthorization.Endpoint, _ body: JSONValue) -> MatrixResponse {
            RTCAuthorization.answer(endpoint, body: body.encoded, issuer: issuer, now: Date(timeIntervalSince1970: 1_800_000_000)) { token, server in
                server == "example.org" ? owners[token] : nil
            }
        }
        let openID: JSONValue = ["access_token": "good", "token_type": "Bearer", "matrix_server_name": "example.org", "expires_in": .int(3600)]
        let legacy = ask(.sfuGet, ["room": "!abc:example.org", "device_id": "DEVICE", "openid_token": openID])
        #expect(legacy.status == 200 && legacy.body["url"]?.string == "ws://127.0.0.1:7880")
        let verified = try TokenVerifier(keys: [APIKey("devkey"): "secret"]).verify(legacy.body["jwt"]?.string ?? "", now: Date(timeIntervalSince1970: 1_800_000_010))
        #expect(verified.identity?.rawValue == "@alice:example.org:DEVICE")
        #expect(verified.claims.video?.room?.rawValue == "9YzbCxM8P0fwObUtiQ9m/ujMP9ruNMxS7SOsugBEaxA")
        #expect(verified.claims.video?.roomCreate == false && verified.claims.video?.canPublish == true)

        let member: JSONValue = ["id": "member-1", "claimed_user_id": "@alice:example.org", "claimed_device_id": "DEVICE"]
        let modern = ask(.getToken, ["room_id": "!abc:example.org", "slot_id": "m.call#ROOM", "openid_token": openID, "member": member])
        let modernToken = try TokenVerifier(keys: [APIKey("devkey"): "secret"]).verify(modern.body["jwt"]?.string ?? "", now: Date(timeIntervalSince1970: 1_800_000_010))
        #expect(modernToken.identity?.rawValue == "ZhlrG5pVejj+OlqePjLQQjuMl0gaU5rmJ4LCmZOam2U")

        let impostor: JSONValue = ["id": "m", "claimed_user_id": "@bob:example.org", "claimed_device_id": "D"]
        #expect(ask(.getToken, ["room_id": "!r", "slot_id": "s", "openid_token": openID, "member": impostor]).errorCode == "M_UNAUTHORIZED")
        #expect(ask(.sfuGet, ["room": "!r", "device_id": "D", "openid_token": ["access_token": "bad", "matrix_server_name": "example.org"]]).status == 401)
        #expect(ask(.sfuGet, ["room": "!r"]).errorCode == "M_BAD_JSON")
        #expect(ask(.sfuGet, ["room": "!r", "surprise": true]).errorCode == "M_NOT_JSON")
        #expect(RTCAuthorization.answer(.sfuGet, body: Array("[1]".utf8), issuer: issuer, now: Date()) { _, _ in nil }.errorCode == "M_NOT_JSON")
    }
}
