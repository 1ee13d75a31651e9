/// How long a fault stays installed: at most `count` affected messages, and at most `during` after it was installed.
/// Both unset: until the scenario ends.
public struct FaultLimits: Sendable, Equatable {
    /// The number of messages the fault may affect before it removes itself.
    public var count: Int?
    /// How long after installation the fault removes itself.
    public var during: Duration?

    /// Limits.
    public init(count: Int? = nil, during: Duration? = nil) {
        self.count = count
        self.during = during
    }

    /// No limit.
    public static let unlimited = FaultLimits()
}
