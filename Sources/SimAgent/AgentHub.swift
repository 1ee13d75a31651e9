import Foundation
import SimAuth
import SimCore
import SimFaults
import SimProto
import SimSignal
import SwiftProtobuf

/// The shell around `AgentDispatcher`: owns it behind a lock, decodes worker frames, crosses the `agent.in` and
/// `agent.out` taps, writes to the workers' sockets, arms timers and logs. Room events reach it from the signal hub
/// (through the server's glue), Twirp calls from `AgentDispatchService`.
///
/// Every dispatcher step and its actions run under one lock; sinks and schedulers never call back synchronously.
public final class AgentHub: SignalFrameReceiver, @unchecked Sendable {
    private let lock = NSLock()
    private var engine: AgentDispatcher
    private var sinks: [ConnectionID: any SignalConnectionSink] = [:]
    private var timers: [AgentTimer: any TimerHandle] = [:]
    private var nextConnection: UInt64
    private var inboundGate = TapGate<(ConnectionID, Livekit_WorkerMessage)>()
    private var outboundGate = TapGate<(ConnectionID, Livekit_ServerMessage)>()
    /// The time source.
    public let clock: any SimClock
    /// The event log (shared with the rest of the server).
    public let log: EventLog
    private let scheduler: any TimerScheduler
    private let maxMessageSize: Int

    /// A hub over `engine`. Connection ids start at `firstConnection` so they never collide with the signal and
    /// control hubs' in the shared event log.
    public init(engine: AgentDispatcher, clock: any SimClock, log: EventLog, scheduler: any TimerScheduler,
                firstConnection: UInt64 = 2_000_000) {
        self.engine = engine
        self.clock = clock
        self.log = log
        self.scheduler = scheduler
        maxMessageSize = engine.configuration.maxMessageSize
        nextConnection = firstConnection
    }

    /// Reads the dispatcher without changing it.
    public func inspect<Value>(_ body: (AgentDispatcher) -> Value) -> Value {
        lock.withLock { body(engine) }
    }

    /// Runs one dispatcher operation (a Twirp call, a room event) and its actions under the lock.
    public func withEngine<Value>(_ body: (inout AgentDispatcher, Date) -> (Value, [AgentAction])) -> Value {
        let wall = clock.wallNow()
        return lock.withLock {
            let (value, actions) = body(&engine, wall)
            run(actions)
            return value
        }
    }

    // MARK: Sockets

    /// A worker's `/agent` WebSocket opened, authenticated with `apiKey`.
    @discardableResult
    public func open(apiKey: APIKey, sink: any SignalConnectionSink) -> ConnectionID {
        lock.withLock {
            nextConnection += 1
            let connection = ConnectionID(nextConnection)
            sinks[connection] = sink
            log.append(EventRecord(kind: "agent.open", connection: connection, detail: ["api_key": .string(apiKey.rawValue)]))
            run(engine.connectionOpened(connection, apiKey: apiKey))
            return connection
        }
    }

    /// A frame arrived from a worker: binary protobuf or protojson text, at most `maxMessageSize` bytes.
    public func received(_ frame: SignalFrame, on connection: ConnectionID) {
        let decoded: Result<Livekit_WorkerMessage, RejectedFrame>
        let size = switch frame {
        case .binary(let bytes): bytes.count
        case .text(let text): text.utf8.count
        }
        switch frame {
        case _ where size > maxMessageSize:
            decoded = .failure(RejectedFrame(code: 1009, reason: "message too large"))
        case .binary(let bytes):
            decoded = Result { try Livekit_WorkerMessage(serializedBytes: bytes) }.mapError { _ in RejectedFrame(code: 1007, reason: "invalid WorkerMessage") }
        case .text(let text):
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            decoded = Result { try Livekit_WorkerMessage(jsonString: text, options: options) }
                .mapError { _ in RejectedFrame(code: 1007, reason: "invalid WorkerMessage") }
        }
        let wall = clock.wallNow()
        lock.withLock {
            guard sinks[connection] != nil else { return }
            switch decoded {
            case .failure(let rejected):
                run(engine.frameRejected(connection, code: rejected.code, reason: rejected.reason))
            case .success(let message):
                // The context is built only when a fault acts at the tap.
                inboundGate.admit((connection, message), at: .agentIn, context: { inboundContext(message, on: connection) }).run(
                    deliver: { _ in processInbound(message, on: connection, wall: wall) },
                    later: { _, delay in
                        _ = scheduler.schedule(after: delay) { [weak self] in self?.deliverInbound(message, on: connection) }
                    },
                    end: { end(connection, $0) }
                )
            }
        }
    }

    /// The socket closed (by the worker, or after our close).
    public func closed(_ connection: ConnectionID) {
        let wall = clock.wallNow()
        lock.withLock {
            guard sinks.removeValue(forKey: connection) != nil else { return }
            log.append(EventRecord(kind: "agent.close", connection: connection, detail: ["by": "worker"]))
            run(engine.connectionClosed(connection, wall: wall))
        }
    }

    /// Why a frame was refused before decoding finished: the close code and reason.
    private struct RejectedFrame: Error {
        var code: UInt16
        var reason: String
    }

    // MARK: Scenario interception

    /// Connects the scenario engine's shell (nil removes it).
    public func attachInterceptor(_ interceptor: (any TapInterceptor)?) {
        lock.withLock {
            inboundGate.attach(interceptor)
            outboundGate.attach(interceptor)
        }
    }

    /// Delivers held messages (by the interceptor's ids), in order.
    public func releaseHeld(_ ids: [UInt64]) {
        let wall = clock.wallNow()
        lock.withLock {
            for id in ids {
                if let (connection, message) = outboundGate.release(id) {
                    deliver(message, to: connection)
                } else if let (connection, message) = inboundGate.release(id), sinks[connection] != nil {
                    processInbound(message, on: connection, wall: wall)
                }
            }
        }
    }

    /// A scenario command: close or abort a worker's socket (every worker's when `connection` is nil).
    public func endWorker(_ connection: ConnectionID?, _ ending: ConnectionEnding) {
        lock.withLock {
            let targets = connection.map { [$0] } ?? sinks.keys.sorted()
            for target in targets { end(target, ending) }
        }
    }

    /// How many worker sockets are open.
    public var connectionCount: Int { lock.withLock { sinks.count } }

    // MARK: Running (lock held)

    private func inboundContext(_ message: Livekit_WorkerMessage, on connection: ConnectionID) -> TapContext {
        TapContext(tap: .agentIn, kind: AgentMessageDescription.kind(of: message), connection: connection,
                   room: AgentMessageDescription.jobID(of: message).flatMap(engine.room(ofJob:)), direction: .inbound)
    }

    private func processInbound(_ message: Livekit_WorkerMessage, on connection: ConnectionID, wall: Date) {
        let context = inboundContext(message, on: connection)
        log.append(EventRecord(kind: "agent.in.\(context.kind)", connection: connection, room: context.room, tap: .agentIn,
                               direction: .inbound, detail: AgentMessageDescription.detail(of: message)))
        run(engine.messageReceived(connection, message, wall: wall))
    }

    private func deliverInbound(_ message: Livekit_WorkerMessage, on connection: ConnectionID) {
        let wall = clock.wallNow()
        lock.withLock {
            guard sinks[connection] != nil else { return }
            processInbound(message, on: connection, wall: wall)
        }
    }

    private func deliver(_ message: Livekit_ServerMessage, to connection: ConnectionID) {
        guard let sink = sinks[connection], let bytes: [UInt8] = try? message.serializedBytes() else { return }
        let room = AgentMessageDescription.jobID(of: message).flatMap(engine.room(ofJob:))
        log.append(EventRecord(kind: "agent.out.\(AgentMessageDescription.kind(of: message))", connection: connection, room: room,
                               tap: .agentOut, direction: .outbound, detail: AgentMessageDescription.detail(of: message)))
        sink.write(.binary(bytes))
    }

    private func end(_ connection: ConnectionID, _ ending: ConnectionEnding) {
        guard let sink = sinks.removeValue(forKey: connection) else { return }
        var detail: [String: EventValue] = ["code": .int(Int64(ending.code)), "reason": .string(ending.reason), "by": "server"]
        switch ending {
        case .close(let code, let reason): sink.close(code: code, reason: reason)
        case .abort:
            detail["aborted"] = .bool(true)
            sink.abort()
        }
        log.append(EventRecord(kind: "agent.close", connection: connection, detail: detail))
        run(engine.connectionClosed(connection, wall: clock.wallNow()))
    }

    private func timerFired(_ timer: AgentTimer) {
        let wall = clock.wallNow()
        lock.withLock {
            guard timers.removeValue(forKey: timer) != nil else { return }
            run(engine.timerFired(timer, wall: wall))
        }
    }

    private func run(_ actions: [AgentAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let message, let room):
                guard sinks[connection] != nil else { continue }
                let context = { TapContext(tap: .agentOut, kind: AgentMessageDescription.kind(of: message), connection: connection, room: room,
                                           direction: .outbound) }
                outboundGate.admit((connection, message), at: .agentOut, context: context).run(
                    deliver: { _ in deliver(message, to: connection) },
                    later: { _, delay in
                        _ = scheduler.schedule(after: delay) { [weak self] in
                            guard let self else { return }
                            self.lock.withLock { self.deliver(message, to: connection) }
                        }
                    },
                    end: { end(connection, $0) }
                )
            case .close(let connection, let code, let reason):
                end(connection, .close(code: code, reason: reason))
            case .armTimer(let timer, let delay):
                timers.removeValue(forKey: timer)?.cancel()
                timers[timer] = scheduler.schedule(after: delay) { [weak self] in self?.timerFired(timer) }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .log(let record):
                log.append(record)
            }
        }
    }
}

extension AgentHub {
    /// Checks a worker's `/agent` credentials as LiveKit does: a token (Bearer header or `access_token`) whose
    /// `video` grant has `agent: true` (`sub` may be empty). Returns the API key job tokens are signed with.
    public static func authorize(authorization: String?, queryToken: String?, verifier: TokenVerifier, now: Date) -> Result<APIKey, SignalRejection> {
        let raw: String?
        switch AuthorizationHeader.token(from: authorization, queryToken: queryToken) {
        case .failure(let rejection): return .failure(SignalRejection(status: rejection.status, message: rejection.message))
        case .success(let token): raw = token
        }
        guard let raw, !raw.isEmpty else { return .failure(SignalRejection(status: 401, message: "no permissions to access the room")) }
        do {
            let token = try verifier.verify(raw, now: now)
            guard token.video?.agent == true else { return .failure(SignalRejection(status: 401, message: "no permissions to access the room")) }
            return .success(token.apiKey)
        } catch {
            return .failure(SignalRejection(status: 401, message: error.httpMessage))
        }
    }
}
