/// Why bytes are not an H.264 Annex-B byte stream (ITU-T H.264 Annex B). Offsets count from the start of the
/// input.
public enum H264AnnexBParseError: Error, Equatable, Sendable {
    /// The input is empty or does not begin with zero bytes and a `00 00 01` start code.
    case missingStartCode
    /// A NAL unit at `offset` has no bytes between its start code and the next one.
    case emptyNALUnit(offset: Int)
    /// The NAL unit at `offset` has its forbidden_zero_bit set (H.264 §7.4.1).
    case forbiddenBitSet(offset: Int)
    /// The slice NAL unit at `offset` ends before its slice header.
    case truncatedSlice(offset: Int)
}
