/// Checks a gzip member's trailer against the inflated bytes (RFC 1952 §2.3.1): CRC-32 and ISIZE.
/// zlib's streaming inflate reports a truncated stream as success, so the trailer is what proves completeness.
enum GzipTrailer {
    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) lookup table.
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// CRC-32 of `bytes`.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Whether `compressed` ends with the CRC-32 and length (mod 2³²) of `inflated`.
    static func matches(compressed: [UInt8], inflated: some Collection<UInt8>) -> Bool {
        // 10-byte header + 8-byte trailer at least.
        guard compressed.count >= 18 else { return false }
        let trailer = compressed.suffix(8).map(UInt32.init)
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let size = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        return size == UInt32(truncatingIfNeeded: inflated.count) && crc == crc32(inflated)
    }
}
