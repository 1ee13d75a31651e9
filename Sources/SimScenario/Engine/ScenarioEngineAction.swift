import SimCore
import SimFaults

/// What the scenario engine asks its shell to do; the shell runs them in order.
public enum ScenarioEngineAction: Sendable, Equatable {
    /// A filter is installed at `tap`: from now on route that tap's messages through `ScenarioEngine.decide`.
    case installFilter(FilterID, tap: TapPoint, summary: String)
    /// The filter is gone; when a tap has none left the shell may stop asking.
    case removeFilter(FilterID, tap: TapPoint)
    /// Deliver these held messages now, in this order, without passing them through the taps again.
    case release([TapMessageID], tap: TapPoint)
    /// Call `ScenarioEngine.timerFired(timer, now:)` at `at` (an earlier timer for the same key is superseded).
    case armTimer(ScenarioTimer, at: SimInstant)
    /// Run a one-shot command.
    case command(ScenarioCommand)
    /// Append a record to the event log (`fault.applied`, `scenario.started`, `scenario.finished`).
    case log(EventRecord)
}

/// The engine's answer about one message crossing a tap.
public struct TapDecision: Sendable, Equatable {
    /// The id the message was given; the shell keeps a held message under it.
    public var messageID: TapMessageID
    /// What to do with the message (never `.passAndRelease`: releases are in `actions`).
    public var verdict: FaultVerdict
    /// What to do after handling the message: releases, log records, filter removals, timers.
    public var actions: [ScenarioEngineAction]

    /// A decision.
    public init(messageID: TapMessageID, verdict: FaultVerdict, actions: [ScenarioEngineAction] = []) {
        self.messageID = messageID
        self.verdict = verdict
        self.actions = actions
    }
}
