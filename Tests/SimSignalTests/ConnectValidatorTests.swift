import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import Testing

@Suite struct ConnectValidatorTests {
    let factory = SignalTestFactory()

    func validate(_ request: ConnectRequest, signal: SignalConfiguration = SignalConfiguration(), roomExists: Bool = true) -> Result<ConnectPlan, SignalRejection> {
        ConnectValidator(configuration: signal, verifier: TokenVerifier(keys: factory.keys))
            .validate(request, now: factory.clock.wallNow(), roomAccepts: { _ in roomExists })
    }

    func rejection(_ request: ConnectRequest, signal: SignalConfiguration = SignalConfiguration(), roomExists: Bool = true) -> SignalRejection? {
        if case .failure(let rejection) = validate(request, signal: signal, roomExists: roomExists) { return rejection }
        return nil
    }

    @Test func tokenMetadataAndAttributesOverTheLimitsAre400BeforeTheUpgrade() {
        // Tokens are at most 64 KiB, below the default limits: smaller limits make the check reachable.
        var rooms = RoomManagerConfiguration()
        rooms.limits.maxMetadataSize = 100
        rooms.limits.maxAttributesSize = 10
        let hub = factory.hub(rooms: rooms)
        func token(metadata: String = "", attributes: [String: String] = [:]) -> String {
            var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret, ttl: .seconds(600))
            builder.identity = "a"
            builder.metadata = metadata
            builder.attributes = attributes
            builder.video = VideoGrant.join("r1")
            return builder.jwt(now: factory.clock.wallNow())
        }
        let metadata = hub.validate(ConnectRequest(path: .rtc, query: ["access_token": token(metadata: String(repeating: "m", count: 101))], authorization: nil))
        #expect(metadata == .failure(SignalRejection(status: 400, message: "metadata size exceeds limits")))
        let attributes = hub.validate(ConnectRequest(path: .rtc, query: ["access_token": token(attributes: ["k": String(repeating: "v", count: 10)])], authorization: nil))
        #expect(attributes == .failure(SignalRejection(status: 400, message: "attribute size exceeds limits")))
        #expect((try? hub.validate(ConnectRequest(path: .rtc, query: ["access_token": token(metadata: "fine")], authorization: nil)).get()) != nil)
    }

    @Test func v1GzipJoinRequestFromPythonIsDecoded() throws {
        let request = try factory.v1Request("alice", offer: "v=0\r\n")
        let plan = try validate(request).get()
        #expect(plan.join.identity == "alice" && plan.join.room == "r1")
        #expect(plan.join.mode == .singlePC && plan.join.autoSubscribe)
        #expect(plan.join.protocolVersion == 18 && plan.sdk == "python")
        #expect(plan.publisherOffer?.sdp == "v=0\r\n")
        #expect(plan.join.permission == ParticipantPermission(canUpdateMetadata: false))
    }

    @Test func v0QueryParametersAreRead() throws {
        let plan = try validate(factory.v0Request("bob", extra: ["auto_subscribe": "0", "reconnect": "1", "sid": "PA_x"])).get()
        #expect(plan.join.mode == .dualPC && !plan.join.autoSubscribe && plan.isResume && plan.resumeSID == "PA_x")
        #expect(plan.join.protocolVersion == 16)
    }

    @Test func tokenInHeaderWinsOverQuery() throws {
        let request = ConnectRequest(path: .rtc, query: ["access_token": "garbage"], authorization: "Bearer \(factory.token("alice"))")
        #expect(try validate(request).get().join.identity == "alice")
    }

    @Test func documentedRejections() {
        let expired = factory.token("a", ttl: .seconds(1))
        factory.clock.advance(by: .seconds(120))
        let cases: [(ConnectRequest, Int, String)] = [
            (ConnectRequest(path: .rtc, query: [:], authorization: nil), 401, "no permissions to access the room"),
            (ConnectRequest(path: .rtc, query: [:], authorization: "Token x"), 401, "invalid authorization header. Must start with Bearer "),
            (ConnectRequest(path: .rtc, query: ["access_token": expired], authorization: nil), 401, "invalid authorization token: token is expired (exp)"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a", key: "nokey", secret: "s")], authorization: nil), 401, "invalid API key"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a", secret: "wrong")], authorization: nil), 401, "invalid authorization token: invalid signature"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a") { $0.roomJoin = false }], authorization: nil), 401, "permissions denied"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("") ], authorization: nil), 400, "identity cannot be empty"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a", room: "")], authorization: nil), 400, "no room name"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token(String(repeating: "x", count: 257))], authorization: nil), 400, "participant identity length exceeds limits: max length 256"),
            (ConnectRequest(path: .rtcV1, query: ["access_token": factory.token("a")], authorization: nil), 400, "join_request is required"),
            (ConnectRequest(path: .rtcV1, query: ["access_token": factory.token("a"), "join_request": "!!!"], authorization: nil), 400, "invalid join_request: not base64url"),
            (ConnectRequest(path: .rtcV1, query: ["access_token": factory.token("a"), "join_request": "AAEC"], authorization: nil), 400, "invalid join_request: malformed WrappedJoinRequest"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a"), "publish": "x"], authorization: nil), 200, ""),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a") { $0.canPublish = false }, "publish": "x"], authorization: nil), 401, "no permissions to access the room"),
            (ConnectRequest(path: .rtc, query: ["access_token": factory.token("a"), "attributes": "e30"], authorization: nil), 401, "no permissions to access the room"),
        ]
        for (request, status, message) in cases {
            let got = rejection(request)
            if status == 200 {
                #expect(got == nil)
            } else {
                #expect(got == SignalRejection(status: status, message: message), "for \(request.query.keys.sorted()) \(request.authorization ?? "")")
            }
        }
    }

    @Test func gzipBombAndCorruptGzipAreRejected() throws {
        var wrapped = Livekit_WrappedJoinRequest()
        wrapped.compression = Livekit_WrappedJoinRequest.Compression(rawValue: 1) ?? .gzip
        wrapped.joinRequest = Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03])
        let text = try wrapped.serializedData().base64EncodedString()
        let got = rejection(ConnectRequest(path: .rtcV1, query: ["access_token": factory.token("a"), "join_request": text], authorization: nil))
        #expect(got?.status == 400)
        #expect(got?.message.hasPrefix("invalid join_request: gzip") == true)
    }

    @Test func switchAndRoomExistence() throws {
        var signal = SignalConfiguration()
        signal.disableRTCv1 = true
        #expect(rejection(try factory.v1Request("a"), signal: signal) == .notFound)
        #expect(rejection(factory.v0Request("a"), signal: signal) == nil)
        #expect(rejection(factory.v0Request("a"), roomExists: false) == SignalRejection(status: 404, message: "requested room does not exist"))
    }

    @Test func publishConnectionGetsSuffixedIdentityAndNoSubscribe() throws {
        let plan = try validate(factory.v0Request("alice", extra: ["publish": "screen"])).get()
        #expect(plan.join.identity == "alice#screen" && !plan.join.permission.canSubscribe)
    }
}
