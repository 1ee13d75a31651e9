import SimFaults
/// An assertion over the event log (product.md §4): something happened (the nth time, maybe within a time),
/// never happened, happened a number of times, or several things happened in order.
public struct Expectation: Sendable, Equatable {
    /// What is asserted.
    public enum Assertion: Sendable, Equatable {
        /// The nth (from 1) event matching the pattern happened.
        case happened(EventPattern, occurrence: Int)
        /// No event matched.
        case never(EventPattern)
        /// The number of matching events lies in `min...max` (`max` nil: no upper bound).
        case count(EventPattern, min: Int, max: Int?)
        /// Each pattern's nth occurrence happened, in this order.
        case ordered([OrderedStep])
    }

    /// One step of an ordering: a pattern and which of its occurrences counts.
    public struct OrderedStep: Sendable, Equatable, CustomStringConvertible {
        /// The events.
        public var pattern: EventPattern
        /// Which match, from 1.
        public var occurrence: Int

        /// A step.
        public init(pattern: EventPattern, occurrence: Int = 1) {
            self.pattern = pattern
            self.occurrence = occurrence
        }

        /// The pattern, with `#n` past the first.
        public var description: String { occurrence == 1 ? pattern.description : "\(pattern) #\(occurrence)" }
    }

    /// The label in reports and JUnit (written `name:` or generated from the assertion).
    public var name: String
    /// The assertion.
    public var assertion: Assertion
    /// The time limit, measured from the anchor (`after`, or the scenario start); for `ordered`, from the
    /// first step to the last.
    public var within: Duration?
    /// The anchor: only events after this trigger's match (its nth occurrence) count, and `within` runs from it.
    public var after: Trigger?
    /// Where the expectation starts in its file.
    public var location: SourceLocation?

    /// An expectation; `name` defaults to a description of the assertion.
    public init(name: String? = nil, assertion: Assertion, within: Duration? = nil, after: Trigger? = nil,
                location: SourceLocation? = nil) {
        self.assertion = assertion
        self.within = within
        self.after = after
        self.location = location
        self.name = name ?? Self.describe(assertion, within: within, after: after)
    }

    /// A one-line description, e.g. `happened participant.active identity=bob #2 within 8s`.
    public static func describe(_ assertion: Assertion, within: Duration?, after: Trigger?) -> String {
        var text: String
        switch assertion {
        case .happened(let pattern, let n): text = "happened \(pattern)" + (n == 1 ? "" : " #\(n)")
        case .never(let pattern): text = "never \(pattern)"
        case .count(let pattern, let min, let max):
            switch (min, max) {
            case let (lo, hi?) where lo == hi: text = "count \(pattern) == \(lo)"
            case let (lo, hi?): text = "count \(pattern) in \(lo)...\(hi)"
            case let (lo, nil): text = "count \(pattern) >= \(lo)"
            }
        case .ordered(let steps): text = "order " + steps.map(\.description).joined(separator: " < ")
        }
        if let within { text += " within \(DurationText.format(within))" }
        if let after { text += " after \(after)" }
        return text
    }
}
