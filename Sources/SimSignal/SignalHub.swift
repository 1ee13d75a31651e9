import Foundation
import SimCore
import SimFaults
import SimProto
import SimRoom
import SwiftProtobuf

/// The shell around `SignalServerStateMachine`: owns the engine behind a lock, decodes frames, runs actions
/// (writes through the `signal.out` tap, closes, timers, event log). Transport-agnostic: the HTTP/WebSocket layer
/// hands it connects and frames and gives it a sink per connection.
///
/// Every engine step and its actions run under one lock, so the order of messages across connections is the
/// order the engine decided. Sinks and schedulers must not block or call back synchronously.
public final class SignalHub: SignalFrameReceiver, @unchecked Sendable {
    private let lock = NSLock()
    private var engine: SignalServerStateMachine
    private var sinks: [ConnectionID: any SignalConnectionSink] = [:]
    private let maxMessageSize: Int
    private var timers: [SignalTimer: any TimerHandle] = [:]
    private var nextConnection: UInt64 = 0
    /// Connect validation.
    public let validator: ConnectValidator
    /// The time source.
    public let clock: any SimClock
    /// The event log.
    public let log: EventLog
    private let scheduler: any TimerScheduler
    private weak var media: (any SignalMediaDelegate)?
    /// The `signal.in` tap: requests on their way to the engine.
    private var inboundGate = TapGate<(ConnectionID, Livekit_SignalRequest, SignalEncoding)>()
    /// The `signal.out` tap: responses on their way to a connection.
    private var outboundGate = TapGate<(ConnectionID, Livekit_SignalResponse)>()
    /// The `data.in` tap: DataPackets from a participant's data channel, before the engine forwards them.
    private var dataInGate = TapGate<(ParticipantSID, DataChannelLabel, [UInt8])>()
    /// The `data.out` tap: DataPackets to each recipient, before they go to its data channel.
    private var dataOutGate = TapGate<(ParticipantSID, [UInt8], DataChannelLabel)>()
    /// Media work and room notifications the engine decided, run after the lock is released (in order, one
    /// thread at a time).
    private let effects = EffectQueue<SignalHubEffect>()
    /// Who hears of room events (`addRoomObserver`).
    private var observers: [@Sendable (RoomNotification) -> Void] = []

    /// A hub over `engine`.
    public init(engine: SignalServerStateMachine, validator: ConnectValidator, clock: any SimClock, log: EventLog,
                scheduler: any TimerScheduler) {
        self.engine = engine
        maxMessageSize = engine.configuration.maxMessageSize
        self.validator = validator
        self.clock = clock
        self.log = log
        self.scheduler = scheduler
    }

    /// Connects the media layer (set once, before serving).
    public func attachMedia(_ delegate: any SignalMediaDelegate) {
        lock.withLock { media = delegate }
    }

    /// The engine's settings.
    public var configuration: SignalConfiguration { engine.configuration }

    // MARK: Connections

    /// Validates a connect (or `/validate`) request; rejections are logged as `http.rejected`.
    public func validate(_ request: ConnectRequest) -> Result<ConnectPlan, SignalRejection> {
        let wall = clock.wallNow()
        let result = lock.withLock { validator.validate(request, now: wall, roomAccepts: { engine.rooms.acceptsJoin(room: $0) }) }
        if case .failure(let rejection) = result {
            log.append(EventRecord(kind: "http.rejected", detail: [
                "path": .string(request.path.rawValue), "status": .int(Int64(rejection.status)), "message": .string(rejection.message),
            ]))
        }
        return result
    }

    /// Validates without logging (the upgrade decision; the HTTP fallback logs the rejection).
    public func inspectValidation(_ request: ConnectRequest) -> Result<ConnectPlan, SignalRejection> {
        let wall = clock.wallNow()
        return lock.withLock { validator.validate(request, now: wall, roomAccepts: { engine.rooms.acceptsJoin(room: $0) }) }
    }

    /// A validated WebSocket is open: registers its sink and joins (or resumes).
    @discardableResult
    public func open(_ plan: ConnectPlan, sink: any SignalConnectionSink) -> ConnectionID {
        let wall = clock.wallNow()
        let (connection, delegate): (ConnectionID, (any SignalMediaDelegate)?) = lock.withLock {
            nextConnection += 1
            return (ConnectionID(nextConnection), media)
        }
        // Transports are created outside the lock (an ICE agent thread starts) so other connections' signalling
        // never waits: the publisher PC's when the client offers, the subscriber PC's (dual-PC) at join. A resumed
        // participant keeps its own.
        var transports: [PeerTarget: LocalTransportParameters] = [:]
        if let delegate, !plan.isResume, !plan.isVirtual {
            if plan.publisherOffer != nil, let parameters = delegate.transportOpened(for: connection, target: .publisher) {
                transports[.publisher] = parameters
            }
            if plan.join.mode == .dualPC, plan.join.permission.canSubscribe,
               let parameters = delegate.transportOpened(for: connection, target: .subscriber) {
                transports[.subscriber] = parameters
            }
        }
        return locked {
            sinks[connection] = sink
            run(engine.connectionOpened(connection, plan: plan, transports: transports, wall: wall))
            return connection
        }
    }

    /// A frame arrived on `connection`.
    public func received(_ frame: SignalFrame, on connection: ConnectionID) {
        switch decode(frame) {
        case .failure(let rejection):
            locked {
                guard sinks[connection] != nil else { return }
                run(engine.frameRejected(connection, code: rejection.code, reason: rejection.reason))
            }
        case .success(let (request, encoding)):
            let wall = clock.wallNow()
            let awaiting: AwaitingTransport? = locked {
                guard sinks[connection] != nil else { return nil }
                let context = tapContext(.signalIn, kind: SignalMessageDescription.kind(of: request), connection: connection)
                switch inboundGate.admit((connection, request, encoding), at: .signalIn, context: { context }) {
                case .deliver(_, let times):
                    return processInbound(request, encoding: encoding, on: connection, times: times, wall: wall)
                case .fail:  // an HTTP tap's answer: not produced here
                    return processInbound(request, encoding: encoding, on: connection, times: 1, wall: wall)
                case .deliverLater(_, let delay):
                    scheduleInbound(request, encoding: encoding, on: connection, after: delay)
                case .end(let ending):
                    end(connection, ending)
                case .none:
                    break
                }
                return nil
            }
            awaiting.map(completeOffer)
        }
    }

    /// An offer that crossed `signal.in` before its PeerConnection had a transport: the transport is created
    /// outside the lock (an ICE agent thread starts), then the offer reaches the engine.
    private struct AwaitingTransport {
        var connection: ConnectionID
        var request: Livekit_SignalRequest
        var encoding: SignalEncoding
        var times: Int
    }

    /// Hands a request that crossed `signal.in` to the engine `times` times (lock held), unless it is an offer
    /// whose publisher transport does not exist yet: that one is returned for ``completeOffer(_:)``. A dropped,
    /// held or delayed offer therefore opens no transport until it is delivered.
    private func processInbound(_ request: Livekit_SignalRequest, encoding: SignalEncoding, on connection: ConnectionID,
                                times: Int = 1, wall: Date) -> AwaitingTransport? {
        if case .offer = request.message, media != nil, engine.needsTransport(connection, target: .publisher) {
            return AwaitingTransport(connection: connection, request: request, encoding: encoding, times: times)
        }
        handInbound(request, encoding: encoding, on: connection, times: times, wall: wall)
        return nil
    }

    /// Logs a request as crossing `signal.in` and runs the engine on it (lock held).
    private func handInbound(_ request: Livekit_SignalRequest, encoding: SignalEncoding, on connection: ConnectionID,
                             times: Int, wall: Date) {
        let context = tapContext(.signalIn, kind: SignalMessageDescription.kind(of: request), connection: connection)
        for _ in 0..<times {
            log.append(record(context, direction: .inbound, detail: SignalMessageDescription.detail(of: request)))
            run(engine.requestReceived(connection, request, encoding: encoding, wall: wall))
        }
    }

    /// Creates the publisher transport for an offer outside the lock, hands it to the engine (and the participant),
    /// then lets the offer through.
    private func completeOffer(_ offer: AwaitingTransport) {
        let delegate = lock.withLock { media }
        let parameters = delegate?.transportOpened(for: offer.connection, target: .publisher)
        let wall = clock.wallNow()
        locked {
            guard sinks[offer.connection] != nil else {
                // The connection closed while its transport was being made: nothing will bind it.
                if parameters != nil { effects.enqueue(.connectionClosed(offer.connection)) }
                return
            }
            if let parameters {
                engine.transportAttached(offer.connection, target: .publisher, parameters: parameters)
                if let found = engine.context(for: offer.connection), let participant = found.participant {
                    effects.enqueue(.media(.participantBound(offer.connection, participant, found.room)))
                }
            }
            handInbound(offer.request, encoding: offer.encoding, on: offer.connection, times: offer.times, wall: wall)
        }
    }

    private func scheduleInbound(_ request: Livekit_SignalRequest, encoding: SignalEncoding, on connection: ConnectionID, after delay: Duration) {
        _ = scheduler.schedule(after: delay) { [weak self] in
            guard let self else { return }
            let wall = self.clock.wallNow()
            let awaiting: AwaitingTransport? = self.locked {
                guard self.sinks[connection] != nil else { return nil }
                return self.processInbound(request, encoding: encoding, on: connection, wall: wall)
            }
            awaiting.map(self.completeOffer)
        }
    }

    /// Runs `body` under the lock, then the effects it queued, outside the lock.
    private func locked<Value>(_ body: () -> Value) -> Value {
        let value = lock.withLock(body)
        runEffects()
        return value
    }

    /// Runs queued effects in order, outside the lock (one thread at a time; see `EffectQueue`).
    private func runEffects() {
        guard effects.count > 0 else { return }
        let delegate: (any SignalMediaDelegate)? = lock.withLock { media }
        let observers: [@Sendable (RoomNotification) -> Void] = lock.withLock { self.observers }
        effects.drain { effect in
            if case .notify(let notification) = effect {
                for observer in observers { observer(notification) }
            } else if let delegate {
                perform(effect, on: delegate)
            }
        }
    }

    /// Data the server sends (RoomService `SendData`): delivered by the engine's rules (reliable packets wait for
    /// recipients still joining), after the lock.
    public func deliverData(_ packet: [UInt8], reliable: Bool, to recipients: [ParticipantSID]) {
        locked { run(engine.serverData(packet, reliable: reliable, to: recipients)) }
    }

    /// One of `participant`'s data channels opened (its `_reliable` one makes it writable: what it missed while
    /// joining is delivered now).
    public func dataChannelOpened(_ channel: DataChannelLabel, participant: ParticipantSID) {
        locked { run(engine.dataChannelOpened(channel, participant: participant, at: clock.now())) }
    }

    /// A message arrived on one of `participant`'s data channels: a DataPacket (`_reliable`, `_lossy`) or a
    /// data-track frame (`_data_track`), forwarded by the engine's rules, delivered after the lock.
    public func dataReceived(_ packet: [UInt8], on channel: DataChannelLabel, participant: ParticipantSID) {
        locked {
            // The context (which parses the packet for its kind) is built only when a fault acts at data.in.
            dataInGate.admit((participant, channel, packet), at: .dataIn) {
                let described = engine.dataDescription(of: packet, on: channel, from: participant)
                return dataContext(.dataIn, kind: described.kind, topic: described.topic, participant: participant)
            }.run(
                deliver: { _ in run(engine.dataReceived(packet, on: channel, from: participant, at: clock.now())) },
                later: { _, delay in
                    _ = scheduler.schedule(after: delay) { [weak self] in
                        guard let self else { return }
                        self.locked { self.run(self.engine.dataReceived(packet, on: channel, from: participant, at: self.clock.now())) }
                    }
                },
                end: { ending in engine.rooms.participants[participant]?.connection.map { end($0, ending) } }
            )
        }
    }

    /// The context of a DataPacket at a data tap, for `participant` (the sender at `data.in`, the recipient at
    /// `data.out`) (lock held).
    private func dataContext(_ tap: TapPoint, kind: String, topic: String? = nil, participant: ParticipantSID) -> TapContext {
        let found = engine.rooms.participants[participant]
        return TapContext(tap: tap, kind: kind, connection: found?.connection, room: found?.room, participant: participant,
                          identity: found?.identity, direction: tap == .dataIn ? .inbound : .outbound, topic: topic)
    }

    /// Calls `observer` with every room notification from now on, outside the hub's lock, in the engine's order.
    /// It may call the hub.
    public func addRoomObserver(_ observer: @escaping @Sendable (RoomNotification) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    // MARK: Scenario interception

    /// Connects the scenario engine's shell (set when a scenario is loaded; nil removes it).
    public func attachInterceptor(_ interceptor: (any TapInterceptor)?) {
        locked {
            inboundGate.attach(interceptor)
            outboundGate.attach(interceptor)
            dataInGate.attach(interceptor)
            dataOutGate.attach(interceptor)
        }
    }

    /// Delivers held messages (by the ids the interceptor gave), in order; unknown ids are ignored.
    public func releaseHeld(_ ids: [UInt64]) {
        let wall = clock.wallNow()
        for id in ids {
            let awaiting: AwaitingTransport? = locked {
                if let (connection, response) = outboundGate.release(id) {
                    guard sinks[connection] != nil else { return nil }
                    deliver(response, to: connection, context: outboundContext(response, connection: connection))
                } else if let (connection, request, encoding) = inboundGate.release(id) {
                    guard sinks[connection] != nil else { return nil }
                    return processInbound(request, encoding: encoding, on: connection, wall: wall)
                } else if let (sender, channel, packet) = dataInGate.release(id) {
                    run(engine.dataReceived(packet, on: channel, from: sender, at: clock.now()))
                } else if let (recipient, packet, channel) = dataOutGate.release(id) {
                    effects.enqueue(.data(recipient, packet, channel: channel))
                }
                return nil
            }
            awaiting.map(completeOffer)
        }
    }

    /// Closes or aborts `connection` now, as the engine's close action or a scenario does (lock held).
    private func end(_ connection: ConnectionID, _ ending: ConnectionEnding) {
        guard let sink = sinks.removeValue(forKey: connection) else { return }
        switch ending {
        case .close(let code, let reason): sink.close(code: code, reason: reason)
        case .abort: sink.abort()
        }
        effects.enqueue(.connectionClosed(connection))
        run(engine.connectionClosed(connection, wall: clock.wallNow()))
    }

    /// A scenario command: close or abort one signal connection, or those of `identity`, or all (both nil).
    public func endSignal(connection target: ConnectionID?, identity: Identity?, room: RoomName? = nil, _ ending: ConnectionEnding) {
        locked {
            let targets = scenarioTargets(target, identity: identity, room: room)
            for connection in targets.sorted() { end(connection, ending) }
        }
    }

    /// The connections a scenario command names (lock held): `target`, or those of `identity` (all when nil),
    /// only in `room` when given (a room's own scenario reaches no other room).
    private func scenarioTargets(_ target: ConnectionID?, identity: Identity?, room: RoomName?) -> [ConnectionID] {
        sinks.keys.filter { connection in
            if let target { return connection == target }
            guard let found = engine.context(for: connection) else { return false }
            return (identity == nil || found.identity == identity) && (room == nil || found.room == room)
        }
    }

    /// A scenario command: change the room model's switches (refused resumes, SID kept on rejoin), server-wide or
    /// for one room.
    public func updateRoomPolicies(room: RoomName? = nil, _ body: (inout RoomPolicies) -> Void) {
        lock.withLock { engine.updateRoomPolicies(room: room, body) }
    }

    /// Forgets every room's own switches (a reset).
    public func clearRoomPolicies() {
        lock.withLock { engine.clearRoomPolicies() }
    }

    /// A scenario command: send a LeaveRequest with `notice` to `identity`'s participant (everyone's when nil).
    public func sendLeave(_ notice: LeaveNotice, connection target: ConnectionID?, identity: Identity?, room: RoomName? = nil) {
        let wall = clock.wallNow()
        locked {
            let targets = scenarioTargets(target, identity: identity, room: room)
            for connection in targets.sorted() { run(engine.leaveCommanded(connection, notice, wall: wall)) }
        }
    }

    /// A scenario command: run a SimulateScenario case as if the client on `connection`, or `identity`'s, had asked
    /// (everyone's when both are nil).
    public func simulate(_ simulated: SimulatedScenario, connection target: ConnectionID?, identity: Identity?, room: RoomName? = nil) {
        let wall = clock.wallNow()
        locked {
            let targets = scenarioTargets(target, identity: identity, room: room)
            var request = Livekit_SignalRequest()
            request.message = .simulate(Livekit_SimulateScenario(simulated))
            for connection in targets.sorted() { run(engine.requestReceived(connection, request, encoding: engine.encoding(for: connection), wall: wall)) }
        }
    }

    /// Why a frame could not be decoded.
    private struct FrameRejection: Error {
        var code: SignalCloseCode
        var reason: String
    }

    /// Decodes a frame (binary protobuf or protojson text) without touching hub state.
    private func decode(_ frame: SignalFrame) -> Result<(Livekit_SignalRequest, SignalEncoding), FrameRejection> {
        switch frame {
        case .binary(let bytes):
            guard bytes.count <= maxMessageSize else {
                return .failure(FrameRejection(code: .messageTooBig, reason: "message over \(maxMessageSize) bytes"))
            }
            guard let decoded = try? Livekit_SignalRequest(serializedBytes: bytes) else {
                return .failure(FrameRejection(code: .invalidPayload, reason: "malformed SignalRequest protobuf"))
            }
            return .success((decoded, .binary))
        case .text(let text):
            guard text.utf8.count <= maxMessageSize else {
                return .failure(FrameRejection(code: .messageTooBig, reason: "message over \(maxMessageSize) bytes"))
            }
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            guard let decoded = try? Livekit_SignalRequest(jsonString: text, options: options) else {
                return .failure(FrameRejection(code: .invalidPayload, reason: "malformed SignalRequest JSON"))
            }
            return .success((decoded, .json))
        }
    }

    /// The WebSocket closed (by the peer or after our close).
    public func closed(_ connection: ConnectionID) {
        let wall = clock.wallNow()
        locked {
            guard sinks.removeValue(forKey: connection) != nil else { return }
            effects.enqueue(.connectionClosed(connection))
            run(engine.connectionClosed(connection, wall: wall))
        }
    }

    /// The media layer gathered a local candidate on a participant's `target` transport.
    public func localCandidateGathered(_ candidate: String, participant: ParticipantSID, target: PeerTarget, final: Bool = false) {
        locked { run(engine.localCandidateGathered(participant, target: target, candidate: candidate, final: final)) }
    }

    /// The media layer reports one of a participant's transports up (the primary one makes it ACTIVE).
    public func transportConnected(_ participant: ParticipantSID, target: PeerTarget) {
        let wall = clock.wallNow()
        locked { run(engine.transportConnected(participant, target: target, wall: wall)) }
    }

    /// Joins a participant that lives inside the server (no socket, no transport), ACTIVE at once; its
    /// messages go nowhere (they are still logged). Returns its connection and SID, or nil if the join failed.
    public func joinVirtual(_ plan: ConnectPlan) -> (ConnectionID, ParticipantSID)? {
        var plan = plan
        plan.isVirtual = true
        let wall = clock.wallNow()
        return locked {
            nextConnection += 1
            let connection = ConnectionID(nextConnection)
            sinks[connection] = DiscardingSink()
            run(engine.connectionOpened(connection, plan: plan, wall: wall))
            guard let participant = engine.participant(of: connection) else {
                sinks[connection] = nil
                return nil
            }
            run(engine.virtualParticipantActive(connection, wall: wall))
            return (connection, participant)
        }
    }

    /// A virtual participant leaves (as a client's `leave` would).
    public func leaveVirtual(_ connection: ConnectionID) {
        let wall = clock.wallNow()
        locked {
            guard sinks[connection] != nil else { return }
            var leave = Livekit_SignalRequest()
            leave.message = .leave(Livekit_LeaveRequest())
            run(engine.requestReceived(connection, leave, encoding: .binary, wall: wall))
        }
    }

    /// Publishes on a virtual participant a track whose media the server generates.
    public func publishGenerated(on connection: ConnectionID, name: String, codec: GeneratedCodec, width: UInt32, height: UInt32) -> TrackSID? {
        let wall = clock.wallNow()
        return locked {
            let (track, actions) = engine.publishGenerated(connection, name: name, codec: codec, width: width, height: height, wall: wall)
            run(actions)
            return track
        }
    }

    /// Publishes on a virtual participant a track echoing `source`'s media.
    public func publishEcho(on connection: ConnectionID, of source: TrackSID, name: String) -> TrackSID? {
        let wall = clock.wallNow()
        return locked {
            let (track, actions) = engine.publishEcho(connection, of: source, name: name, wall: wall)
            run(actions)
            return track
        }
    }

    /// A one-off fault: closes a participant's signal WebSocket with `code` and no LeaveRequest, as a network drop
    /// or a proxy would. The participant stays (its transports too) and may resume. Returns false when no such
    /// participant has an open signal connection.
    public func closeSignal(room: RoomName, identity: Identity, code: UInt16, reason: String) -> Bool {
        locked {
            guard let participant = engine.rooms.participant(room: room, identity: identity), let connection = participant.connection,
                  sinks[connection] != nil else { return false }
            log.append(EventRecord(kind: "fault.applied", connection: connection, room: room, participant: participant.sid, identity: identity,
                                   tap: .signalOut, detail: ["action": "close_signal", "code": .int(Int64(code)), "why": .string(reason)]))
            end(connection, .close(code: code, reason: reason))
            return true
        }
    }

    /// Runs `body` on the engine (RoomService, admin) and then its actions.
    public func withEngine<Value>(_ body: (inout SignalServerStateMachine, Date) -> (Value, [SignalAction])) -> Value {
        let wall = clock.wallNow()
        return locked {
            let (value, actions) = body(&engine, wall)
            run(actions)
            return value
        }
    }

    /// Reads the engine without changing it.
    public func inspect<Value>(_ body: (SignalServerStateMachine) -> Value) -> Value {
        lock.withLock { body(engine) }
    }

    /// How many signal connections are open.
    public var connectionCount: Int { lock.withLock { sinks.count } }

    // MARK: Running actions (lock held)

    private func timerFired(_ timer: SignalTimer) {
        let wall = clock.wallNow()
        locked {
            guard timers.removeValue(forKey: timer) != nil else { return }
            run(engine.timerFired(timer, wall: wall))
        }
    }

    private func run(_ actions: [SignalAction]) {
        for action in actions {
            switch action {
            case .send(let connection, let response):
                guard sinks[connection] != nil else { continue }
                let context = outboundContext(response, connection: connection)
                outboundGate.admit((connection, response), at: .signalOut, context: { context }).run(
                    deliver: { _ in deliver(response, to: connection, context: context) },
                    later: { _, delay in scheduleOutbound(response, to: connection, after: delay) },
                    end: { end(connection, $0) }
                )
            case .close(let connection, let code, let reason):
                end(connection, .close(code: code.rawValue, reason: reason))
            case .armTimer(let timer, let delay):
                timers.removeValue(forKey: timer)?.cancel()
                timers[timer] = scheduler.schedule(after: delay) { [weak self] in self?.timerFired(timer) }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .startForwarding, .stopForwarding:
                break  // the media layer (issue #3) subscribes to these; the room model already logged them
            case .log(let record):
                log.append(record)
            case .notify(let notification):
                effects.enqueue(.notify(notification))
            case .participantBound, .remoteDescription, .addRemoteCandidate, .downTrackRemoved, .downTrackSettings, .releaseMedia:
                effects.enqueue(.media(action))
            case .deliverData(let recipient, let packet, let channel, let kind):
                dataOutGate.admit((recipient, packet, channel), at: .dataOut) {
                    dataContext(.dataOut, kind: kind, topic: engine.dataDescription(of: packet, on: channel).topic, participant: recipient)
                }.run(
                    deliver: { _ in effects.enqueue(.data(recipient, packet, channel: channel)) },
                    later: { _, delay in
                        _ = scheduler.schedule(after: delay) { [weak self] in
                            self?.locked { self?.effects.enqueue(.data(recipient, packet, channel: channel)) }
                        }
                    },
                    end: { ending in engine.rooms.participants[recipient]?.connection.map { end($0, ending) } }
                )
            case .restartICE(let participant, let target, let credentials):
                log.append(EventRecord(kind: "transport.ice_restart", participant: participant, detail: [
                    "target": .string(target.rawValue), "ufrag": .string(credentials.ufrag),
                ]))
                effects.enqueue(.media(action))
            case .publisherTrackMedia(let participant, let published):
                log.append(EventRecord(kind: "media.track_routed", participant: participant, detail: [
                    "track": .string(published.track.rawValue), "ssrcs": .strings(published.ssrcs.map(String.init)),
                ]))
                effects.enqueue(.media(action))
            case .downTrackNegotiated(let participant, let target, let downTrack):
                log.append(EventRecord(kind: "media.downtrack_negotiated", participant: participant, detail: [
                    "track": .string(downTrack.track.rawValue), "ssrc": .int(Int64(downTrack.ssrc)), "target": .string(target.rawValue),
                    "extensions": .strings(downTrack.extensionIDs.sorted { $0.key < $1.key }.map { "\($0.key)->\($0.value)" }),
                ]))
                effects.enqueue(.media(action))
            case .echoTrack(let track, let source):
                log.append(EventRecord(kind: "media.echo", detail: ["track": .string(track.rawValue), "source": .string(source.rawValue)]))
                effects.enqueue(.media(action))
            }
        }
    }

    /// The `signal.out` context of a response; an `update` is about the identities it lists (lock held).
    private func outboundContext(_ response: Livekit_SignalResponse, connection: ConnectionID) -> TapContext {
        var context = tapContext(.signalOut, kind: SignalMessageDescription.kind(of: response), connection: connection)
        if case .update(let update)? = response.message { context.about = update.participants.map { Identity($0.identity) } }
        return context
    }

    /// Logs a response as crossing `signal.out` and writes it in the connection's encoding (lock held).
    private func deliver(_ response: Livekit_SignalResponse, to connection: ConnectionID, context: TapContext) {
        guard let sink = sinks[connection] else { return }
        log.append(record(context, direction: .outbound, detail: SignalMessageDescription.detail(of: response)))
        switch engine.encoding(for: connection) {
        case .binary:
            if let bytes: [UInt8] = try? response.serializedBytes() { sink.write(.binary(bytes)) }
        case .json:
            if let text = try? response.jsonString() { sink.write(.text(text)) }
        }
    }

    private func scheduleOutbound(_ response: Livekit_SignalResponse, to connection: ConnectionID, after delay: Duration) {
        _ = scheduler.schedule(after: delay) { [weak self] in
            guard let self else { return }
            self.locked {
                guard self.sinks[connection] != nil else { return }
                self.deliver(response, to: connection, context: self.outboundContext(response, connection: connection))
            }
        }
    }

    private func tapContext(_ tap: TapPoint, kind: String, connection: ConnectionID) -> TapContext {
        let found = engine.context(for: connection)
        return TapContext(tap: tap, kind: kind, connection: connection, room: found?.room, participant: found?.participant, identity: found?.identity)
    }

    private func record(_ context: TapContext, direction: EventDirection, detail: [String: EventValue]) -> EventRecord {
        EventRecord(
            kind: "\(context.tap.rawValue).\(context.kind)", connection: context.connection, room: context.room,
            participant: context.participant, identity: context.identity, tap: context.tap, direction: direction, detail: detail
        )
    }
}

/// The sink of a virtual participant: it has no socket.
struct DiscardingSink: SignalConnectionSink {
    func write(_ frame: SignalFrame) {}
    func close(code: UInt16, reason: String) {}
    func abort() {}
}
