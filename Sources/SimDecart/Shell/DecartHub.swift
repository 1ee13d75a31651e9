import Foundation
import SimCore
import SimFaults

/// Where the hub writes one `/v1/stream` connection's frames; implemented by the WebSocket shell and by tests.
public protocol DecartControlSink: Sendable {
    /// Queues a JSON text frame, in order.
    func write(_ text: String)
    /// Closes the WebSocket with a code and reason after the queued frames.
    func close(code: UInt16, reason: String)
    /// Drops the connection at once without a close frame (the peer sees 1006).
    func abort()
}

/// The room and media side of Decart sessions as the hub sees it (LiveKit rooms, the inference-server
/// participant, the aiortc peer). The hub calls it after releasing its lock, in the order the engine decided and
/// one call at a time; implementations report back through `DecartHub.notify`, from any thread.
public protocol DecartRoomDelegate: AnyObject, Sendable {
    /// Create the session's LiveKit room and the client's token; answer `.roomCreated` or `.roomCreationFailed`.
    func createRoom(for connection: ConnectionID, request: DecartRoomRequest)
    /// The session is over: remove its room and everything in it.
    func releaseRoom(for connection: ConnectionID, room: RoomName)
    /// Start the generator: the inference-server participant (LiveKit) or the peer's output (aiortc).
    func startInference(for connection: ConnectionID, parameters: DecartInferenceParameters)
    /// The generation state changed (`initial`: the first state, arriving while the generator already runs).
    func stateChanged(for connection: ConnectionID, state: DecartGenerationState, initial: Bool)
    /// Stop the generator.
    func stopInference(for connection: ConnectionID)
    /// Start the aiortc peer with the client's offer; answer `.peerAnswered`, then candidates and `.peerConnected`.
    func startPeer(for connection: ConnectionID, offerSDP: String)
    /// A client ICE candidate for the peer; nil: the client finished gathering.
    func addRemoteCandidate(for connection: ConnectionID, candidate: DecartICECandidate?)
    /// Close the aiortc peer.
    func closePeer(for connection: ConnectionID)
}

/// The shell around `DecartSessionStateMachine` for `/v1/stream`: one lock around the engine, decoding outside it,
/// the `control.in` / `control.out` taps, the event log (`control.in.<type>`, `control.out.<type>`), timers, and
/// the room delegate. Transport-agnostic, like `SignalHub`. Sends, closes, timers and log records run under the lock
/// (their order is the engine's); room and peer work runs after it is released, in order (`EffectQueue`).
public final class DecartHub: @unchecked Sendable {
    private let lock = NSLock()
    private var engine: DecartSessionStateMachine
    private let decoder: DecartMessageDecoder
    private var sinks: [ConnectionID: any DecartControlSink] = [:]
    private var timers: [DecartTimer: any TimerHandle] = [:]
    private var nextConnection: UInt64
    private weak var rooms: (any DecartRoomDelegate)?
    /// Room and peer work the engine decided, run after the lock is released (in order, one thread at a time).
    private let roomWork = EffectQueue<DecartAction>()
    /// The rules new connections get (a scenario changes them; nil: the configuration's).
    private var rulesOverride: DecartRules?
    /// The `control.in` tap: frames on their way to the engine.
    private var inboundGate = TapGate<(ConnectionID, DecartDecodedFrame)>()
    /// The `control.out` tap: messages on their way to a connection.
    private var outboundGate = TapGate<(ConnectionID, DecartServerMessage)>()
    private let scheduler: any TimerScheduler
    /// The time source.
    public let clock: any SimClock
    /// The event log (shared with the LiveKit side).
    public let log: EventLog

    /// A hub over `engine`. Connection ids start at `firstConnection` so they never collide with the signal hub's
    /// in the shared event log.
    public init(engine: DecartSessionStateMachine, clock: any SimClock, log: EventLog, scheduler: any TimerScheduler,
                firstConnection: UInt64 = 1_000_000) {
        self.engine = engine
        decoder = engine.decoder
        self.clock = clock
        self.log = log
        self.scheduler = scheduler
        nextConnection = firstConnection
    }

    /// Connects the room side (set once, before serving).
    public func attachRooms(_ delegate: any DecartRoomDelegate) {
        lock.withLock { rooms = delegate }
    }

    /// The engine's settings.
    public var configuration: DecartConfiguration { engine.configuration }

    /// Reads the engine without changing it.
    public func inspect<Value>(_ body: (DecartSessionStateMachine) -> Value) -> Value {
        lock.withLock { body(engine) }
    }

    /// How many control connections are open.
    public var connectionCount: Int { lock.withLock { sinks.count } }

    // MARK: Connections

    /// A connection id for a socket about to open (so a scenario can be bound to it before its first event).
    public func reserveConnection() -> ConnectionID {
        lock.withLock {
            nextConnection += 1
            return ConnectionID(nextConnection)
        }
    }

    /// A `/v1/stream` WebSocket opened (under `connection` when one was reserved).
    @discardableResult
    public func open(query: DecartConnectQuery, endpoint: DecartServerEndpoint, sink: any DecartControlSink, rules: DecartRules? = nil,
                     connection reserved: ConnectionID? = nil) -> ConnectionID {
        let now = clock.now()
        return locked {
            let connection: ConnectionID
            if let reserved {
                connection = reserved
            } else {
                nextConnection += 1
                connection = ConnectionID(nextConnection)
            }
            sinks[connection] = sink
            log.append(EventRecord(kind: "control.open", connection: connection, detail: [
                "model": .string(query.model ?? ""), "user_agent": .string(query.userAgent ?? ""),
            ]))
            run(engine.handle(.connectionOpened(connection, query: query, endpoint: endpoint, rules: rules ?? rulesOverride), now: now))
            return connection
        }
    }

    /// A text frame arrived: decoded outside the lock, then through the `control.in` tap.
    public func received(text: String, on connection: ConnectionID) {
        let decoded: Result<DecartDecodedFrame, DecartDecodeError>
        do {
            decoded = .success(try decoder.decode(text))
        } catch {
            decoded = .failure(error)
        }
        let now = clock.now()
        locked {
            guard sinks[connection] != nil else { return }
            switch decoded {
            case .success(let frame):
                let kind = frame.message.type
                let context = TapContext(tap: .controlIn, kind: kind, connection: connection)
                inboundGate.admit((connection, frame), at: .controlIn, context: { context }).run(
                    deliver: { _ in processInbound(frame, on: connection, now: now) },
                    later: { _, delay in _ = scheduler.schedule(after: delay) { [weak self] in self?.deliverInbound(frame, on: connection) } },
                    end: { end(connection, $0) }
                )
            case .failure(let error):
                run(engine.handle(.frameRejected(connection, error), now: now))
            }
        }
    }

    /// Logs a frame as crossing `control.in` and hands it to the engine (lock held).
    private func processInbound(_ frame: DecartDecodedFrame, on connection: ConnectionID, now: SimInstant) {
        log.append(EventRecord(kind: "control.in.\(frame.message.type)", connection: connection, tap: .controlIn, direction: .inbound,
                               detail: DecartMessageDescription.detail(of: frame.message)))
        run(engine.handle(.messageReceived(connection, frame), now: now))
    }

    private func deliverInbound(_ frame: DecartDecodedFrame, on connection: ConnectionID) {
        let now = clock.now()
        locked {
            guard sinks[connection] != nil else { return }
            processInbound(frame, on: connection, now: now)
        }
    }

    private func deliverLater(_ message: DecartServerMessage, to connection: ConnectionID) {
        locked { deliver(message, to: connection) }
    }

    /// Logs a message as crossing `control.out` and writes it (lock held).
    private func deliver(_ message: DecartServerMessage, to connection: ConnectionID) {
        guard let sink = sinks[connection] else { return }
        log.append(EventRecord(kind: "control.out.\(message.type)", connection: connection, tap: .controlOut, direction: .outbound,
                               detail: DecartMessageDescription.detail(of: message)))
        sink.write(DecartMessageEncoder.encode(message))
    }

    /// Closes or aborts `connection` now (lock held), as the engine's close action or a scenario does.
    private func end(_ connection: ConnectionID, _ ending: ConnectionEnding) {
        guard let sink = sinks.removeValue(forKey: connection) else { return }
        var detail: [String: EventValue] = ["code": .int(Int64(ending.code)), "reason": .string(ending.reason), "by": "server"]
        switch ending {
        case .close(let code, let reason): sink.close(code: code, reason: reason)
        case .abort:
            detail["aborted"] = .bool(true)
            sink.abort()
        }
        log.append(EventRecord(kind: "control.close", connection: connection, detail: detail))
        run(engine.handle(.connectionClosed(connection, code: ending.code, reason: ending.reason), now: clock.now()))
    }

    // MARK: Scenario interception

    /// Changes the rules connections opened from now on get (a scenario's Decart policies); `reset` restores the
    /// configuration's.
    public func updateRules(reset: Bool = false, _ body: (inout DecartRules) -> Void = { _ in }) {
        locked {
            if reset {
                rulesOverride = nil
                return
            }
            var rules = rulesOverride ?? engine.configuration.rules
            body(&rules)
            rulesOverride = rules
        }
    }

    /// Changes the rules of one open connection from now on (a scenario that connection selected).
    public func updateRules(for connection: ConnectionID, _ body: (inout DecartRules) -> Void) {
        lock.withLock { engine.updateRules(connection, body) }
    }

    /// The rules connections opened now get (the configuration's, or a server-wide scenario's).
    public var currentRules: DecartRules {
        lock.withLock { rulesOverride ?? engine.configuration.rules }
    }

    /// Connects the scenario engine's shell (nil removes it).
    public func attachInterceptor(_ interceptor: (any TapInterceptor)?) {
        lock.withLock {
            inboundGate.attach(interceptor)
            outboundGate.attach(interceptor)
        }
    }

    /// Delivers held messages (by the interceptor's ids), in order.
    public func releaseHeld(_ ids: [UInt64]) {
        let now = clock.now()
        locked {
            for id in ids {
                if let (connection, message) = outboundGate.release(id) {
                    deliver(message, to: connection)
                } else if let (connection, frame) = inboundGate.release(id), sinks[connection] != nil {
                    processInbound(frame, on: connection, now: now)
                }
            }
        }
    }

    /// A scenario command: close or abort `connection` (every control connection when nil).
    public func endControl(_ connection: ConnectionID?, _ ending: ConnectionEnding) {
        locked {
            let targets = connection.map { [$0] } ?? sinks.keys.sorted()
            for target in targets { end(target, ending) }
        }
    }

    /// A scenario command: the server ends `connection`'s session (`error`, `generation_ended`, close); all when nil.
    public func endSession(_ connection: ConnectionID?, reason: GenerationEndReason, errorText: String?) {
        let now = clock.now()
        locked {
            let targets = connection.map { [$0] } ?? sinks.keys.sorted()
            for target in targets { run(engine.handle(.sessionEndRequested(target, reason: reason, errorText: errorText), now: now)) }
        }
    }

    /// A binary frame arrived (the protocol has none).
    public func received(binaryCount: Int, on connection: ConnectionID) {
        let now = clock.now()
        locked {
            guard sinks[connection] != nil else { return }
            run(engine.handle(.binaryFrameReceived(connection, byteCount: binaryCount), now: now))
        }
    }

    /// The WebSocket closed (by the peer or after our close).
    public func closed(_ connection: ConnectionID, code: UInt16?, reason: String) {
        let now = clock.now()
        locked {
            guard sinks.removeValue(forKey: connection) != nil else { return }
            log.append(EventRecord(kind: "control.close", connection: connection, detail: [
                "code": .int(Int64(code ?? 1005)), "reason": .string(reason),
            ]))
            run(engine.handle(.connectionClosed(connection, code: code, reason: reason), now: now))
        }
    }

    /// The room or media side reports back (room created, the client published, peer answered, frame counts…).
    public func notify(_ event: DecartEvent) {
        let now = clock.now()
        locked { run(engine.handle(event, now: now)) }
    }

    // MARK: Running actions (lock held)

    private func timerFired(_ timer: DecartTimer) {
        let now = clock.now()
        locked {
            guard timers.removeValue(forKey: timer) != nil else { return }
            run(engine.handle(.timerFired(timer), now: now))
        }
    }

    /// Runs `body` under the lock, then the room work it queued, outside the lock.
    private func locked<Value>(_ body: () -> Value) -> Value {
        let value = lock.withLock(body)
        if roomWork.count > 0, let rooms = lock.withLock({ rooms }) {
            roomWork.drain { Self.perform($0, on: rooms) }
        }
        return value
    }

    /// Runs one room or peer action on the delegate (outside the lock).
    private static func perform(_ action: DecartAction, on rooms: any DecartRoomDelegate) {
        switch action {
        case .createRoom(let connection, let request):
            rooms.createRoom(for: connection, request: request)
        case .releaseRoom(let connection, let room):
            rooms.releaseRoom(for: connection, room: room)
        case .startInference(let connection, let parameters):
            rooms.startInference(for: connection, parameters: parameters)
        case .setInitialState(let connection, let state):
            rooms.stateChanged(for: connection, state: state, initial: true)
        case .updateState(let connection, let state):
            rooms.stateChanged(for: connection, state: state, initial: false)
        case .stopInference(let connection):
            rooms.stopInference(for: connection)
        case .startPeer(let connection, let sdp):
            rooms.startPeer(for: connection, offerSDP: sdp)
        case .addRemoteCandidate(let connection, let candidate):
            rooms.addRemoteCandidate(for: connection, candidate: candidate)
        case .closePeer(let connection):
            rooms.closePeer(for: connection)
        case .send, .close, .armTimer, .cancelTimer, .log:
            break  // run under the lock by `run`
        }
    }

    private func run(_ actions: [DecartAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let message):
                guard sinks[connection] != nil else { continue }
                let context = TapContext(tap: .controlOut, kind: message.type, connection: connection)
                outboundGate.admit((connection, message), at: .controlOut, context: { context }).run(
                    deliver: { _ in deliver(message, to: connection) },
                    later: { _, delay in _ = scheduler.schedule(after: delay) { [weak self] in self?.deliverLater(message, to: connection) } },
                    end: { end(connection, $0) }
                )
            case .close(let connection, let code, let reason):
                end(connection, .close(code: code.rawValue, reason: reason))
            case .armTimer(let timer, let delay):
                timers.removeValue(forKey: timer)?.cancel()
                timers[timer] = scheduler.schedule(after: delay) { [weak self] in self?.timerFired(timer) }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .log(let record):
                log.append(record)
            case .createRoom, .releaseRoom, .startInference, .setInitialState, .updateState, .stopInference, .startPeer,
                 .addRemoteCandidate, .closePeer:
                roomWork.enqueue(action)
            }
        }
    }
}
