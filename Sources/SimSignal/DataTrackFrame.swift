/// The data-track frame header (reference: data channels §3; big-endian): byte 0 holds the version (3 bits), the
/// start/final-of-frame bits and the extension flag (bit 2); byte 1 is reserved; then the u16 track handle, u16
/// sequence, u16 frame number and u32 timestamp. With the extension flag, a u16 gives the extension words minus
/// one, and the extensions (id, size, data; padded to 4 bytes) follow before the payload.
enum DataTrackFrame {
    /// The fixed header's length.
    static let headerLength = 12

    /// The track handle of a well-formed frame; nil when the header or its extensions are cut short.
    static func handle(of bytes: [UInt8]) -> UInt16? {
        guard bytes.count >= headerLength else { return nil }
        if bytes[0] & 0b100 != 0 {
            guard bytes.count >= headerLength + 2 else { return nil }
            let words = Int(UInt16(bytes[12]) << 8 | UInt16(bytes[13])) + 1
            // The size field itself counts towards the words.
            guard bytes.count >= headerLength + words * 4 else { return nil }
        }
        return UInt16(bytes[2]) << 8 | UInt16(bytes[3])
    }

    /// The frame with its handle replaced (everything else untouched).
    static func rewritingHandle(of bytes: [UInt8], to handle: UInt16) -> [UInt8] {
        var out = bytes
        out[2] = UInt8(handle >> 8)
        out[3] = UInt8(handle & 0xFF)
        return out
    }
}
