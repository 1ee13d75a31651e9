import Foundation
import SimCore
import SimDecart
import SimFaults
import SimRoom
import SimScenario
import SimSignal

/// Runs a loaded scenario against the live server: the `ScenarioEngine`'s shell.
///
/// It watches the event log (triggers), answers the hubs at the message taps and the media router at the media
/// taps (`TapInterceptor`: drop, delay, duplicate, hold, close, abort), arms the engine's timers, and runs its
/// actions and commands later on its own queue (never inside a hub's lock): socket commands, LeaveRequests,
/// SimulateScenario cases, and the LiveKit and Decart policies as data handed to the domain.
final class ScenarioService: TapInterceptor, @unchecked Sendable {
    private let lock = NSLock()
    private var engine: ScenarioEngine?
    private var timers: [ScenarioTimer: any TimerHandle] = [:]
    private let log: EventLog
    private let clock: any SimClock
    private let scheduler: any TimerScheduler
    private weak var signal: SignalHub?
    private weak var decart: DecartHub?
    /// The Decart room side (for `room_info_url`).
    weak var rooms: DecartService?
    /// The media side (the `media.rtp` / `media.rtcp` taps).
    weak var media: MediaService?
    /// Who each participant SID is, from the event log: media taps know only SIDs, selectors name identities.
    private var participants: [ParticipantSID: (identity: Identity?, room: RoomName?)] = [:]
    private var listener: UInt64?

    init(log: EventLog, clock: any SimClock, scheduler: any TimerScheduler, signal: SignalHub, decart: DecartHub) {
        self.log = log
        self.clock = clock
        self.scheduler = scheduler
        self.signal = signal
        self.decart = decart
    }

    /// The running scenario, if any.
    var scenario: Scenario? { lock.withLock { engine?.scenario } }

    /// Starts `scenario` now (replacing any running one).
    func load(_ scenario: Scenario, seed: UInt64?) {
        reset()
        let now = clock.now()
        let actions: [ScenarioEngineAction] = lock.withLock {
            var engine = ScenarioEngine(scenario: scenario, seed: seed)
            let actions = engine.start(now: now)
            self.engine = engine
            return actions
        }
        lock.withLock {
            for event in log.events() { learnParticipant(event) }
        }
        listener = log.addListener { [weak self] event in self?.eventLogged(event) }
        signal?.attachInterceptor(self)
        decart?.attachInterceptor(self)
        media?.attachInterceptor(self)
        later(actions)
    }

    /// Stops the running scenario: everything held is released, timers cancelled, taps detached.
    func reset() {
        let now = clock.now()
        let (actions, pending): ([ScenarioEngineAction], [any TimerHandle]) = lock.withLock {
            guard var engine else { return ([], []) }
            let actions = engine.finish(now: now)
            self.engine = nil
            defer { timers.removeAll() }
            return (actions, Array(timers.values))
        }
        for timer in pending { timer.cancel() }
        if let listener { log.removeListener(listener) }
        listener = nil
        signal?.attachInterceptor(nil)
        decart?.attachInterceptor(nil)
        media?.attachInterceptor(nil)
        signal?.updateRoomPolicies { $0 = RoomPolicies() }
        decart?.updateRules(reset: true)
        rooms?.overrideLiveKitURL(nil)
        run(actions.filter { if case .armTimer = $0 { false } else { true } })
    }

    /// The report over the log so far (final when the run is over).
    func report(final: Bool) -> ScenarioReport? {
        guard let scenario else { return nil }
        let startMs = lock.withLock { engine?.startTime?.milliseconds } ?? 0
        return ExpectationEvaluator(scenario: scenario).evaluate(log.events(), startMs: startMs, nowMs: clock.now().milliseconds, final: final)
    }

    // MARK: TapInterceptor (called inside the hubs' locks)

    func isActive(at tap: TapPoint) -> Bool {
        lock.withLock { engine?.hasFilters(at: tap) ?? false }
    }

    func intercept(_ context: TapContext) -> TapOutcome {
        let now = clock.now()
        let decision: TapDecision? = lock.withLock {
            var context = context
            if context.identity == nil, let participant = context.participant, let known = participants[participant] {
                context.identity = known.identity
                context.room = context.room ?? known.room
            }
            return engine?.decide(context, now: now)
        }
        guard let decision else { return .pass }
        later(decision.actions)
        switch decision.verdict {
        case .pass, .passAndRelease: return .pass
        case .drop: return .drop
        case .delay(let delay): return .delay(delay)
        case .duplicate(let copies): return .duplicate(copies: copies)
        case .hold: return .hold(id: decision.messageID.value)
        case .close(let code, let reason): return .close(code: code.rawValue, reason: reason)
        case .abort: return .abort
        }
    }

    // MARK: Engine plumbing

    private func eventLogged(_ event: SimEvent) {
        let now = clock.now()
        let actions: [ScenarioEngineAction] = lock.withLock {
            learnParticipant(event)
            return engine?.eventLogged(event, now: now) ?? []
        }
        later(actions)
    }

    /// Notes who a participant SID is (lock held).
    private func learnParticipant(_ event: SimEvent) {
        if let participant = event.record.participant, event.record.identity != nil, participants[participant] == nil {
            participants[participant] = (event.record.identity, event.record.room)
        }
    }

    private func timerFired(_ timer: ScenarioTimer) {
        let now = clock.now()
        let actions: [ScenarioEngineAction] = lock.withLock {
            guard timers.removeValue(forKey: timer) != nil else { return [] }
            return engine?.timerFired(timer, now: now) ?? []
        }
        run(actions)
    }

    /// Runs actions on the scheduler: callers may hold a hub's lock.
    private func later(_ actions: [ScenarioEngineAction]) {
        guard !actions.isEmpty else { return }
        _ = scheduler.schedule(after: .zero) { [weak self] in self?.run(actions) }
    }

    private func run(_ actions: [ScenarioEngineAction]) {
        for action in actions {
            switch action {
            case .installFilter, .removeFilter:
                break  // the engine keeps its filters; the hubs ask `isActive(at:)`
            case .release(let ids, let tap):
                let raw = ids.map(\.value)
                switch tap {
                case .controlIn, .controlOut: decart?.releaseHeld(raw)
                default: signal?.releaseHeld(raw)
                }
            case .armTimer(let timer, let at):
                let now = clock.now()
                let handle = scheduler.schedule(after: at > now ? at - now : .zero) { [weak self] in self?.timerFired(timer) }
                let previous: (any TimerHandle)? = lock.withLock {
                    defer { timers[timer] = handle }
                    return timers[timer]
                }
                previous?.cancel()
            case .command(let command):
                execute(command)
            case .log(let record):
                log.append(record)
            }
        }
    }

    private func execute(_ command: ScenarioCommand) {
        switch command {
        case .close(.signal, let target, let code, let reason):
            signal?.endSignal(connection: Self.connection(target), identity: Self.identity(target), .close(code: code.rawValue, reason: reason))
        case .close(.control, let target, let code, let reason):
            decart?.endControl(Self.connection(target), .close(code: code.rawValue, reason: reason))
        case .abort(.signal, let target):
            signal?.endSignal(connection: Self.connection(target), identity: Self.identity(target), .abort)
        case .abort(.control, let target):
            decart?.endControl(Self.connection(target), .abort)
        case .sendLeave(let target, let reason, let action):
            signal?.sendLeave(LeaveNotice(reason: reason, action: action), connection: Self.connection(target), identity: Self.identity(target))
        case .simulate(let target, let simulated):
            signal?.simulate(simulated.simulated, connection: Self.connection(target), identity: Self.identity(target))
        case .endDecartSession(let target, let ending):
            let reason = GenerationEndReason(rawValue: ending.reason.rawValue) ?? .error
            decart?.endSession(Self.connection(target), reason: reason, errorText: ending.error)
        case .liveKitPolicy(.refuseResume(let identity)):
            signal?.updateRoomPolicies { $0.refuseResume.insert(identity) }
        case .liveKitPolicy(.rejoinSID(let mode, let identity)):
            signal?.updateRoomPolicies { mode == .keep ? $0.keepSIDOnRejoin.insert(identity) : $0.keepSIDOnRejoin.remove(identity) }
        case .decartPolicy(.acksBeforeRoomInfo):
            decart?.updateRules { $0.earlyAcks = .immediately }
        case .decartPolicy(.rejectInitialState(let error)):
            decart?.updateRules { $0.initialStateRejection = error }
        case .decartPolicy(.roomInfoURL(let url)):
            rooms?.overrideLiveKitURL(url)
        case .decartPolicy(.roomInfoBeforeJoin):
            decart?.updateRules { $0.earlyRoomInfo = .forceAtOpen }
        case .decartPolicy(.queue(let plan)):
            decart?.updateRules {
                $0.queueScript = DecartRules.QueueScript(positions: plan.positions, size: plan.size, interval: plan.interval, admit: plan.admit)
            }
        }
    }

    private static func identity(_ target: ConnectionTarget) -> Identity? {
        if case .identity(let identity) = target { return identity }
        return nil
    }

    private static func connection(_ target: ConnectionTarget) -> ConnectionID? {
        if case .connection(let connection) = target { return connection }
        return nil
    }
}
