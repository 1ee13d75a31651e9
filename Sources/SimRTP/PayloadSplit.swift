/// Splits `total` bytes into the fewest chunks of at most `capacity` bytes, with sizes differing by at most
/// one (larger chunks last), so a frame does not end in a runt packet. Iterated without allocation.
struct PayloadSplit: Sequence {
    /// The number of bytes to split (≥ 0).
    let total: Int
    /// The largest chunk (≥ 1).
    let capacity: Int

    /// The number of chunks: ⌈total / capacity⌉.
    var count: Int { (total + capacity - 1) / capacity }

    /// The chunks as ranges of `0..<total`, in order.
    func makeIterator() -> Iterator {
        let count = count
        return Iterator(count: count, base: count == 0 ? 0 : total / count, larger: count == 0 ? 0 : total % count)
    }

    /// Yields consecutive ranges; the last `larger` of `count` chunks get `base + 1` bytes.
    struct Iterator: IteratorProtocol {
        let count: Int
        let base: Int
        let larger: Int
        var index = 0
        var offset = 0

        init(count: Int, base: Int, larger: Int) {
            self.count = count
            self.base = base
            self.larger = larger
        }

        mutating func next() -> Range<Int>? {
            guard index < count else { return nil }
            let size = base + (index >= count - larger ? 1 : 0)
            defer {
                index += 1
                offset += size
            }
            return offset..<offset + size
        }
    }
}
