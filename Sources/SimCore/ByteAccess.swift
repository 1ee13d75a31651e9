// Big-endian reads and writes shared by the packet codecs (RTP, RTCP, SCTP). Callers check bounds first; these
// helpers never allocate. `package`: for this package's targets, not for users; inlinable, so the per-packet
// codecs in other targets still inline them.

extension ArraySlice where Element == UInt8 {
    /// The big-endian 16-bit value at absolute index `index` (caller checked `index + 1 < endIndex`).
    @inlinable @inline(__always)
    package func uint16(at index: Int) -> UInt16 {
        UInt16(self[index]) << 8 | UInt16(self[index + 1])
    }

    /// The big-endian 24-bit value at absolute index `index`.
    @inlinable @inline(__always)
    package func uint24(at index: Int) -> UInt32 {
        UInt32(self[index]) << 16 | UInt32(self[index + 1]) << 8 | UInt32(self[index + 2])
    }

    /// The big-endian 32-bit value at absolute index `index`.
    @inlinable @inline(__always)
    package func uint32(at index: Int) -> UInt32 {
        UInt32(self[index]) << 24 | UInt32(self[index + 1]) << 16 | UInt32(self[index + 2]) << 8
            | UInt32(self[index + 3])
    }

    /// The big-endian 64-bit value at absolute index `index`.
    @inlinable @inline(__always)
    package func uint64(at index: Int) -> UInt64 {
        UInt64(uint32(at: index)) << 32 | UInt64(uint32(at: index + 4))
    }

    /// True when `count` bytes starting at absolute index `index` lie inside the slice.
    @inlinable @inline(__always)
    package func has(_ count: Int, at index: Int) -> Bool {
        index >= startIndex && count >= 0 && index <= endIndex - count
    }
}

extension Array where Element == UInt8 {
    /// Appends a big-endian 16-bit value.
    @inlinable @inline(__always)
    package mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 24-bit value (the low 24 bits of `value`).
    @inlinable @inline(__always)
    package mutating func appendUInt24(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 32-bit value.
    @inlinable @inline(__always)
    package mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 64-bit value.
    @inlinable @inline(__always)
    package mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    /// Writes a big-endian 16-bit value at `index` (caller checked bounds).
    @inlinable @inline(__always)
    package mutating func setUInt16(_ value: UInt16, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Writes a big-endian 32-bit value at `index` (caller checked bounds).
    @inlinable @inline(__always)
    package mutating func setUInt32(_ value: UInt32, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 24)
        self[index + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[index + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 3] = UInt8(truncatingIfNeeded: value)
    }

    /// Appends zero bytes until the count is a multiple of four (RTCP and RTP extensions are 32-bit aligned).
    @inlinable @inline(__always)
    package mutating func padToWord() {
        while count % 4 != 0 { append(0) }
    }
}
