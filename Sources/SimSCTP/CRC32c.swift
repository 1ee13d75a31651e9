/// CRC32c (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78): the SCTP checksum (RFC 9260 App. A,
/// RFC 3309). Table-driven, eight bytes at a time ("slicing by 8": table k holds the register's effect of a byte
/// followed by k zero bytes); no allocation.
public enum CRC32c {
    /// The reflected polynomial.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight tables of 256 entries, one after the other: entry `k * 256 + b`.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[index] = crc
        }
        for slice in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = tables[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return tables
    }()

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

    /// Runs the register over `bytes`: eight bytes per step through the eight tables, the tail a byte at a time
    /// (no bounds checks in the loops).
    static func update(_ start: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            bytes.withUnsafeBytes { bytes in
                var crc = start
                var offset = 0
                let count = bytes.count
                while offset + 8 <= count {
                    let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    let low = UInt32(truncatingIfNeeded: word) ^ crc
                    let high = UInt32(truncatingIfNeeded: word >> 32)
                    crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                        ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                        ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                        ^ table[256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                    offset += 8
                }
                while offset < count {
                    crc = table[Int((crc ^ UInt32(bytes[offset])) & 0xFF)] ^ (crc >> 8)
                    offset += 1
                }
                return crc
            }
        }
    }
}
