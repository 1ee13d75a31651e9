import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import NIOCore
import SimCore
import SimProto
@testable import SimServer
import SimTestKit
import SwiftProtobuf
import Testing
import WSClient

/// A real server on port 0, driven over HTTP and WebSocket.
@Suite(.timeLimit(.minutes(1))) struct LiveServerTests {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` against a server started on a free port; stops it afterwards.
    func withServer(_ configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: @Sendable (ReadyInfo) async throws -> Void) async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.seed = 11
        configure(&configuration)
        let (readyStream, readyContinuation) = AsyncStream.makeStream(of: ReadyInfo.self)
        let app = SimServerApp(configuration: configuration, logger: Self.logger)
        let server = Task { try await app.run { readyContinuation.yield($0) } }
        defer { server.cancel() }
        let ready = try await firstValue(readyStream)
        try await body(ready)
        server.cancel()
        _ = await server.result
    }

    /// The first value of `stream`; the suite's time limit is the deadline.
    func firstValue<Value: Sendable>(_ stream: AsyncStream<Value>) async throws -> Value {
        guard let value = await stream.first(where: { _ in true }) else { throw CancellationError() }
        return value
    }

    func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func healthValidateAndWebSocketJoinOverTheNetwork() async throws {
        try await withServer { ready in
            #expect(ready.httpPort > 0)
            let (status, body) = try await get("\(ready.httpURL)/")
            #expect(status == 200 && body == "OK")
            let factory = SignalTestFactory(wall: Date())
            let token = factory.token("alice")
            let (validStatus, validBody) = try await get("\(ready.httpURL)/rtc/validate?access_token=\(token)")
            #expect(validStatus == 200 && validBody == "success")
            let (badStatus, badBody) = try await get("\(ready.httpURL)/rtc/validate?access_token=x.y.z")
            #expect(badStatus == 401 && badBody.hasPrefix("invalid authorization token"))
            let (plainStatus, plainBody) = try await get("\(ready.httpURL)/rtc")
            #expect(plainStatus == 404 && plainBody.isEmpty)

            let request = try factory.v1Request("alice")
            var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)
            configuration.additionalHeaders[.authorization] = request.authorization
            let kinds = KindsBox()
            try await WebSocketClient.connect(
                url: "\(ready.livekitURL)/rtc/v1?join_request=\(request.query["join_request"] ?? "")",
                configuration: configuration, logger: Self.logger
            ) { inbound, outbound, _ in
                var ping = Livekit_SignalRequest()
                var payload = Livekit_Ping()
                payload.timestamp = 99
                ping.message = .pingReq(payload)
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    guard case .binary(let buffer) = message,
                          let response = try? Livekit_SignalResponse(serializedBytes: Array(buffer.readableBytesView)) else { continue }
                    kinds.append(response)
                    if case .join = response.message { let bytes: [UInt8] = try ping.serializedBytes(); try await outbound.write(.binary(ByteBuffer(bytes: bytes))) }
                    if case .pongResp = response.message { break }
                }
            }
            let responses = kinds.values
            guard case .join(let join)? = responses.first?.message else { Issue.record("first frame is not join"); return }
            #expect(join.participant.identity == "alice" && !join.subscriberPrimary)
            #expect(responses.contains { if case .pongResp(let pong)? = $0.message { pong.lastPingTimestamp == 99 } else { false } })

            let (_, state) = try await get("\(ready.adminURL)/state")
            #expect(state.contains(#""identity":"alice""#))
            let (_, events) = try await get("\(ready.adminURL)/events?since=0")
            #expect(events.contains("signal.out.join") && events.contains("signal.in.ping_req"))
        }
    }

    @Test func declinedUpgradeGetsLiveKitsHTTPError() async throws {
        try await withServer({ $0.signal.disableRTCv1 = true }) { ready in
            let factory = SignalTestFactory(wall: Date())
            let request = try factory.v1Request("bob")
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders[.authorization] = request.authorization
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(url: "\(ready.livekitURL)/rtc/v1?join_request=x", configuration: configuration, logger: Self.logger) { _, _, _ in }
            }
            let (status, _) = try await get("\(ready.httpURL)/rtc/v1/validate?access_token=\(factory.token("bob"))&join_request=x")
            #expect(status == 404)
        }
    }
}

final class KindsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Livekit_SignalResponse] = []
    func append(_ item: Livekit_SignalResponse) { lock.withLock { items.append(item) } }
    var values: [Livekit_SignalResponse] { lock.withLock { items } }
}
