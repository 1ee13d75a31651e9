/// What fires a rule (or releases a hold): the nth event matching a pattern, or every matching event.
public struct Trigger: Sendable, Equatable, CustomStringConvertible {
    /// How often a matching pattern fires.
    public enum Firing: Sendable, Equatable {
        /// Once, on the nth match (from 1).
        case occurrence(Int)
        /// On every match.
        case every
    }

    /// Which events count.
    public var pattern: EventPattern
    /// When they fire.
    public var firing: Firing

    /// A trigger; by default it fires once, on the first match.
    public init(pattern: EventPattern, firing: Firing = .occurrence(1)) {
        self.pattern = pattern
        self.firing = firing
    }

    /// Whether the `count`th match (from 1) fires.
    public func fires(atMatch count: Int) -> Bool {
        switch firing {
        case .occurrence(let n): count == n
        case .every: true
        }
    }

    /// The pattern, with `#n` or `(every)`.
    public var description: String {
        switch firing {
        case .occurrence(1): pattern.description
        case .occurrence(let n): "\(pattern) #\(n)"
        case .every: "\(pattern) (every)"
        }
    }
}
