import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SimCore
import SimSignal

/// LiveKit signalling routes: the `/rtc` and `/rtc/v1` WebSockets (validated before the upgrade), their HTTP
/// fallbacks and `/validate`, and RoomService (Twirp).
extension SimServerApp {
    /// `GET /rtc[/v1]` without an upgrade (LiveKit's HTTP errors or 404), `/validate`, and RoomService.
    static func addSignalRoutes(to router: Router<HTTPRequestContext>, hub: SignalHub) {
        let roomService = RoomService(hub: hub)
        for path in [SignalPath.rtc, .rtcV1] {
            // Reached only when no WebSocket upgrade happened: a declined upgrade gets LiveKit's HTTP error,
            // a plain GET gets 404 with an empty body (reference §1.1, §1.7).
            router.get(RouterPath(stringLiteral: path.rawValue)) { request, _ in
                guard request.headers[.upgrade]?.lowercased() == "websocket" else { return Response(status: .notFound) }
                switch hub.validate(connectRequest(request, path: path)) {
                case .failure(let rejection): return text(rejection.status, rejection.message)
                case .success: return text(500, "upgrade failed")
                }
            }
            router.get(RouterPath(stringLiteral: path.rawValue + "/validate")) { request, _ in
                let cors: HTTPFields = [.accessControlAllowOrigin: "*"]
                switch hub.validate(connectRequest(request, path: path)) {
                case .failure(let rejection): return text(rejection.status, rejection.message, headers: cors)
                case .success: return text(200, "success", headers: cors)
                }
            }
        }
        router.post("/twirp/livekit.RoomService/:method") { request, context in
            let method = context.parameters.get("method") ?? ""
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            let answer = roomService.handle(
                method: method, contentType: request.headers[.contentType], body: Array(body.readableBytesView),
                authorization: request.headers[.authorization]
            )
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
    }

    /// The `/rtc` and `/rtc/v1` WebSockets: validated before upgrading, then pumped through the hub.
    static func addSignalWebSocketRoutes(to router: Router<SignalWebSocketContext>, hub: SignalHub, scenarios: ScenarioService?) {
        for path in [SignalPath.rtc, .rtcV1] {
            router.ws(RouterPath(stringLiteral: path.rawValue)) { request, context in
                // Validated before upgrading; a refusal falls through to the HTTP route, which answers with the error.
                let connect = connectRequest(request, path: path)
                switch hub.inspectValidation(connect) {
                case .success(let plan):
                    // An unknown name was already refused by `SignalUpgradeGuard` (400).
                    context.scenarioName.value = selectedScenario(query: connect.query, plan: plan)
                    context.plan.value = plan
                    return .upgrade([:])
                case .failure:
                    return .dontUpgrade
                }
            } onUpgrade: { inbound, outbound, context in
                guard let plan = context.requestContext.plan.value else {
                    try await outbound.close(.unexpectedServerError, reason: "no validated connect plan")
                    return
                }
                if let name = context.requestContext.scenarioName.value { _ = scenarios?.select(name, room: plan.join.room) }
                try await serve(plan: plan, hub: hub, inbound: inbound, outbound: outbound, channel: context.requestContext.channel)
            }
        }
    }

    /// Pumps one signal WebSocket through the hub.
    static func serve(plan: ConnectPlan, hub: SignalHub, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      channel: any Channel) async throws {
        try await pump(inbound: inbound, outbound: outbound, channel: channel, log: hub.log) { sink in
            hub.open(plan, sink: sink)
        } onText: { text, connection in
            hub.received(.text(text), on: connection)
        } onBinary: { buffer, connection in
            hub.received(.binary(Array(buffer.readableBytesView)), on: connection)
        } onClose: { connection in
            hub.closed(connection)
        }
    }

    /// The query parameter naming a scenario for one connection (LiveKit signal and Decart control).
    static let scenarioQueryParameter = "sfusim_scenario"
    /// The token attribute naming a scenario for a LiveKit connection.
    static let scenarioAttribute = "sfusim.scenario"

    /// The scenario a LiveKit connect names: the query parameter, else the token attribute.
    static func selectedScenario(query: [String: String], plan: ConnectPlan) -> String? {
        query[scenarioQueryParameter] ?? plan.token.claims.attributes?[scenarioAttribute]
    }

    /// Why a LiveKit connect naming `name` is refused (400), or nil when the scenario exists.
    static func unknownScenario(_ name: String, scenarios: ScenarioService?) -> SignalRejection? {
        guard scenarios?.named(name) == nil else { return nil }
        return SignalRejection(status: 400, message: "unknown sfusim scenario \"\(name)\" (named by \(scenarioQueryParameter) or the \(scenarioAttribute) token attribute)")
    }
}
