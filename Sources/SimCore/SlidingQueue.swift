/// An array that drops elements from its front in O(1) amortised: a queue consumed from the front while new
/// elements join at the back (SCTP's send queue, a room's recent reliable DataPackets). Indices run from 0 to `count`
/// like an array's; the storage is compacted once the dropped prefix is at least half of it (so each element is moved
/// at most once on average).
public struct SlidingQueue<Element>: RandomAccessCollection, MutableCollection {
    private var storage: [Element] = []
    private var head = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count - head }

    public subscript(position: Int) -> Element {
        get { storage[head + position] }
        _modify { yield &storage[head + position] }
    }

    /// Adds `element` at the back.
    public mutating func append(_ element: Element) {
        storage.append(element)
    }

    /// Drops the first `count` elements.
    public mutating func removeFirst(_ count: Int) {
        precondition(count >= 0 && count <= self.count, "removing more than the queue holds")
        head += count
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}

extension SlidingQueue: Sendable where Element: Sendable {}
