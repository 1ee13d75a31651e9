/// One scenario file, decoded and validated (product.md §4): rules fired by log events, a timeline on the
/// scenario clock, and expectations over the event log.
public struct Scenario: Sendable, Equatable {
    /// The scenario's id, e.g. `lk-rejoin-new-sid` (lowercase letters, digits, `-`, `_`, `.`).
    public var name: String
    /// One or two sentences for people; shown by `sfusim scenarios` and in reports.
    public var summary: String
    /// The seed every random choice derives from (jitter, loss, percentages); `sfusim run --seed` may override it.
    public var seed: UInt64
    /// Event-triggered rules, in file order.
    public var rules: [ScenarioRule]
    /// Time-triggered entries, in file order.
    public var timeline: [TimelineEntry]
    /// Assertions over the event log, in file order.
    public var expect: [Expectation]

    /// A scenario.
    public init(name: String, summary: String = "", seed: UInt64 = 0, rules: [ScenarioRule] = [],
                timeline: [TimelineEntry] = [], expect: [Expectation] = []) {
        self.name = name
        self.summary = summary
        self.seed = seed
        self.rules = rules
        self.timeline = timeline
        self.expect = expect
    }
}
