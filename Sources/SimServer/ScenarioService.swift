import Foundation
import SimAgent
import SimCore
import SimDecart
import SimFaults
import SimMatrix
import SimRoom
import SimScenario
import SimSignal

/// Runs scenarios against the live server: the `ScenarioEngine`s' shell.
///
/// One engine per scope: the server-wide one, and one per room or control connection that selected a scenario by
/// name, so parallel tests in one server do not share state. It watches the event log (triggers; each engine sees
/// its scope's events, the server-wide one all), answers the hubs at the message taps and the media router at the
/// media taps (`TapInterceptor`; the most specific scope with a running engine decides), arms the engines' timers,
/// and runs their actions and commands later on its own queue (never inside a hub's lock). A scoped engine's
/// commands reach only its scope: its room's connections and policies, or its connection's socket and rules.
final class ScenarioService: TapInterceptor, @unchecked Sendable {
    /// One running engine.
    struct Slot {
        var engine: ScenarioEngine
        var timers: [ScenarioTimer: any TimerHandle] = [:]
    }

    /// A held message: the engine's own id, in its scope.
    struct ScopedMessage: Hashable {
        var scope: ScenarioScope
        var id: TapMessageID
    }

    let lock = NSLock()
    /// The running engines by scope, and who decides (lock held).
    private var slots = ScenarioScopes<Slot>()
    /// Held messages by the id the hubs know (engines number their messages independently).
    private var heldByID: [UInt64: ScopedMessage] = [:]
    private var idOfHeld: [ScopedMessage: UInt64] = [:]
    private var nextHeldID: UInt64 = 0
    let log: EventLog
    let clock: any SimClock
    let scheduler: any TimerScheduler
    weak var signal: SignalHub?
    weak var decart: DecartHub?
    /// The media side (the `media.rtp` / `media.rtcp` taps).
    weak var media: MediaService?
    /// The Matrix side (the `http.in` / `http.out` taps).
    weak var matrix: MatrixService?
    /// The agent workers (the `agent.in` / `agent.out` taps).
    weak var agents: AgentHub?
    /// Who each participant SID is, from the event log: media taps know only SIDs, selectors name identities.
    private var participants: [ParticipantSID: (identity: Identity?, room: RoomName?)] = [:]
    private var listener: UInt64?
    /// Scenarios a connection may select by name: registered (`POST /_sim/scenarios`), and built-ins once parsed.
    private var registry = ScenarioRegistry()

    init(log: EventLog, clock: any SimClock, scheduler: any TimerScheduler, signal: SignalHub, decart: DecartHub) {
        self.log = log
        self.clock = clock
        self.scheduler = scheduler
        self.signal = signal
        self.decart = decart
    }

    /// The server-wide scenario, if any.
    var scenario: Scenario? { lock.withLock { slots[.server]?.engine.scenario } }

    /// Starts `scenario` server-wide now (replacing any server-wide one; scoped ones go on).
    func load(_ scenario: Scenario, seed: UInt64?) {
        stop(.server)
        let actions = start(scenario, seed: seed, in: .server)
        later(actions, in: .server)
    }

    /// Starts an engine for `scope` and connects the taps (before its first event); returns its start actions.
    private func start(_ scenario: Scenario, seed: UInt64?, in scope: ScenarioScope) -> [ScenarioEngineAction] {
        let now = clock.now()
        let (actions, first): ([ScenarioEngineAction], Bool) = lock.withLock {
            var engine = ScenarioEngine(scenario: scenario, seed: seed)
            let actions = engine.start(now: now)
            let first = slots.isEmpty
            store(Slot(engine: engine), at: scope)
            if first { for event in log.events() { learnParticipant(event) } }
            return (actions.map { scoped($0, scope) }, first)
        }
        if first {
            listener = log.addListener { [weak self] event in self?.eventLogged(event) }
            signal?.attachInterceptor(self)
            decart?.attachInterceptor(self)
            media?.attachInterceptor(self)
            matrix?.attachInterceptor(self)
            agents?.attachInterceptor(self)
        }
        return actions
    }

    /// Stops every scenario: everything held is released, timers cancelled, taps detached, policies restored.
    func reset() {
        for scope in lock.withLock({ slots.scopes }) { stop(scope) }
        signal?.updateRoomPolicies { $0 = RoomPolicies() }
        signal?.clearRoomPolicies()
        decart?.updateRules(reset: true)
    }

    /// Stops the engine of `scope` (its held messages are released).
    private func stop(_ scope: ScenarioScope) {
        let now = clock.now()
        let (actions, pending, last): ([ScenarioEngineAction], [any TimerHandle], Bool) = lock.withLock {
            guard var slot = removeSlot(scope) else { return ([], [], false) }
            let actions = slot.engine.finish(now: now).map { scoped($0, scope) }
            return (actions, Array(slot.timers.values), slots.isEmpty)
        }
        for timer in pending { timer.cancel() }
        if last {
            if let listener { log.removeListener(listener) }
            listener = nil
            signal?.attachInterceptor(nil)
            decart?.attachInterceptor(nil)
            media?.attachInterceptor(nil)
            matrix?.attachInterceptor(nil)
            agents?.attachInterceptor(nil)
        }
        if scope == .server {
            signal?.updateRoomPolicies { $0 = RoomPolicies() }
            decart?.updateRules(reset: true)
            matrix?.updateSyncFaults { $0 = SyncFaults() }
        }
        run(actions.filter { if case .armTimer = $0 { false } else { true } }, in: scope)
    }

    /// The server-wide report over the log so far (final when the run is over).
    func report(final: Bool) -> ScenarioReport? {
        report(for: .server, final: final)
    }

    /// The report of one scope's scenario.
    func report(for scope: ScenarioScope, final: Bool) -> ScenarioReport? {
        guard let (scenario, startMs) = lock.withLock({ slots[scope].map { ($0.engine.scenario, $0.engine.startTime?.milliseconds ?? 0) } }) else {
            return nil
        }
        let rooms = lock.withLock { participants.mapValues(\.room) }
        let events = log.events().filter { ScenarioScope.belongs($0, to: scope, roomOf: { rooms[$0] ?? nil }) }
        return ExpectationEvaluator(scenario: scenario).evaluate(events, startMs: startMs, nowMs: clock.now().milliseconds, final: final)
    }

    /// Every running scope.
    var scopes: [ScenarioScope] { lock.withLock { slots.scopes } }

    // MARK: Selection by name

    /// A scenario a connection may name: registered at runtime, or built in (parsed once).
    func named(_ name: String) -> Scenario? {
        lock.withLock { registry.named(name) }
    }

    /// Registers `scenario` under its name for selection by connections (replacing one of that name).
    func register(_ scenario: Scenario) {
        lock.withLock { registry.register(scenario) }
    }

    /// A LiveKit connection to `room` names `name`: the room's engine starts unless one runs already (a room keeps
    /// the scenario its first selecting connection named; a different name is logged and ignored). Its LiveKit
    /// policies are in place before the join is processed. False when no scenario has that name.
    func select(_ name: String, room: RoomName) -> Bool {
        guard let scenario = named(name) else { return false }
        let scope = ScenarioScope.room(room)
        if let running = lock.withLock({ slots[scope]?.engine.scenario.name }) {
            if running != name {
                log.append(EventRecord(kind: "scenario.selection_ignored", room: room, detail: [
                    "scenario": .string(name), "running": .string(running),
                ]))
            }
            return true
        }
        let actions = start(scenario, seed: scenario.seed == 0 ? nil : scenario.seed, in: scope)
        run(actions.filter(Self.isPolicy), in: scope)
        later(actions.filter { !Self.isPolicy($0) }, in: scope)
        return true
    }

    /// A Decart control connection about to open under `connection` names `name`: its engine starts now and the
    /// rules it opens with carry the scenario's start-time policies. Nil when no scenario has that name.
    func selectControl(_ name: String, connection: ConnectionID) -> DecartRules? {
        guard let scenario = named(name), let decart else { return nil }
        let scope = ScenarioScope.connection(connection)
        let actions = start(scenario, seed: scenario.seed == 0 ? nil : scenario.seed, in: scope)
        var rules = decart.currentRules
        for case .command(.decartPolicy(let change)) in actions { Self.apply(change, to: &rules) }
        run(actions.filter { if case .command(.decartPolicy) = $0 { false } else { Self.isPolicy($0) } }, in: scope)
        later(actions.filter { !Self.isPolicy($0) }, in: scope)
        return rules
    }

    private static func isPolicy(_ action: ScenarioEngineAction) -> Bool {
        switch action {
        case .command(.liveKitPolicy), .command(.decartPolicy): true
        default: false
        }
    }

    // MARK: TapInterceptor (called inside the hubs' and the router's locks)

    func isActive(at tap: TapPoint) -> Bool {
        lock.withLock { slots.isActive(at: tap) }
    }

    /// Stores a slot after its engine ran, keeping the per-tap counts in step (lock held).
    private func store(_ slot: Slot, at scope: ScenarioScope) {
        slots.store(slot, at: scope) { slot.engine.hasFilters(at: $0) }
    }

    /// Removes a slot and its taps from the counts (lock held).
    private func removeSlot(_ scope: ScenarioScope) -> Slot? {
        slots.remove(scope)
    }

    func intercept(_ context: TapContext) -> TapOutcome {
        let now = clock.now()
        let answer: (TapDecision, ScenarioScope, UInt64?)? = lock.withLock {
            var context = context
            if let participant = context.participant, let known = participants[participant] {
                context.identity = context.identity ?? known.identity
                context.room = context.room ?? known.room
            }
            guard let scope = slots.scope(of: context), var slot = slots[scope] else { return nil }
            let decision = slot.engine.decide(context, now: now)
            store(slot, at: scope)
            var heldID: UInt64?
            if case .hold = decision.verdict {
                nextHeldID += 1
                let key = ScopedMessage(scope: scope, id: decision.messageID)
                heldByID[nextHeldID] = key
                idOfHeld[key] = nextHeldID
                heldID = nextHeldID
            }
            return (decision, scope, heldID)
        }
        guard let (decision, scope, heldID) = answer else { return .pass }
        later(decision.actions.map { scoped($0, scope) }, in: scope)
        switch decision.verdict {
        case .pass, .passAndRelease: return .pass
        case .drop: return .drop
        case .delay(let delay): return .delay(delay)
        case .duplicate(let copies): return .duplicate(copies: copies)
        case .hold: return heldID.map { .hold(id: $0) } ?? .pass
        case .close(let code, let reason): return .close(code: code.rawValue, reason: reason)
        case .abort: return .abort
        case .fail(let failure): return .fail(failure)
        }
    }

    // MARK: Engine plumbing

    private func eventLogged(_ event: SimEvent) {
        let now = clock.now()
        let batches: [(ScenarioScope, [ScenarioEngineAction])] = lock.withLock {
            learnParticipant(event)
            var out: [(ScenarioScope, [ScenarioEngineAction])] = []
            for scope in ScenarioScope.scopes(of: event, roomOf: { self.participants[$0]?.room ?? nil }) {
                guard var slot = slots[scope] else { continue }
                let actions = slot.engine.eventLogged(event, now: now)
                store(slot, at: scope)
                if !actions.isEmpty { out.append((scope, actions.map { scoped($0, scope) })) }
            }
            // A participant that left for good is not asked about again (churn would grow the map for ever).
            if event.record.kind == "participant.disconnected", let participant = event.record.participant {
                participants[participant] = nil
            }
            return out
        }
        for (scope, actions) in batches { later(actions, in: scope) }
    }

    /// Notes who a participant SID is (lock held).
    private func learnParticipant(_ event: SimEvent) {
        if let participant = event.record.participant, event.record.identity != nil, participants[participant] == nil {
            participants[participant] = (event.record.identity, event.record.room)
        }
    }

    /// Tags a scoped engine's log records with its scope (so they are findable and route back to it).
    private func scoped(_ action: ScenarioEngineAction, _ scope: ScenarioScope) -> ScenarioEngineAction {
        guard case .log(var record) = action else { return action }
        switch scope {
        case .server: break
        case .room(let room): record.room = record.room ?? room
        case .connection(let connection): record.connection = record.connection ?? connection
        }
        return .log(record)
    }

    private func timerFired(_ timer: ScenarioTimer, in scope: ScenarioScope) {
        let now = clock.now()
        let actions: [ScenarioEngineAction] = lock.withLock {
            guard var slot = slots[scope], slot.timers.removeValue(forKey: timer) != nil else { return [] }
            let actions = slot.engine.timerFired(timer, now: now)
            store(slot, at: scope)
            return actions.map { scoped($0, scope) }
        }
        run(actions, in: scope)
    }

    /// Runs actions on the scheduler: callers may hold a hub's lock.
    func later(_ actions: [ScenarioEngineAction], in scope: ScenarioScope) {
        guard !actions.isEmpty else { return }
        _ = scheduler.schedule(after: .zero) { [weak self] in self?.run(actions, in: scope) }
    }

    func run(_ actions: [ScenarioEngineAction], in scope: ScenarioScope) {
        for action in actions {
            switch action {
            case .installFilter, .removeFilter:
                break  // the engine keeps its filters; the hubs ask `isActive(at:)`
            case .release(let ids, let tap):
                let raw: [UInt64] = lock.withLock {
                    ids.compactMap { id in
                        let key = ScopedMessage(scope: scope, id: id)
                        guard let global = idOfHeld.removeValue(forKey: key) else { return nil }
                        heldByID[global] = nil
                        return global
                    }
                }
                switch tap {
                case .controlIn, .controlOut: decart?.releaseHeld(raw)
                case .httpIn, .httpOut: matrix?.releaseHeld(raw)
                case .agentIn, .agentOut: agents?.releaseHeld(raw)
                default: signal?.releaseHeld(raw)
                }
            case .armTimer(let timer, let at):
                let now = clock.now()
                let handle = scheduler.schedule(after: at > now ? at - now : .zero) { [weak self] in self?.timerFired(timer, in: scope) }
                let superseded: (any TimerHandle)? = lock.withLock {
                    guard let slot = slots[scope] else { return handle }  // the engine stopped meanwhile
                    defer { slots.update(scope) { $0.timers[timer] = handle } }
                    return slot.timers[timer]
                }
                superseded?.cancel()
            case .command(let command):
                execute(command, in: scope)
            case .log(let record):
                log.append(record)
            }
        }
    }
}
