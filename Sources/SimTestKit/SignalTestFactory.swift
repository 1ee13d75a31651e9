import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSignal
import SwiftProtobuf

/// Builds hubs, tokens and connect requests for tests, on a manual clock.
public struct SignalTestFactory: Sendable {
    /// The manual clock everything runs on.
    public let clock: ManualClock
    /// Its scheduler.
    public let scheduler: ManualTimerScheduler
    /// Keys in force.
    public let keys: [APIKey: String] = [DevCredentials.apiKey: DevCredentials.secret, "otherkey": "othersecret-0123456789"]

    /// A factory whose manual wall clock starts at `wall` (a fixed date unless a live server needs real time).
    public init(wall: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        clock = ManualClock(wall: wall)
        scheduler = ManualTimerScheduler(clock: clock)
    }

    /// A hub with the given settings.
    public func hub(signal: SignalConfiguration = SignalConfiguration(), rooms: RoomManagerConfiguration = RoomManagerConfiguration(), seed: UInt64 = 1) -> SignalHub {
        let engine = SignalServerStateMachine(configuration: signal, rooms: rooms, keys: keys, seed: seed)
        return SignalHub(engine: engine, validator: ConnectValidator(configuration: signal, verifier: TokenVerifier(keys: keys), limits: rooms.limits),
                         clock: clock, log: EventLog(clock: clock), scheduler: scheduler)
    }

    /// A token for `identity` in `room`, with grant tweaks (and a participant `kind` such as `agent`).
    public func token(_ identity: String, room: String = "r1", ttl: Duration = .seconds(3600), key: APIKey = DevCredentials.apiKey,
                      secret: String = DevCredentials.secret, kind: String? = nil, grant: (inout VideoGrant) -> Void = { _ in }) -> String {
        var builder = AccessTokenBuilder(apiKey: key, secret: secret, ttl: ttl)
        builder.identity = Identity(identity)
        builder.kind = kind
        var video = VideoGrant.join(RoomName(room))
        grant(&video)
        builder.video = video
        return builder.jwt(now: clock.wallNow())
    }

    /// `join_request` for `/rtc/v1`: base64url of a gzip `WrappedJoinRequest` (as the Python SDK sends it, unpadded).
    public static func joinRequestParameter(_ request: Livekit_JoinRequest, gzip: Bool = true) throws -> String {
        try JoinRequestParameter.encode(request, gzip: gzip)
    }

    /// A v1 connect request with a Python-SDK-like JoinRequest carrying `offer` (if any).
    public func v1Request(_ identity: String, room: String = "r1", offer: String? = nil, reconnect: Bool = false) throws -> ConnectRequest {
        var join = Livekit_JoinRequest()
        join.clientInfo.sdk = Livekit_ClientInfo.SDK(rawValue: 9) ?? .unknown
        join.clientInfo.protocol = 18
        join.clientInfo.clientProtocol = 2
        join.connectionSettings.autoSubscribe = true
        join.reconnect = reconnect
        if let offer {
            join.publisherOffer.type = "offer"
            join.publisherOffer.sdp = offer
        }
        return ConnectRequest(path: .rtcV1, query: ["join_request": try Self.joinRequestParameter(join)],
                              authorization: "Bearer \(token(identity, room: room))")
    }

    /// A v0 connect request with LiveKit JS-style query parameters.
    public func v0Request(_ identity: String, room: String = "r1", extra: [String: String] = [:]) -> ConnectRequest {
        var query = ["access_token": token(identity, room: room), "protocol": "16", "sdk": "swift", "auto_subscribe": "1"]
        query.merge(extra) { $1 }
        return ConnectRequest(path: .rtc, query: query, authorization: nil)
    }
}
