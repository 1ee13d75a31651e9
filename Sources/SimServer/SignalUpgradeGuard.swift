import Foundation
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import SimAgent
import SimSignal

/// Refuses invalid signal WebSocket upgrades with LiveKit's HTTP status and text (reference §1.7).
///
/// hummingbird-websocket answers every declined upgrade with an empty 400; LiveKit clients need the real
/// status (the Rust SDK falls back to `/rtc` only on a 404 handshake, JS matches `requested room does not
/// exist`). This handler sits between the HTTP codec and the upgrader: an upgrade request to `/rtc` or
/// `/rtc/v1` that fails validation, or to `/agent` without an agent grant, is answered here and the connection
/// closed; everything else passes on.
final class SignalUpgradeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let hub: SignalHub
    private let scenarios: ScenarioService?
    private var discardingRequest = false

    init(hub: SignalHub, scenarios: ScenarioService?) {
        self.hub = hub
        self.scenarios = scenarios
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            guard let rejection = rejection(for: head) else {
                context.fireChannelRead(data)
                // An upgrade replaces the HTTP handlers with WebSocket ones: the guard's work is done.
                if isUpgrade(head) { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
                return
            }
            discardingRequest = true
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(rejection.message.utf8.count))
            headers.add(name: "Connection", value: "close")
            let status = HTTPResponseStatus(statusCode: rejection.status)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: rejection.message)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        case .body, .end:
            if discardingRequest {
                if case .end = part { discardingRequest = false }
                return
            }
            context.fireChannelRead(data)
        }
    }

    private func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers["upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// The rejection for a WebSocket upgrade to a signal path, or nil to let it through.
    private func rejection(for head: HTTPRequestHead) -> SignalRejection? {
        guard isUpgrade(head) else { return nil }
        let uri = URI(head.uri)
        var query: [String: String] = [:]
        for (name, value) in uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        let path: SignalPath
        switch uri.path {
        case "/rtc", "//rtc": path = .rtc
        case "/rtc/v1", "//rtc/v1": path = .rtcV1
        case "/agent":
            if case .failure(let rejection) = AgentHub.authorize(authorization: head.headers["authorization"].first, queryToken: query["access_token"],
                                                                 verifier: hub.validator.verifier, now: hub.clock.wallNow()) {
                return rejection
            }
            return nil
        default: return nil
        }
        let request = ConnectRequest(path: path, query: query, authorization: head.headers["authorization"].first)
        switch hub.validate(request) {
        case .failure(let rejection): return rejection
        case .success(let plan):
            guard let name = SimServerApp.selectedScenario(query: query, plan: plan) else { return nil }
            return SimServerApp.unknownScenario(name, scenarios: scenarios)
        }
    }
}

/// The HTTP/1 + WebSocket child channel with `SignalUpgradeGuard` in front of the upgrader.
struct SignalServerChannel: ServerChildChannel {
    let inner: HTTP1WebSocketUpgradeChannel
    let hub: SignalHub
    let scenarios: ScenarioService?
    /// How long a request head may take to arrive (`http.header_read_timeout_ms`).
    let headerReadTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Pipeline: [response encoder, request decoder, upgrader]. After the decoder the guard sees parsed
            // requests, and its writes still pass the encoder on their way out.
            let decoder = try channel.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(SignalUpgradeGuard(hub: hub, scenarios: scenarios), position: .after(decoder.handler))
            // A request the parser rejects (a request line or headers over its limit) is answered 414/431/400 and closed,
            // not left hanging; a head that does not arrive in time gets 408 (the watch sits first in the pipeline: it
            // reads the raw bytes before the decoder, and its 408 goes out without passing the response encoder).
            let watch = HTTPHeadWatch(progress: HTTPHeadProgress(), timeout: headerReadTimeout)
            try channel.pipeline.syncOperations.addHandler(watch, position: .first)
            try channel.pipeline.syncOperations.addHandler(HTTPParseErrorResponder(watch: watch), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
