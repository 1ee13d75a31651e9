import SimCore

/// A timer the control engine armed; the shell feeds it back through `DecartEvent.timerFired`.
public enum DecartTimer: Hashable, Sendable {
    /// Send the next `generation_tick`.
    case generationTick(ConnectionID)
    /// Send the next `server_metrics`.
    case serverMetrics(ConnectionID)
    /// The session's generation time limit.
    case sessionLimit(ConnectionID)
    /// The next step of the rules' scripted queue wait.
    case queueStep(ConnectionID)
}
