import ArgumentParser
import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSignal

/// In-process cost of a join through the hub (validation, engine, protobuf, event log), no network.
struct Engine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Per-join CPU cost of validate + join through the signal hub (no sockets).")

    @Option(help: "Joins per repetition.") var joins = 1000
    @Option(help: "Participants per room.") var perRoom = 10
    @Option(name: .customLong("repeat"), help: "Repetitions; the median is reported.") var repetitions = 5

    func run() throws {
        var perJoin: [Double] = []
        var validateShare: [Double] = []
        for _ in 0..<repetitions {
            let hub = Self.hub()
            let requests = try (0..<joins).map { try Self.request("p\($0)", room: "room-\($0 / max(1, perRoom))") }
            let clock = ContinuousClock()
            var validating: Duration = .zero
            let start = clock.now
            for request in requests {
                let before = clock.now
                let plan = try hub.validate(request).get()
                validating += clock.now - before
                hub.open(plan, sink: DiscardingSignalSink())
            }
            let total = clock.now - start
            perJoin.append(milliseconds(total) * 1000 / Double(joins))
            validateShare.append(milliseconds(validating) / milliseconds(total))
        }
        print("engine_join joins=\(joins) per_room=\(perRoom) repeats=\(repetitions) us_per_join=\(format(Stats(perJoin).median, 1)) validate_share=\(format(Stats(validateShare).median, 2))")
    }
}

extension Engine {
    /// A hub as `sfusim serve` builds it (dev keys, default settings), on the system clock.
    static func hub() -> SignalHub {
        let keys = [DevCredentials.apiKey: DevCredentials.secret]
        let clock = SystemClock()
        return SignalHub(engine: SignalServerStateMachine(configuration: SignalConfiguration(), rooms: RoomManagerConfiguration(), keys: keys, seed: 1),
                         validator: ConnectValidator(configuration: SignalConfiguration(), verifier: TokenVerifier(keys: keys)),
                         clock: clock, log: EventLog(clock: clock), scheduler: DispatchTimerScheduler())
    }

    /// A `/rtc/v1` connect request with a Python-SDK-like JoinRequest, as a client would send it.
    static func request(_ identity: String, room: String) throws -> ConnectRequest {
        var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        builder.identity = Identity(identity)
        builder.video = .join(RoomName(room))
        var join = Livekit_JoinRequest()
        join.clientInfo.protocol = 18
        join.clientInfo.clientProtocol = 2
        join.connectionSettings.autoSubscribe = true
        return ConnectRequest(path: .rtcV1, query: ["join_request": try JoinRequestParameter.encode(join)],
                              authorization: "Bearer \(builder.jwt(now: Date()))")
    }
}

/// A signal connection that writes nowhere (the bench measures the hub, not sockets).
struct DiscardingSignalSink: SignalConnectionSink {
    func write(_ frame: SignalFrame) {}
    func close(code: UInt16, reason: String) {}
    func abort() {}
}
