/// Extends a wrapping serial number (RFC 1982) such as an RTP sequence number or timestamp to 64 bits.
///
/// A value less than half the period ahead of the highest value seen so far counts as newer (it may have
/// wrapped), anything else as an older, reordered value; the extension never moves backwards. The first value
/// lands in cycle 1 (`period + value`), so a late packet from just before it across the wrap still gets a
/// smaller extended value instead of underflowing. Extended values are only meaningful relative to each other.
public struct SerialSequenceUnwrapper<Value: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    /// The highest extended value so far (meaningless until `hasStarted`).
    @usableFromInline var extHighestValue: UInt64
    /// Whether a first value has been seen.
    @usableFromInline var hasStarted: Bool

    /// Starts empty: the next value becomes the reference.
    public init() {
        precondition(Value.bitWidth < 64, "serial numbers must be narrower than 64 bits")
        extHighestValue = 0
        hasStarted = false
    }

    /// The number of distinct values before the serial number wraps (2^16 for sequence numbers).
    @inlinable public static var period: UInt64 { UInt64(1) << UInt64(Value.bitWidth) }

    /// The highest extended value seen so far, or `nil` before the first value.
    @inlinable public var extHighest: UInt64? { hasStarted ? extHighestValue : nil }

    /// Extends `value` relative to the highest value seen and advances the highest when `value` is newer.
    ///
    /// - Parameter value: the value from the wire.
    /// - Returns: the extended value; reordered values get their (smaller) extended value without moving the highest.
    @inlinable public mutating func unwrap(_ value: Value) -> UInt64 {
        guard hasStarted else {
            hasStarted = true
            extHighestValue = Self.period + UInt64(value)
            return extHighestValue
        }
        let highestLow = Value(truncatingIfNeeded: extHighestValue)
        let forward = value &- highestLow
        // RFC 1982 §3.2: a distance below half the period is "greater"; exactly half is treated as older.
        if forward < (Value(1) << (Value.bitWidth - 1)) {
            extHighestValue += UInt64(forward)
            return extHighestValue
        }
        // extHighestValue ≥ period and the step back is < period, so this never underflows.
        return extHighestValue - UInt64(highestLow &- value)
    }

    /// Forgets every value seen: the next value becomes the new reference.
    @inlinable public mutating func reset() {
        extHighestValue = 0
        hasStarted = false
    }
}

/// Extends 16-bit RTP sequence numbers (RFC 3550 §5.1) to 64-bit `extSeq` values.
public typealias SequenceUnwrapper = SerialSequenceUnwrapper<UInt16>

/// Extends 32-bit RTP timestamps (RFC 3550 §5.1) to 64-bit extended timestamps.
public typealias TimestampUnwrapper = SerialSequenceUnwrapper<UInt32>
