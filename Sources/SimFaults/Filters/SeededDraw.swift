import SimCore

extension SeededRandom {
    /// A uniform double in [0, 1) from the top 53 bits of the next draw.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// A uniform duration in [-spread, +spread] (whole nanoseconds); zero spread draws nothing.
    mutating func jitter(_ spread: Duration) -> Duration {
        let span = spread.nanosecondsClamped
        guard span > 0 else { return .zero }
        let offset = Int64(next(upperBound: UInt64(2 * span + 1)))
        return .nanoseconds(offset - span)
    }
}
