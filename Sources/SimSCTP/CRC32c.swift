/// CRC32c (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78): the SCTP checksum (RFC 9260 App. A,
/// RFC 3309). Table-driven, one byte at a time; no allocation.
public enum CRC32c {
    /// The reflected polynomial.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// One entry per byte value.
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes[...])
    }

    /// The checksum of an SCTP packet, its checksum field (bytes 8…11) counted as zero (RFC 9260 §6.8).
    public static func packetChecksum(_ packet: [UInt8]) -> UInt32 {
        guard packet.count >= 12 else { return checksum(packet) }
        var crc = update(0xFFFF_FFFF, packet[0..<8])
        crc = update(crc, [0, 0, 0, 0][...])
        return ~update(crc, packet[12...])
    }

    /// Runs the register over `bytes` (no bounds checks in the loop).
    static func update(_ start: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { bytes in
                var crc = start
                for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
                return crc
            }
        }
    }
}
