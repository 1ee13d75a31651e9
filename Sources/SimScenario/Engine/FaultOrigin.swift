import SimFaults
/// Why a fault was applied: which rule or timeline entry installed it (the `why` of `fault.applied`).
public enum FaultOrigin: Sendable, Equatable, CustomStringConvertible {
    /// A rule, by index (from 0) and optional name, with its trigger.
    case rule(index: Int, name: String?, trigger: String)
    /// A timeline entry, by index (from 0), with its time.
    case timeline(index: Int, at: Duration)

    /// `rule "slow-ack" (when control.in.livekit_join)`, `rule #2 (when …)`, or `timeline at 10s`.
    public var description: String {
        switch self {
        case .rule(let index, let name, let trigger):
            let label = name.map { "\"\($0)\"" } ?? "#\(index + 1)"
            return "rule \(label) (when \(trigger))"
        case .timeline(_, let at):
            return "timeline at \(DurationText.format(at))"
        }
    }
}
