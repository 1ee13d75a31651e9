import SimCore

extension SeededRandom {
    /// `base` moved by a uniform draw in [-spread, +spread], never below zero: a fault's delay.
    mutating func delay(_ base: Duration, spread: Duration) -> Duration {
        let delay = base + jitter(spread)
        return delay < .zero ? .zero : delay
    }

    /// A uniform duration in [-spread, +spread] (whole nanoseconds); zero spread draws nothing.
    mutating func jitter(_ spread: Duration) -> Duration {
        let span = spread.nanosecondsClamped
        guard span > 0 else { return .zero }
        let offset = Int64(next(upperBound: UInt64(2 * span + 1)))
        return .nanoseconds(offset - span)
    }
}
