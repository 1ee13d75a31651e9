/// One frame of an IVF file: its timestamp and its encoded bytes.
public struct IVFFrame: Sendable, Equatable {
    /// The presentation timestamp, in units of the file's timebase (`IVFHeader`).
    public var timestamp: UInt64
    /// The encoded frame (for VP8: one complete frame, RFC 6386 §9). A view into the file's bytes: its
    /// indices are those of the parsed file.
    public var data: ArraySlice<UInt8>

    /// A frame from its fields.
    public init(timestamp: UInt64, data: ArraySlice<UInt8>) {
        self.timestamp = timestamp
        self.data = data
    }
}
