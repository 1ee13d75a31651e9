import Foundation
import SimCore
import SimTestKit
import SimFaults
@testable import SimScenario

/// A test shell around `ScenarioEngine`, following the contract a real shell follows: it owns a ManualClock, an
/// in-memory event log, a timer queue and the held messages, and runs every action the engine returns.
/// `deliver` is the fake target's view of what crossed a tap (what a client would have received).
final class FakeShell {
    enum Pending {
        case engine(ScenarioTimer)
        case deliver(TapContext)
    }

    let clock = ManualClock()
    private(set) var engine: ScenarioEngine
    private(set) var log: [SimEvent] = []
    private(set) var commands: [ScenarioCommand] = []
    private(set) var closed: [(connection: ConnectionID?, code: CloseCode?)] = []
    private var timers: [(at: SimInstant, order: Int, pending: Pending)] = []
    private var timerOrder = 0
    private var held: [TapMessageID: TapContext] = [:]
    /// Requests answered with an HTTP error at an HTTP tap.
    private(set) var failed: [(TapContext, HTTPFailure)] = []
    /// The fake server's reaction to each event (it may send messages through `send`).
    var onEvent: (FakeShell, SimEvent) -> Void = { _, _ in }
    /// The fake server's reaction to commands.
    var onCommand: (FakeShell, ScenarioCommand) -> Void = { _, _ in }

    init(scenario: Scenario, seed: UInt64? = nil) {
        engine = ScenarioEngine(scenario: scenario, seed: seed)
    }

    func start() { run(engine.start(now: clock.now())) }

    func finish() { run(engine.finish(now: clock.now())) }

    /// Logs a record the way `EventLog` does, then feeds it to the engine and the fake server.
    func append(_ record: EventRecord) {
        let stamped = SimEvent(seq: UInt64(log.count + 1), tMs: clock.now().milliseconds, wall: clock.wallNow(), record: record)
        log.append(stamped)
        run(engine.eventLogged(stamped, now: clock.now()))
        onEvent(self, stamped)
    }

    /// A message crosses a tap: ask the engine, then deliver, drop, delay, hold, duplicate or close.
    func send(_ context: TapContext) {
        let decision = engine.decide(context, now: clock.now())
        switch decision.verdict {
        case .pass, .passAndRelease: deliver(context)
        case .drop: break
        case .delay(let delay): schedule(.deliver(context), at: clock.now() + delay)
        case .duplicate(let copies): for _ in 0...copies { deliver(context) }
        case .hold: held[decision.messageID] = context
        case .close(let code, _): close(context.connection, code: code)
        case .abort: close(context.connection, code: nil)
        case .fail(let failure): failed.append((context, failure))
        }
        run(decision.actions)
    }

    /// Moves the clock to `instant`, firing every due timer in time order (ties in arming order).
    func advance(to instant: SimInstant) {
        while let next = timers.filter({ $0.at <= instant }).min(by: { ($0.at, $0.order) < ($1.at, $1.order) }) {
            timers.removeAll { $0.order == next.order }
            if next.at > clock.now() { clock.advance(by: next.at - clock.now()) }
            switch next.pending {
            case .engine(let timer): run(engine.timerFired(timer, now: clock.now()))
            case .deliver(let context): deliver(context)
            }
        }
        if instant > clock.now() { clock.advance(by: instant - clock.now()) }
    }

    func advance(ms: Int64) { advance(to: clock.now() + .milliseconds(ms)) }

    /// The expectations' report over everything logged.
    func report(final: Bool = true) -> ScenarioReport {
        ExpectationEvaluator(scenario: engine.scenario, seed: engine.seed).evaluate(log, nowMs: clock.now().milliseconds, final: final)
    }

    func close(_ connection: ConnectionID?, code: CloseCode?) {
        closed.append((connection, code))
        append(EventRecord(kind: "control.close", connection: connection, detail: code.map { ["code": .int(Int64($0.rawValue))] } ?? [:]))
    }

    private func deliver(_ context: TapContext) {
        let direction: EventDirection = context.tap == .signalIn || context.tap == .controlIn ? .inbound : .outbound
        append(EventRecord(kind: "\(context.tap.rawValue).\(context.kind)", connection: context.connection, room: context.room,
                           participant: context.participant, identity: context.identity, tap: context.tap, direction: direction))
    }

    private func schedule(_ pending: Pending, at instant: SimInstant) {
        timerOrder += 1
        timers.append((instant, timerOrder, pending))
    }

    private func run(_ actions: [ScenarioEngineAction]) {
        for action in actions {
            switch action {
            case .installFilter, .removeFilter: break
            case .release(let ids, _):
                for id in ids { if let context = held.removeValue(forKey: id) { deliver(context) } }
            case .armTimer(let timer, let instant):
                timers.removeAll { if case .engine(timer) = $0.pending { true } else { false } }
                schedule(.engine(timer), at: instant)
            case .command(let command):
                commands.append(command)
                onCommand(self, command)
            case .log(let record):
                append(record)
            }
        }
    }
}

/// A tiny, conservative Decart control server: on `livekit_join` it sends `livekit_room_info` and holds the
/// initial-state ack until room_info has actually been written (`DecartRules.EarlyAckPolicy.afterRoomInfo`), unless
/// the scenario switches early acks on, in which case it acks at once.
final class FakeDecartServer {
    private var acksFirst = false
    private var pendingAcks: Set<ConnectionID> = []

    func handle(_ command: ScenarioCommand) {
        if command == .decartPolicy(.acksBeforeRoomInfo) { acksFirst = true }
    }

    func joined(_ shell: FakeShell, connection: ConnectionID) {
        if acksFirst {
            shell.send(TapContext(tap: .controlOut, kind: "set_image_ack", connection: connection))
        } else {
            pendingAcks.insert(connection)
        }
        shell.send(TapContext(tap: .controlOut, kind: "livekit_room_info", connection: connection))
    }

    func observed(_ shell: FakeShell, _ event: SimEvent) {
        guard event.record.kind == "control.out.livekit_room_info", let connection = event.record.connection,
              pendingAcks.remove(connection) != nil else { return }
        shell.send(TapContext(tap: .controlOut, kind: "set_image_ack", connection: connection))
    }
}
