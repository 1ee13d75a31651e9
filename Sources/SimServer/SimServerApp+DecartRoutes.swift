import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SimCore
import SimDecart

/// Decart routes: the `/v1/stream` control WebSocket (a scenario may be selected per connection) and
/// `POST /watch-stream/{room}` for viewers.
extension SimServerApp {
    /// `POST /watch-stream/{room}`.
    static func addDecartRoutes(to router: Router<HTTPRequestContext>, service decart: DecartService) {
        // Decart viewers (reference §5): receive-only credentials for a live session's room.
        router.post("/watch-stream/:room") { request, context in
            let room = RoomName(context.parameters.get("room") ?? "")
            guard let key = request.headers.first(where: { $0.name.canonicalName == "x-api-key" })?.value, decart.accepts(apiKey: key) else {
                return text(401, "invalid api key")
            }
            guard let watch = decart.watch(room: room) else { return text(404, "no live session in room \(room)") }
            return json(WatchStreamResponse(livekitURL: watch.url, token: watch.token, roomName: room.rawValue, sessionID: watch.sessionID.rawValue))
        }
    }

    /// The `/v1/stream` WebSocket handler, with its per-connection scenario selection.
    static func decartWebSocket(_ request: Request, channel: any Channel, decart: DecartHub, service: DecartService,
                                scenarios: ScenarioService?) -> WebSocketHandlerFunction {
        let rawQuery = request.uri.query ?? ""
        return { inbound, outbound, _ in
            let query = DecartConnectQuery(rawQuery: rawQuery)
            var rules: DecartRules?
            var reserved: ConnectionID?
            if let name = query.parameters.first(where: { $0.name == scenarioQueryParameter })?.value {
                let connection = decart.reserveConnection()
                guard let selected = scenarios?.selectControl(name, connection: connection) else {
                    try await outbound.write(.text(DecartMessageEncoder.encode(.error("unknown sfusim scenario \"\(name)\""))))
                    try await outbound.close(.policyViolation, reason: "unknown sfusim scenario")
                    return
                }
                (rules, reserved) = (selected, connection)
            }
            try await serveDecart(query: query, endpoint: service.endpoint, hub: decart, inbound: inbound, outbound: outbound,
                                  channel: channel, rules: rules, connection: reserved)
        }
    }

    /// Pumps one `/v1/stream` WebSocket through the Decart hub: JSON text frames; binary frames are refused.
    static func serveDecart(query: DecartConnectQuery, endpoint: DecartServerEndpoint, hub: DecartHub,
                            inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
                            rules: DecartRules? = nil, connection: ConnectionID? = nil) async throws {
        try await pump(inbound: inbound, outbound: outbound, channel: channel, log: hub.log) { sink in
            hub.open(query: query, endpoint: endpoint, sink: sink, rules: rules, connection: connection)
        } onText: { text, connection in
            hub.received(text: text, on: connection)
        } onBinary: { buffer, connection in
            hub.received(binaryCount: buffer.readableBytes, on: connection)
        } onClose: { connection in
            hub.closed(connection, code: nil, reason: "")
        }
    }
}

/// `POST /watch-stream/{room}` body (reference §5).
struct WatchStreamResponse: Encodable {
    var livekitURL: String
    var token: String
    var roomName: String
    var sessionID: String

    enum CodingKeys: String, CodingKey {
        case livekitURL = "livekit_url", token, roomName = "room_name", sessionID = "session_id"
    }
}
