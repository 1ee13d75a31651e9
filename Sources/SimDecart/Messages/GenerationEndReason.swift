/// `generation_ended.reason`, from the set listed in `examples/ws-signaling-proxy/src/types.ts` (reference §3).
public enum GenerationEndReason: String, Sendable, Equatable, CaseIterable {
    /// The client went away.
    case disconnect
    /// The session reached its time limit.
    case timeout
    /// Content moderation stopped the session.
    case moderationViolation = "moderation_violation"
    /// A server-side failure.
    case error
    /// The account ran out of credits.
    case insufficientCredits = "insufficient_credits"
}
