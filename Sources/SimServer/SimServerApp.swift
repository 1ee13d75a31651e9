import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SimAuth
import SimCore
import SimDecart
import SimScenario
import SimSignal

/// The sfusim HTTP/WebSocket server: LiveKit signalling, RoomService, admin API. The only Hummingbird user.
public struct SimServerApp: Sendable {
    /// Settings.
    public let configuration: ServerConfiguration
    /// Where logs go.
    public let logger: Logger
    /// A server-wide scenario started with the server (`--scenario`).
    public var scenario: Scenario?

    /// A server with `configuration`.
    public init(configuration: ServerConfiguration, logger: Logger, scenario: Scenario? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.scenario = scenario
    }

    /// Largest WebSocket frame the transport accepts: above the Decart decoder's limit (multi-MB base64 images),
    /// so an oversized control frame gets an `error` frame; the signal hub refuses messages over 2 MiB with 1009.
    static let transportFrameLimit = DecartMessageDecoder.defaultMaximumFrameBytes + 8 * 1024 * 1024

    /// Builds the hub (engine, validator, clock, event log) for this configuration.
    public func makeHub(clock: any SimClock = SystemClock(), seed: UInt64) throws -> SignalHub {
        let log = EventLog(clock: clock)
        if let path = configuration.eventLog { try log.openSink(path: path) }
        let engine = SignalServerStateMachine(configuration: configuration.signal, rooms: configuration.room, keys: configuration.keys, seed: seed)
        let validator = ConnectValidator(configuration: configuration.signal, verifier: TokenVerifier(keys: configuration.keys))
        return SignalHub(engine: engine, validator: validator, clock: clock, log: log,
                         scheduler: NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next()))
    }

    /// The media layer for `hub`: transports gather on `node_ip`, else the bind address (none for a wildcard bind).
    func makeMedia(hub: SignalHub) throws -> MediaService? {
        let address = configuration.nodeIP ?? configuration.bind
        guard address != "0.0.0.0", address != "::" else {
            logger.warning("media disabled: set --node-ip to the address clients reach when binding a wildcard address")
            return nil
        }
        let media = try MediaService(
            localAddress: address, portRange: configuration.rtcPortRange, clock: hub.clock,
            scheduler: NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next()), logger: logger
        )
        media.hub = hub
        hub.attachMedia(media)
        return media
    }

    /// The Decart `/v1/stream` front end: its engine and shell over the same event log, and the room side.
    func makeDecart(hub: SignalHub, seed: UInt64) -> (DecartHub, DecartService) {
        let scheduler = NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let decart = DecartHub(engine: DecartSessionStateMachine(configuration: configuration.decart, seed: seed ^ 0x4445_4341_5254),
                               clock: hub.clock, log: hub.log, scheduler: scheduler)
        let key = configuration.keys.keys.sorted().first ?? DevCredentials.apiKey
        let service = DecartService(signal: hub, scheduler: scheduler, apiKey: key, secret: configuration.keys[key] ?? "", logger: logger)
        service.decart = decart
        decart.attachRooms(service)
        return (decart, service)
    }

    /// Serves until SIGINT or SIGTERM; `onReady` runs once listening with the bound port.
    public func run(onReady: @escaping @Sendable (ReadyInfo) -> Void = { _ in }) async throws {
        let seed = configuration.seed ?? UInt64.random(in: 1...UInt64.max)
        let hub = try makeHub(seed: seed)
        let media = try makeMedia(hub: hub)
        let (decart, decartService) = makeDecart(hub: hub, seed: seed)
        decartService.media = media
        let scenarios = ScenarioService(log: hub.log, clock: hub.clock, scheduler: NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next()),
                                        signal: hub, decart: decart)
        scenarios.media = media
        let configuration = self.configuration
        let app = Application(
            router: Self.makeRouter(hub: hub, decart: decartService, scenarios: scenarios),
            server: Self.serverBuilder(hub: hub, decart: decart, service: decartService, scenarios: scenarios),
            configuration: ApplicationConfiguration(address: .hostname(configuration.bind, port: configuration.port), serverName: "sfusim"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.bind.contains(":") ? "[\(configuration.bind)]" : configuration.bind
                let key = configuration.keys.keys.sorted().first ?? DevCredentials.apiKey
                let info = ReadyInfo(
                    pid: ProcessInfo.processInfo.processIdentifier, bind: configuration.bind, httpPort: port,
                    httpURL: "http://\(host):\(port)", livekitURL: "ws://\(host):\(port)", adminURL: "http://\(host):\(port)/_sim",
                    apiKey: key.rawValue, apiSecret: configuration.keys[key] ?? "", seed: seed
                )
                decartService.setAddress(livekitURL: info.livekitURL, endpoint: DecartServerEndpoint(ip: configuration.nodeIP ?? configuration.bind, port: port))
                hub.log.append(EventRecord(kind: "server.ready", detail: ["port": .int(Int64(port)), "seed": .string(String(seed))]))
                if let scenario { scenarios.load(scenario, seed: seed) }
                onReady(info)
            },
            logger: logger
        )
        try await app.runService()
        media?.closeAll()
        hub.log.append(EventRecord(kind: "server.stopped"))
        hub.log.close()
    }

    /// HTTP/1 with the signal WebSocket upgrade, guarded so refused upgrades get LiveKit's HTTP errors.
    /// No WebSocket-level pings: clients ping at the application level (`ping_req`), and the engine closes a
    /// connection silent for longer than `ping_timeout`; a ping task and timer per connection made concurrent
    /// joins ~3x slower.
    static func serverBuilder(hub: SignalHub, decart: DecartHub? = nil, service: DecartService? = nil,
                              scenarios: ScenarioService? = nil) -> HTTPServerBuilder {
        let webSocketResponder = makeWebSocketRouter(hub: hub, decart: decart, service: service, scenarios: scenarios).buildResponder()
        return HTTPServerBuilder { responder in
            SignalServerChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder,
                    configuration: .init(ws: WebSocketServerConfiguration(maxFrameSize: transportFrameLimit, autoPing: .disabled))
                ),
                hub: hub, scenarios: scenarios
            )
        }
    }

    // MARK: Routes

    static func connectRequest(_ request: Request, path: SignalPath) -> ConnectRequest {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        return ConnectRequest(path: path, query: query, authorization: request.headers[.authorization])
    }

    static func text(_ status: Int, _ body: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func makeRouter(hub: SignalHub, decart: DecartService? = nil, scenarios: ScenarioService? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        if let scenarios { addScenarioRoutes(to: router, scenarios: scenarios, hub: hub) }
        let roomService = RoomService(hub: hub)
        router.get("/") { _, _ in text(200, "OK") }
        if let decart {
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
        router.get("/_sim/state") { _, _ in
            json(hub.inspect { AdminSnapshot(rooms: $0.rooms, connections: 0) }.with(connections: hub.connectionCount))
        }
        router.post("/_sim/faults") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            switch OneOffFault.decode(Array(body.readableBytesView)) {
            case .failure(let problem):
                return text(400, problem.message)
            case .success(let fault):
                switch fault {
                case .closeSignal(let room, let identity, let code, let reason):
                    guard hub.closeSignal(room: room, identity: identity, code: code, reason: reason) else {
                        return text(404, "no participant \(identity) with an open signal connection in room \(room)")
                    }
                    return text(200, "applied")
                }
            }
        }
        router.get("/_sim/events") { request, _ in
            let since = request.uri.queryParameters["since"].flatMap { UInt64($0) } ?? 0
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 10_000
            return json(EventsPage(events: hub.log.events(since: since, limit: limit), lastSeq: hub.log.lastSeq))
        }
        return router
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


    static func makeWebSocketRouter(hub: SignalHub, decart: DecartHub? = nil, service: DecartService? = nil,
                                    scenarios: ScenarioService? = nil) -> Router<SignalWebSocketContext> {
        let router = Router(context: SignalWebSocketContext.self)
        if let decart, let service {
            router.ws("/v1/stream") { request, context in
                context.rawQuery.value = request.uri.query ?? ""
                return .upgrade([:])
            } onUpgrade: { inbound, outbound, context in
                let query = DecartConnectQuery(rawQuery: context.requestContext.rawQuery.value ?? "")
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
                                      channel: context.requestContext.channel, rules: rules, connection: reserved)
            }
        }
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
        return router
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

    /// One WebSocket's two directions: a writer task drains the sink the hub writes to (frames, then a close);
    /// this task feeds inbound frames to the hub until the peer goes, then reports the close. An abort closes the
    /// channel itself, so no close frame is sent.
    static func pump(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, log: EventLog,
        open: (WebSocketSignalSink) -> ConnectionID,
        onText: (String, ConnectionID) -> Void, onBinary: (ByteBuffer, ConnectionID) -> Void, onClose: (ConnectionID) -> Void
    ) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: WebSocketSignalSink.Item.self)
        let connection = open(WebSocketSignalSink(continuation: continuation))
        // On shutdown the WebSocket layer sends a close frame and waits for the peer's; a peer that never answers
        // (or never reads) must not keep the server from exiting: its connection is dropped after a grace period.
        try await withGracefulShutdownHandler {
            try await pumpFrames(stream: stream, continuation: continuation, connection: connection, inbound: inbound, outbound: outbound,
                                 channel: channel, log: log, onText: onText, onBinary: onBinary, onClose: onClose)
        } onGracefulShutdown: {
            channel.eventLoop.scheduleTask(in: shutdownGrace) { channel.close(promise: nil) }
        }
    }

    /// How long a connection may take to finish its close handshake once the server is shutting down.
    static let shutdownGrace: TimeAmount = .seconds(2)

    private static func pumpFrames(
        stream: AsyncStream<WebSocketSignalSink.Item>, continuation: AsyncStream<WebSocketSignalSink.Item>.Continuation,
        connection: ConnectionID, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, log: EventLog,
        onText: (String, ConnectionID) -> Void, onBinary: (ByteBuffer, ConnectionID) -> Void, onClose: (ConnectionID) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in stream {
                    switch item {
                    case .frame(.binary(let bytes)): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                    case .frame(.text(let text)): try await outbound.write(.text(text))
                    case .close(let code, let reason):
                        try await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                        return
                    case .abort:
                        try? await channel.close()
                        return
                    }
                }
            }
            do {
                for try await message in inbound.messages(maxSize: transportFrameLimit) {
                    switch message {
                    case .binary(let buffer): onBinary(buffer, connection)
                    case .text(let text): onText(text, connection)
                    }
                }
            } catch {
                log.append(EventRecord(kind: "connection.error", connection: connection, detail: ["error": .string("\(error)")]))
            }
            onClose(connection)
            continuation.finish()
            try await group.waitForAll()
        }
    }
}

/// One entry of `GET /_sim/reports`.
struct ScopedReport: Encodable {
    var scope: String
    var report: ScenarioReport
}

/// `GET /_sim/events` body.
struct EventsPage: Encodable {
    var events: [SimEvent]
    var lastSeq: UInt64

    enum CodingKeys: String, CodingKey {
        case events, lastSeq = "last_seq"
    }
}

extension AdminSnapshot {
    func with(connections: Int) -> AdminSnapshot {
        var copy = self
        copy.connections = connections
        return copy
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

extension SimServerApp {
    /// The scenario in a request body (YAML, or JSON when it starts with `{`), or what is wrong with it.
    static func scenario(in request: Request) async throws -> Result<Scenario, ScenarioLoadFailure> {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        let source = String(decoding: body.readableBytesView, as: UTF8.self)
        let isJSON = source.drop { $0.isWhitespace }.first == "{"
        do throws(ScenarioLoadFailure) {
            return .success(try ScenarioLoader.load(source, file: "request", format: isJSON ? .json : .yaml))
        } catch {
            return .failure(error)
        }
    }

    /// `POST /_sim/scenario` (YAML or JSON body: load and start server-wide), `POST /_sim/scenarios` (register one for
    /// selection by connections), `GET /_sim/report[?room=R]`, `GET /_sim/reports` (every scope), `POST /_sim/reset`.
    static func addScenarioRoutes(to router: Router<BasicRequestContext>, scenarios: ScenarioService, hub: SignalHub) {
        router.post("/_sim/scenario") { request, _ in
            switch try await scenario(in: request) {
            case .failure(let error): return text(400, error.errors.map(\.description).joined(separator: "\n"))
            case .success(let scenario):
                scenarios.load(scenario, seed: scenario.seed == 0 ? nil : scenario.seed)
                return text(200, "started \(scenario.name)")
            }
        }
        router.post("/_sim/scenarios") { request, _ in
            switch try await scenario(in: request) {
            case .failure(let error): return text(400, error.errors.map(\.description).joined(separator: "\n"))
            case .success(let scenario):
                scenarios.register(scenario)
                return text(201, "registered \(scenario.name): connections select it with \(scenarioQueryParameter)=\(scenario.name) or the \(scenarioAttribute) token attribute")
            }
        }
        router.get("/_sim/report") { request, _ in
            let scope = request.uri.queryParameters["room"].map { ScenarioScope.room(RoomName(String($0))) } ?? .server
            guard let report = scenarios.report(for: scope, final: false) else { return text(404, "no scenario is running for the \(scope)") }
            return json(report)
        }
        router.get("/_sim/reports") { _, _ in
            let reports = scenarios.scopes.sorted { $0.description < $1.description }.compactMap { scope in
                scenarios.report(for: scope, final: false).map { ScopedReport(scope: scope.description, report: $0) }
            }
            return json(reports)
        }
        router.post("/_sim/reset") { _, _ in
            scenarios.reset()
            return text(200, "reset")
        }
    }
}
