/// A timer the engine asked the shell to arm; it comes back through `ScenarioEngine.timerFired`.
public enum ScenarioTimer: Sendable, Hashable {
    /// The timeline entry at this index is due.
    case timeline(Int)
    /// A filter's deadline (a release, or the end of its window) is due.
    case filter(FilterID)
}
