/// Actions that run at a fixed time on the scenario clock (measured from the engine's start).
public struct TimelineEntry: Sendable, Equatable {
    /// When, since the scenario started.
    public var at: Duration
    /// What, in order.
    public var actions: [ScenarioAction]
    /// Where the entry starts in its file.
    public var location: SourceLocation?

    /// An entry.
    public init(at: Duration, actions: [ScenarioAction], location: SourceLocation? = nil) {
        self.at = at
        self.actions = actions
        self.location = location
    }
}
