import SimCore

extension SeededRandom {
    /// A uniform duration in [-spread, +spread] (whole nanoseconds); zero spread draws nothing.
    mutating func jitter(_ spread: Duration) -> Duration {
        let span = spread.nanosecondsClamped
        guard span > 0 else { return .zero }
        let offset = Int64(next(upperBound: UInt64(2 * span + 1)))
        return .nanoseconds(offset - span)
    }
}
