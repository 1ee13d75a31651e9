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

    /// The `/rtc` or `/rtc/v1` WebSocket handler for a connect that validates (nil otherwise: the HTTP route answers
    /// LiveKit's error), pumped through the hub; a scenario it names is selected for its room first.
    static func signalWebSocket(_ request: Request, path: SignalPath, channel: any Channel, hub: SignalHub,
                                scenarios: ScenarioService?) -> WebSocketHandlerFunction? {
        let connect = connectRequest(request, path: path)
        guard case .success(let plan) = hub.inspectValidation(connect) else { return nil }
        // An unknown name was already refused by `SignalUpgradeGuard` (400).
        let scenario = selectedScenario(query: connect.query, plan: plan)
        return { inbound, outbound, _ in
            if let scenario { _ = scenarios?.select(scenario, room: plan.join.room) }
            try await serve(plan: plan, hub: hub, inbound: inbound, outbound: outbound, channel: channel)
        }
    }

    /// Pumps one signal WebSocket through the hub.
    static func serve(plan: ConnectPlan, hub: SignalHub, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                      channel: any Channel) async throws {
        try await pump(into: hub, inbound: inbound, outbound: outbound, channel: channel, log: hub.log) { sink in
            hub.open(plan, sink: sink)
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
