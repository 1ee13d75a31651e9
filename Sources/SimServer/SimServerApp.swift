import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SimAgent
import SimAuth
import SimCore
import SimDecart
import SimMatrix
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
        let log = EventLog(clock: clock, capacity: configuration.eventWindowEvents, memoryLimit: configuration.eventWindowBytes)
        if let path = configuration.eventLog { try log.openSink(path: path) }
        let engine = SignalServerStateMachine(configuration: configuration.signal, rooms: configuration.room, keys: configuration.keys, seed: seed)
        let validator = ConnectValidator(configuration: configuration.signal, verifier: TokenVerifier(keys: configuration.keys),
                                         limits: configuration.room.limits)
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
        let service = DecartService(signal: hub, scheduler: scheduler, apiKey: key, secret: configuration.keys[key] ?? "",
                                    seed: seed ^ 0x5353_5243, logger: logger)
        service.decart = decart
        decart.attachRooms(service)
        return (decart, service)
    }

    /// The embedded homeserver and JWT service (nil when `matrix.enabled` is false), logging to the hub's event log.
    func makeMatrix(hub: SignalHub, seed: UInt64) -> MatrixService? {
        guard configuration.matrixEnabled else { return nil }
        let key = configuration.keys.keys.sorted().first ?? DevCredentials.apiKey
        return MatrixService(configuration: configuration.matrix, seed: seed ^ 0x4D41_5452_4958, apiKey: key, secret: configuration.keys[key] ?? "",
                             clock: hub.clock, scheduler: NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next()), log: hub.log,
                             upstream: configuration.matrixUpstream.flatMap { try? UpstreamHTTP(url: $0) })
    }

    /// The agent worker side (`/agent`, dispatch), following the hub's rooms and logging to its event log.
    func makeAgents(hub: SignalHub, seed: UInt64) -> AgentHub {
        var settings = configuration.agents
        settings.keys = configuration.keys
        let agents = AgentHub(engine: AgentDispatcher(configuration: settings, seed: seed ^ 0x4147_454E_5453),
                              clock: hub.clock, log: hub.log, scheduler: NIOTimerScheduler(eventLoop: MultiThreadedEventLoopGroup.singleton.next()))
        agents.follow(hub)
        return agents
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
        let matrix = makeMatrix(hub: hub, seed: seed)
        scenarios.matrix = matrix
        let agents = makeAgents(hub: hub, seed: seed)
        scenarios.agents = agents
        let configuration = self.configuration
        let app = Application(
            router: Self.makeRouter(hub: hub, decart: decartService, scenarios: scenarios, matrix: matrix, agents: agents),
            server: Self.serverBuilder(hub: hub, decart: decart, service: decartService, scenarios: scenarios, agents: agents,
                                       headerReadTimeout: .nanoseconds(configuration.headerReadTimeout.nanosecondsClamped)),
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
                matrix?.setAddress(httpURL: info.httpURL, livekitURL: info.livekitURL)
                decartService.setAddress(livekitURL: info.livekitURL, endpoint: DecartServerEndpoint(ip: configuration.nodeIP ?? configuration.bind, port: port))
                hub.log.append(EventRecord(kind: "server.ready", detail: ["port": .int(Int64(port)), "seed": .string(String(seed))]))
                if let scenario { scenarios.load(scenario, seed: seed) }
                onReady(info)
            },
            logger: logger
        )
        try await app.runService()
        matrix?.releaseAll()
        media?.closeAll()
        hub.log.append(EventRecord(kind: "server.stopped"))
        hub.log.close()
    }

    /// HTTP/1 with the signal WebSocket upgrade, guarded so refused upgrades get LiveKit's HTTP errors.
    /// No WebSocket-level pings: clients ping at the application level (`ping_req`), and the engine closes a
    /// connection silent for longer than `ping_timeout`; a ping task and timer per connection made concurrent
    /// joins ~3x slower.
    ///
    /// Upgrades are decided by ``webSocketUpgrade(_:channel:routes:)`` rather than a Hummingbird WebSocket router: the
    /// router hands its request context to the upgrade through a box the context itself holds, a reference cycle that
    /// kept every upgraded connection's context (and with it the NIO channel) alive — about 6 KB per WebSocket
    /// connection, for ever.
    static func serverBuilder(hub: SignalHub, decart: DecartHub? = nil, service: DecartService? = nil,
                              scenarios: ScenarioService? = nil, agents: AgentHub? = nil,
                              headerReadTimeout: TimeAmount = .seconds(10)) -> HTTPServerBuilder {
        let routes = WebSocketRoutes(hub: hub, decart: decart, service: service, scenarios: scenarios, agents: agents)
        return HTTPServerBuilder { responder in
            SignalServerChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder,
                    configuration: WebSocketServerConfiguration(maxFrameSize: transportFrameLimit, autoPing: .disabled)
                ) { head, channel, _ in
                    webSocketUpgrade(head, channel: channel, routes: routes)
                },
                hub: hub, scenarios: scenarios, headerReadTimeout: headerReadTimeout
            )
        }
    }

    // MARK: Routers (each route group is in its own file)

    /// The HTTP routes: health, the LiveKit signal fallbacks and RoomService, AgentDispatchService, Decart viewers, the
    /// admin API, and the embedded Matrix homeserver with the LiveKit JWT service.
    static func makeRouter(hub: SignalHub, decart: DecartService? = nil, scenarios: ScenarioService? = nil,
                           matrix: MatrixService? = nil, agents: AgentHub? = nil) -> Router<HTTPRequestContext> {
        let router = Router(context: HTTPRequestContext.self)
        router.get("/") { _, _ in text(200, "OK") }
        addSignalRoutes(to: router, hub: hub)
        if let decart { addDecartRoutes(to: router, service: decart) }
        if let agents { addAgentRoutes(to: router, agents: agents, signal: hub) }
        addAdminRoutes(to: router, hub: hub, agents: agents)
        if let scenarios { addScenarioRoutes(to: router, scenarios: scenarios, hub: hub) }
        if let matrix { addMatrixRoutes(to: router, service: matrix) }
        return router
    }

    /// What serves the WebSocket paths.
    struct WebSocketRoutes: Sendable {
        let hub: SignalHub
        let decart: DecartHub?
        let service: DecartService?
        let scenarios: ScenarioService?
        let agents: AgentHub?
    }

    /// A WebSocket handler as the upgrade runs it.
    typealias WebSocketHandlerFunction = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    /// The WebSocket paths: LiveKit signalling (`/rtc`, `/rtc/v1`), agent workers (`/agent`) and the Decart control
    /// protocol (`/v1/stream`), each validated before upgrading; anything else (or a refused request) is not upgraded
    /// and reaches the HTTP routes, which answer it.
    static func webSocketUpgrade(_ head: HTTPRequest, channel: any Channel, routes: WebSocketRoutes) -> ShouldUpgradeResult<WebSocketHandlerFunction> {
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let path = "/" + request.uri.path.drop { $0 == "/" }
        let handler: WebSocketHandlerFunction?
        switch path {
        case SignalPath.rtc.rawValue: handler = signalWebSocket(request, path: .rtc, channel: channel, hub: routes.hub, scenarios: routes.scenarios)
        case SignalPath.rtcV1.rawValue: handler = signalWebSocket(request, path: .rtcV1, channel: channel, hub: routes.hub, scenarios: routes.scenarios)
        case "/v1/stream":
            guard let decart = routes.decart, let service = routes.service else { return .dontUpgrade }
            handler = decartWebSocket(request, channel: channel, decart: decart, service: service, scenarios: routes.scenarios)
        case "/agent":
            guard let agents = routes.agents else { return .dontUpgrade }
            handler = agentWebSocket(request, channel: channel, agents: agents, signal: routes.hub)
        default: handler = nil
        }
        return handler.map { .upgrade([:], $0) } ?? .dontUpgrade
    }
}
