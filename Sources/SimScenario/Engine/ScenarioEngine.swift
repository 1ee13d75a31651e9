import SimCore
import SimFaults

/// The scenario runner's pure core: given a scenario and a seed, it consumes logged events, timer expiries and tap
/// queries with the current time, and returns actions (filters installed and removed, held messages released,
/// timers, one-shot commands, `fault.applied` records). It does no I/O and reads no clock, so the same inputs and
/// seed give the same decisions.
///
/// Shell contract: call `start` once; append every logged event through `eventLogged` (including the records this
/// engine returns); call `decide` for every message at a tap that has filters; arm the timers it asks for and call
/// `timerFired`; call `finish` at the end of the run.
public struct ScenarioEngine: Sendable {
    /// One filter the engine installed, with what it needs to log and time it.
    struct InstalledFilter: Sendable {
        /// Its id.
        var id: FilterID
        /// Its tap.
        var tap: TapPoint
        /// The primitive.
        var filter: any FaultFilter
        /// The rule or timeline entry that installed it.
        var origin: FaultOrigin
        /// The scenario action it came from (`ack_delay`, `order`, …).
        var actionName: String
        /// Messages it decided about with a non-pass verdict.
        var affected = 0
        /// The deadline a timer is armed for, if any.
        var armed: SimInstant?
    }

    /// The scenario being run.
    public let scenario: Scenario
    /// The seed in use (the scenario's, unless overridden).
    public let seed: UInt64
    /// The source of every filter's seed, drawn in firing order.
    var random: SeededRandom
    /// The scenario clock's origin, once started.
    var startedAt: SimInstant?
    /// Whether `finish` ran.
    var finished = false
    /// Matches so far per rule (for occurrences).
    var ruleMatches: [Int]
    /// Timeline entries already run.
    var firedTimeline: Set<Int> = []
    /// Installed filters, in installation order.
    var filters: [InstalledFilter] = []
    /// The next filter id.
    var nextFilter: UInt64 = 1
    /// The next message id.
    var nextMessage: UInt64 = 1

    /// An engine for `scenario`, seeded with `seed` or the scenario's own.
    public init(scenario: Scenario, seed: UInt64? = nil) {
        self.scenario = scenario
        self.seed = seed ?? scenario.seed
        random = SeededRandom(seed: self.seed)
        ruleMatches = Array(repeating: 0, count: scenario.rules.count)
    }

    /// When the scenario clock started, once started.
    public var startTime: SimInstant? { startedAt }

    /// Whether any filter is installed at `tap` (shells skip `decide` otherwise).
    public func hasFilters(at tap: TapPoint) -> Bool { filters.contains { $0.tap == tap } }

    /// The installed filters, in installation order: id, tap and summary (for the admin API).
    public var installedFilters: [(id: FilterID, tap: TapPoint, summary: String)] {
        filters.map { ($0.id, $0.tap, $0.filter.summary) }
    }

    // MARK: Events in

    /// Starts the scenario clock at `now`: logs `scenario.started`, runs timeline entries at 0s, arms the rest.
    public mutating func start(now: SimInstant) -> [ScenarioEngineAction] {
        guard startedAt == nil, !finished else { return [] }
        startedAt = now
        var out: [ScenarioEngineAction] = [.log(EventRecord(kind: "scenario.started", detail: [
            "name": .string(scenario.name), "seed": .string(String(seed)),
        ]))]
        for (index, entry) in scenario.timeline.enumerated() {
            if entry.at == .zero {
                firedTimeline.insert(index)
                out += fire(entry.actions, origin: .timeline(index: index, at: entry.at), event: nil, now: now)
            } else {
                out.append(.armTimer(.timeline(index), at: now + entry.at))
            }
        }
        return out + housekeeping(now: now)
    }

    /// An event was logged: releases holds waiting for it, then fires the rules it triggers (in file order).
    public mutating func eventLogged(_ event: SimEvent, now: SimInstant) -> [ScenarioEngineAction] {
        guard startedAt != nil, !finished else { return [] }
        var out: [ScenarioEngineAction] = []
        for index in filters.indices {
            let released = filters[index].filter.eventLogged(event, now: now)
            if !released.isEmpty { out += releaseActions(released, filter: filters[index]) }
        }
        for (index, rule) in scenario.rules.enumerated() where rule.when.pattern.matches(event.record) {
            ruleMatches[index] += 1
            guard rule.when.fires(atMatch: ruleMatches[index]) else { continue }
            let origin = FaultOrigin.rule(index: index, name: rule.name, trigger: rule.when.description)
            out += fire(rule.then, origin: origin, event: event, now: now)
        }
        return out + housekeeping(now: now)
    }

    /// A timer the engine armed is due.
    public mutating func timerFired(_ timer: ScenarioTimer, now: SimInstant) -> [ScenarioEngineAction] {
        guard startedAt != nil, !finished else { return [] }
        var out: [ScenarioEngineAction] = []
        switch timer {
        case .timeline(let index):
            guard scenario.timeline.indices.contains(index), firedTimeline.insert(index).inserted else { return [] }
            let entry = scenario.timeline[index]
            out += fire(entry.actions, origin: .timeline(index: index, at: entry.at), event: nil, now: now)
        case .filter(let id):
            guard let index = filters.firstIndex(where: { $0.id == id }) else { return [] }
            filters[index].armed = nil
            let released = filters[index].filter.timeAdvanced(to: now)
            if !released.isEmpty { out += releaseActions(released, filter: filters[index]) }
        }
        return out + housekeeping(now: now)
    }

    /// The decision for one message crossing a tap at `now`. The first filter (in installation order) whose verdict
    /// is not a pass decides; releases asked for by filters that let it pass come after it in `actions`.
    public mutating func decide(_ context: TapContext, now: SimInstant) -> TapDecision {
        let id = TapMessageID(nextMessage)
        nextMessage += 1
        guard startedAt != nil, !finished, hasFilters(at: context.tap) else { return TapDecision(messageID: id, verdict: .pass) }
        let message = TapMessage(id: id, context: context)
        var verdict = FaultVerdict.pass
        var out: [ScenarioEngineAction] = []
        for index in filters.indices where filters[index].tap == context.tap {
            let decision = filters[index].filter.decide(message, now: now)
            if case .passAndRelease(let released) = decision {
                out += releaseActions(released, filter: filters[index])
                continue
            }
            guard !decision.passes else { continue }
            verdict = decision
            filters[index].affected += 1
            if !Self.isMedia(context.tap) { out.append(.log(FaultRecords.applied(decision, to: context, by: filters[index]))) }
            break
        }
        return TapDecision(messageID: id, verdict: verdict, actions: out + housekeeping(now: now))
    }

    /// Ends the run: releases everything held, removes every filter, logs `scenario.finished`.
    public mutating func finish(now: SimInstant) -> [ScenarioEngineAction] {
        guard startedAt != nil, !finished else { return [] }
        var out: [ScenarioEngineAction] = []
        for filter in filters { out += removal(of: filter) }
        filters = []
        finished = true
        out.append(.log(EventRecord(kind: "scenario.finished", detail: ["name": .string(scenario.name)])))
        return out
    }

    // MARK: Helpers

    /// Whether `tap` carries media (logged per filter, not per packet).
    static func isMedia(_ tap: TapPoint) -> Bool { tap == .mediaRTP || tap == .mediaRTCP }

    /// The release of `released` (if any) and its `fault.applied` record.
    func releaseActions(_ released: [TapMessageID], filter: InstalledFilter) -> [ScenarioEngineAction] {
        guard !released.isEmpty else { return [] }
        return [.release(released, tap: filter.tap), .log(FaultRecords.released(released, by: filter))]
    }

    /// The actions that take `filter` out: releasing what it still holds, and its end record for media.
    func removal(of filter: InstalledFilter) -> [ScenarioEngineAction] {
        var out = releaseActions(filter.filter.heldMessages, filter: filter)
        out.append(.removeFilter(filter.id, tap: filter.tap))
        if Self.isMedia(filter.tap) { out.append(.log(FaultRecords.mediaEnded(filter))) }
        return out
    }

    /// Removes finished filters and (re)arms the deadline timer of each remaining one whose deadline changed.
    mutating func housekeeping(now: SimInstant) -> [ScenarioEngineAction] {
        var out: [ScenarioEngineAction] = []
        for filter in filters where filter.filter.isFinished { out += removal(of: filter) }
        filters.removeAll { $0.filter.isFinished }
        for index in filters.indices {
            guard let deadline = filters[index].filter.nextDeadline, deadline != filters[index].armed else { continue }
            filters[index].armed = deadline
            out.append(.armTimer(.filter(filters[index].id), at: deadline))
        }
        return out
    }
}
