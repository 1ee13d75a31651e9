/// One RFC 8285 header-extension element: a local id and its data.
public struct RTPHeaderExtensionElement: Hashable, Sendable {
    /// The local identifier negotiated with `a=extmap` (1…14 one-byte, 1…255 two-byte).
    public var id: UInt8
    /// The element data (a view into the packet when parsed).
    public var data: ArraySlice<UInt8>

    /// Makes an element from an id and its data.
    public init(id: UInt8, data: ArraySlice<UInt8>) {
        self.id = id
        self.data = data
    }

    /// Makes an element from an id and its data.
    public init(id: UInt8, data: [UInt8]) {
        self.init(id: id, data: data[...])
    }
}

/// The elements of a parsed header extension, iterated without allocation.
public struct RTPHeaderExtensionElements: Sequence, IteratorProtocol, Sendable {
    private let bytes: ArraySlice<UInt8>
    private let oneByte: Bool
    private var position: Int
    private let end: Int

    /// Iterates the elements in `bytes[range]` (the extension data after its 4-byte header).
    init(bytes: ArraySlice<UInt8>, range: Range<Int>, profile: RTPHeaderExtensionProfile?) {
        self.bytes = bytes
        switch profile {
        case .oneByte:
            oneByte = true
            position = range.lowerBound
            end = range.upperBound
        case .twoByte:
            oneByte = false
            position = range.lowerBound
            end = range.upperBound
        case .other, nil:
            // Opaque data: no elements.
            oneByte = true
            position = range.upperBound
            end = range.upperBound
        }
    }

    /// The next element, or nil at the end (or at a one-byte id 15, which ends processing).
    public mutating func next() -> RTPHeaderExtensionElement? {
        while true {
            switch RTPExtensionWalker.step(bytes, at: position, end: end, oneByte: oneByte) {
            case .padding(let next):
                position = next
            case .element(let id, _, let dataRange):
                position = dataRange.upperBound
                return RTPHeaderExtensionElement(id: id, data: bytes[dataRange])
            case .end, .overrun:
                position = end
                return nil
            }
        }
    }
}
