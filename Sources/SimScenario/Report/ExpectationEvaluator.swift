import SimCore
import SimFaults

/// Evaluates a scenario's expectations over an event log. Pure: the same events give the same report.
///
/// Time windows run from the anchor: the `after` trigger's match, or the scenario start (the `scenario.started`
/// event, else `startMs`). Only events after the scenario start count. Mid-run (`final: false`) anything that can
/// still change is `pending`; at the end nothing is.
public struct ExpectationEvaluator: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The seed to report.
    public let seed: UInt64

    /// An evaluator for `scenario` (reporting `seed`, or the scenario's).
    public init(scenario: Scenario, seed: UInt64? = nil) {
        self.scenario = scenario
        self.seed = seed ?? scenario.seed
    }

    /// The report for `events` (oldest first).
    /// - Parameters:
    ///   - startMs: The scenario start when the log has no `scenario.started` event (default 0).
    ///   - nowMs: The current time, for deadlines that passed without events (default: the last event's time).
    ///   - final: Whether the run is over.
    public func evaluate(_ events: [SimEvent], startMs: Double = 0, nowMs: Double? = nil, final: Bool) -> ScenarioReport {
        let started = events.last { $0.record.kind == "scenario.started" }
        let start = started?.tMs ?? startMs
        let base = started.map { mark in events.filter { $0.seq > mark.seq } } ?? events.filter { $0.tMs >= start }
        let now = nowMs ?? events.last?.tMs ?? start
        let context = Context(events: base, start: start, now: now, final: final)
        let results = scenario.expect.map { evaluate($0, in: context) }
        let faults = events.filter { $0.record.kind == "fault.applied" }.count
        return ScenarioReport(scenario: scenario.name, seed: seed, final: final, results: results, faultsApplied: faults,
                              durationMs: max(0, now - start))
    }

    /// What every expectation is evaluated against.
    struct Context {
        /// Events after the scenario start.
        var events: [SimEvent]
        /// The scenario start, ms.
        var start: Double
        /// The current time, ms.
        var now: Double
        /// Whether the run is over.
        var final: Bool
    }

    /// One expectation.
    func evaluate(_ expectation: Expectation, in context: Context) -> ExpectationResult {
        var window = context.events
        var anchorTime = context.start
        var evidence: [SimEvent] = []
        func result(_ status: ExpectationStatus, _ reason: String, _ cited: [SimEvent] = []) -> ExpectationResult {
            ExpectationResult(name: expectation.name, status: status, reason: reason, location: expectation.location?.description,
                              events: (evidence + cited).map { EventReference(seq: $0.seq, tMs: $0.tMs, kind: $0.record.kind) })
        }
        if let after = expectation.after {
            let n = if case .occurrence(let n) = after.firing { n } else { 1 }
            let matches = window.filter { after.pattern.matches($0.record) }
            guard matches.count >= n else {
                return context.final ? result(.failed, "the anchor \(after) never happened") : result(.pending, "waiting for \(after)")
            }
            let anchor = matches[n - 1]
            anchorTime = anchor.tMs
            window = window.filter { $0.seq > anchor.seq }
            evidence = [anchor]
        }
        let deadline = expectation.within.map { anchorTime + $0.milliseconds }
        let closed = context.final || deadline.map { context.now > $0 } ?? false
        let limit = expectation.within.map { " within \(DurationText.format($0))" } ?? ""
        func at(_ event: SimEvent) -> String { "seq \(event.seq) at +\(Self.format(event.tMs - anchorTime))ms" }

        switch expectation.assertion {
        case .happened(let pattern, let n):
            let matches = window.filter { pattern.matches($0.record) }
            if matches.count >= n {
                let hit = matches[n - 1]
                if let deadline, hit.tMs > deadline {
                    return result(.failed, "happened at \(at(hit)), later than\(limit)", [hit])
                }
                return result(.passed, "happened at \(at(hit))", [hit])
            }
            let seen = "happened \(Self.times(matches.count)), expected \(n == 1 ? "once" : "at least \(n) times")\(limit)"
            return closed ? result(.failed, seen, matches) : result(.pending, seen + " so far", matches)
        case .never(let pattern):
            let matches = window.filter { event in pattern.matches(event.record) && deadline.map { event.tMs <= $0 } ?? true }
            if let first = matches.first {
                return result(.failed, "happened \(Self.times(matches.count)), first at \(at(first))", Array(matches.prefix(5)))
            }
            return closed ? result(.passed, "did not happen\(limit)") : result(.pending, "has not happened so far")
        case .count(let pattern, let min, let max):
            let matches = window.filter { event in pattern.matches(event.record) && deadline.map { event.tMs <= $0 } ?? true }
            let expected = Self.countText(min: min, max: max)
            let seen = "happened \(Self.times(matches.count)), expected \(expected)\(limit)"
            if let max, matches.count > max { return result(.failed, seen, Array(matches.prefix(max + 1))) }
            if closed { return result(matches.count >= min ? .passed : .failed, seen, Array(matches.prefix(5))) }
            if max == nil, matches.count >= min { return result(.passed, seen, Array(matches.prefix(5))) }
            return result(.pending, seen + " so far", Array(matches.prefix(5)))
        case .ordered(let steps):
            return ordered(steps, window: window, limit: expectation.within, closed: context.final, result: result)
        }
    }

    private func ordered(_ steps: [Expectation.OrderedStep], window: [SimEvent], limit: Duration?, closed: Bool,
                         result: (ExpectationStatus, String, [SimEvent]) -> ExpectationResult) -> ExpectationResult {
        let hits: [SimEvent?] = steps.map { step in
            let matches = window.filter { step.pattern.matches($0.record) }
            return matches.count >= step.occurrence ? matches[step.occurrence - 1] : nil
        }
        let found = hits.compactMap { $0 }
        // Any later step seen before an earlier one (or while the earlier one has not happened) breaks the order.
        for later in steps.indices {
            guard let laterHit = hits[later] else { continue }
            for earlier in 0..<later {
                guard let earlierHit = hits[earlier] else {
                    return result(.failed, "\(steps[later]) happened (seq \(laterHit.seq)) before \(steps[earlier])", found)
                }
                if earlierHit.seq > laterHit.seq {
                    return result(.failed, "\(steps[later]) (seq \(laterHit.seq)) happened before \(steps[earlier]) (seq \(earlierHit.seq))", found)
                }
            }
        }
        if let missing = steps.indices.first(where: { hits[$0] == nil }) {
            let reason = "\(steps[missing]) has not happened"
            return closed ? result(.failed, reason, found) : result(.pending, reason + " yet", found)
        }
        if let limit, let first = found.first, let last = found.last, last.tMs - first.tMs > limit.milliseconds {
            return result(.failed, "in order, but spread over \(Self.format(last.tMs - first.tMs))ms, more than \(DurationText.format(limit))", found)
        }
        return result(.passed, "in order: seq " + found.map { String($0.seq) }.joined(separator: " < "), found)
    }

    /// `once`, `N times`.
    static func times(_ count: Int) -> String { count == 1 ? "once" : "\(count) times" }

    /// `exactly N`, `N to M`, `at least N`.
    static func countText(min: Int, max: Int?) -> String {
        switch (min, max) {
        case let (lo, hi?) where lo == hi: "exactly \(lo)"
        case let (lo, hi?): "\(lo) to \(hi)"
        case let (lo, nil): "at least \(lo)"
        }
    }

    /// Milliseconds with at most three decimals, trailing zeros trimmed.
    static func format(_ ms: Double) -> String {
        let rounded = (ms * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
