import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SimAgent
import SimAuth
import SimCore
import SimSignal

/// LiveKit agent routes: the `/agent` worker WebSocket (authenticated before the upgrade) and the
/// `AgentDispatchService` Twirp API.
extension SimServerApp {
    /// `GET /agent` without an upgrade (404; `SignalUpgradeGuard` answers a refused upgrade with its 401) and
    /// `POST /twirp/livekit.AgentDispatchService/{method}`.
    static func addAgentRoutes(to router: Router<HTTPRequestContext>, agents: AgentHub, signal: SignalHub) {
        router.get("/agent") { _, _ in Response(status: .notFound) }
        let service = AgentDispatchService(agents: agents, signal: signal)
        router.post("/twirp/livekit.AgentDispatchService/:method") { request, context in
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            let answer = service.handle(method: context.parameters.get("method") ?? "", contentType: request.headers[.contentType],
                                        body: Array(body.readableBytesView), authorization: request.headers[.authorization])
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
    }

    /// The `/agent` WebSocket handler for a worker whose token has the agent grant (nil otherwise: the upgrade guard
    /// answers 401): binary `WorkerMessage`s through the agent hub. WebSocket pings (aiohttp's heartbeat) are answered by
    /// the WebSocket layer.
    static func agentWebSocket(_ request: Request, channel: any Channel, agents: AgentHub, signal: SignalHub) -> WebSocketHandlerFunction? {
        guard case .success(let key) = authorizeWorker(request, verifier: signal.validator.verifier, now: signal.clock.wallNow()) else {
            return nil
        }
        return { inbound, outbound, _ in
            try await pump(into: agents, inbound: inbound, outbound: outbound, channel: channel, log: agents.log) { sink in
                agents.open(apiKey: key, sink: sink)
            }
        }
    }

    private static func authorizeWorker(_ request: Request, verifier: TokenVerifier, now: Date) -> Result<APIKey, SignalRejection> {
        let query = request.uri.queryParameters
        return AgentHub.authorize(authorization: request.headers[.authorization], queryToken: query["access_token"].map(String.init),
                                  verifier: verifier, now: now)
    }
}
