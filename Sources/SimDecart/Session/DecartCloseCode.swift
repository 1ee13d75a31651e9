/// WebSocket close codes the control engine uses (RFC 6455 §7.4.1).
public enum DecartCloseCode: UInt16, Sendable, Equatable {
    /// 1000: normal, after `generation_ended`.
    case normal = 1000
    /// 1008: policy violation (connect rejected: key, model, resolution).
    case policyViolation = 1008
    /// 1011: the server failed (room or peer could not be set up).
    case internalError = 1011
    /// 1013: try again later — the concurrency limit (reference §1, §9.7).
    case tryAgainLater = 1013

    /// RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code.
    public static let maximumReasonBytes = 123

    /// `reason` cut at a character boundary to fit a close frame.
    public static func clampedReason(_ reason: String) -> String {
        guard reason.utf8.count > maximumReasonBytes else { return reason }
        var out = ""
        for character in reason {
            guard out.utf8.count + String(character).utf8.count <= maximumReasonBytes else { break }
            out.append(character)
        }
        return out
    }
}
