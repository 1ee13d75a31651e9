/// Why bytes are not a readable IVF file. Offsets count from the start of the file.
public enum IVFParseError: Error, Equatable, Sendable {
    /// Fewer bytes than the 32-byte file header.
    case headerTooShort(length: Int)
    /// The file does not start with the `DKIF` signature.
    case badSignature([UInt8])
    /// The header-length field is below 32 or points past the end of the file.
    case badHeaderLength(Int, fileLength: Int)
    /// Frame `index` starts at `offset` with fewer than the 12 bytes of its frame header left.
    case truncatedFrameHeader(index: Int, offset: Int)
    /// Frame `index` declares `declaredLength` bytes but only `available` remain.
    case truncatedFrame(index: Int, declaredLength: Int, available: Int)
}
