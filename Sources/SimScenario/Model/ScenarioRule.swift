import SimFaults
/// `when` an event matches, `then` run these actions.
public struct ScenarioRule: Sendable, Equatable {
    /// An optional label used in `fault.applied` events and reports.
    public var name: String?
    /// What fires the rule.
    public var when: Trigger
    /// What it does, in order.
    public var then: [ScenarioAction]
    /// Where the rule starts in its file.
    public var location: SourceLocation?

    /// A rule.
    public init(name: String? = nil, when: Trigger, then: [ScenarioAction], location: SourceLocation? = nil) {
        self.name = name
        self.when = when
        self.then = then
        self.location = location
    }
}
