/// Walks RFC 8285 elements in any byte collection; shared by the parser, the iterator and the rewriters.
enum RTPExtensionWalker {
    /// One step of the walk.
    enum Step: Equatable {
        /// A padding byte (id 0); continue at `next`.
        case padding(next: Int)
        /// An element whose header starts at `headerStart` and whose data is `data`.
        case element(id: UInt8, headerStart: Int, data: Range<Int>)
        /// The end of the extension, or a one-byte id 15 (RFC 8285 §4.2: stop processing).
        case end
        /// The element starting at `offset` runs past `end`.
        case overrun(offset: Int)
    }

    /// RFC 8285 §4.2: one-byte id 15 is reserved; processing stops there.
    static let oneByteReservedID: UInt8 = 15

    /// Decodes the element (or padding) at `position`.
    @inline(__always)
    static func step<C: RandomAccessCollection>(
        _ bytes: C, at position: Int, end: Int, oneByte: Bool
    ) -> Step where C.Element == UInt8, C.Index == Int {
        guard position < end else { return .end }
        let first = bytes[position]
        if first == 0 { return .padding(next: position + 1) }
        if oneByte {
            let id = first >> 4
            // Id 0 is padding whatever its length nibble says (receivers skip one byte).
            if id == 0 { return .padding(next: position + 1) }
            if id == oneByteReservedID { return .end }
            let length = Int(first & 0x0F) + 1
            let dataStart = position + 1
            guard dataStart + length <= end else { return .overrun(offset: position) }
            return .element(id: id, headerStart: position, data: dataStart..<dataStart + length)
        }
        guard position + 2 <= end else { return .overrun(offset: position) }
        let length = Int(bytes[position + 1])
        let dataStart = position + 2
        guard dataStart + length <= end else { return .overrun(offset: position) }
        return .element(id: first, headerStart: position, data: dataStart..<dataStart + length)
    }
}
