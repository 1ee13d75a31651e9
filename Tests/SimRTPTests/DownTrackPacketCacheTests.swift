import SimRTP
import Testing

/// `#expect(actual == expected)` for values from mutating calls, which the `#expect` macro cannot capture.
private func check<T: Equatable>(_ actual: T, _ expected: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, sourceLocation: sourceLocation)
}

@Suite struct DownTrackPacketCacheTests {
    static func bytes(_ seq: UInt16, count: Int = 20) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: Int(seq) &+ $0) }
    }

    @Test func hitAndMiss() {
        var cache = DownTrackPacketCache()
        #expect(cache.capacity == 512 && cache.maxPacketSize == 1500)
        #expect(cache.packet(for: 10) == nil)
        check(cache.store(seq: 10, bytes: Self.bytes(10)), true)
        #expect(cache.packet(for: 10).map(Array.init) == Self.bytes(10))
        #expect(cache.packet(for: 11) == nil)
        #expect(cache.packet(for: 9) == nil)
    }

    @Test func storesSlicesAndNonContiguousCollectionsLikeArrays() {
        var cache = DownTrackPacketCache()
        let packet = Self.bytes(3, count: 30)
        check(cache.store(seq: 3, bytes: packet[5...]), true)
        #expect(cache.packet(for: 3).map(Array.init) == Array(packet[5...]))
        check(cache.store(seq: 4, bytes: (0..<7).lazy.map { UInt8($0) }), true)
        #expect(cache.packet(for: 4).map(Array.init) == [0, 1, 2, 3, 4, 5, 6])
        check(cache.store(seq: 5, bytes: [UInt8](repeating: 1, count: 1501)), false)
        check(cache.store(seq: 5, bytes: [UInt8]()), false)
    }

    @Test func capacityRoundsUpToAPowerOfTwo() {
        #expect(DownTrackPacketCache(capacity: 500).capacity == 512)
        #expect(DownTrackPacketCache(capacity: 3).capacity == 4)
        #expect(DownTrackPacketCache(capacity: 0).capacity == 1)
    }

    @Test func oldestPacketsAreOverwritten() {
        var cache = DownTrackPacketCache(capacity: 4, maxPacketSize: 64)
        for seq: UInt16 in 0...5 { check(cache.store(seq: seq, bytes: Self.bytes(seq)), true) }
        #expect(cache.packet(for: 0) == nil && cache.packet(for: 1) == nil)
        for seq: UInt16 in 2...5 { #expect(cache.packet(for: seq).map(Array.init) == Self.bytes(seq)) }
        check(cache.store(seq: 6, bytes: Self.bytes(6, count: 3)), true)
        #expect(cache.packet(for: 2) == nil)
        #expect(cache.packet(for: 6).map(Array.init) == Self.bytes(6, count: 3))
    }

    @Test func wrapsAt65535() {
        var cache = DownTrackPacketCache(capacity: 8, maxPacketSize: 64)
        for seq: UInt16 in [65534, 65535, 0, 1] { cache.store(seq: seq, bytes: Self.bytes(seq)) }
        for seq: UInt16 in [65534, 65535, 0, 1] { #expect(cache.packet(for: seq).map(Array.init) == Self.bytes(seq)) }
        #expect(cache.packet(for: 2) == nil && cache.packet(for: 65533) == nil)
    }

    @Test func lossGapsAndLateStores() {
        var cache = DownTrackPacketCache(capacity: 4, maxPacketSize: 64)
        cache.store(seq: 10, bytes: Self.bytes(10))
        cache.store(seq: 13, bytes: Self.bytes(13))
        #expect(cache.packet(for: 11) == nil && cache.packet(for: 12) == nil)
        check(cache.store(seq: 11, bytes: Self.bytes(11)), true)  // late, inside the window
        #expect(cache.packet(for: 11).map(Array.init) == Self.bytes(11))
        check(cache.store(seq: 9, bytes: Self.bytes(9)), false)  // older than the window
        #expect(cache.packet(for: 10).map(Array.init) == Self.bytes(10))
    }

    @Test func stalePacketFromAnEarlierCycleNeverAnswers() {
        var cache = DownTrackPacketCache(capacity: 4, maxPacketSize: 64)
        cache.store(seq: 5, bytes: Self.bytes(5))
        for seq: UInt16 in [20000, 40000, 60000, 4, 6] { cache.store(seq: seq, bytes: Self.bytes(seq)) }
        #expect(cache.packet(for: 5) == nil)
        #expect(cache.packet(for: 4).map(Array.init) == Self.bytes(4))
    }

    @Test func rejectsEmptyAndOversizedPackets() {
        var cache = DownTrackPacketCache(capacity: 4, maxPacketSize: 16)
        check(cache.store(seq: 1, bytes: [UInt8]()), false)
        check(cache.store(seq: 1, bytes: Self.bytes(1, count: 17)), false)
        #expect(cache.packet(for: 1) == nil)
        check(cache.store(seq: 1, bytes: Self.bytes(1, count: 16)), true)
        #expect(cache.packet(for: 1)?.count == 16)
    }

    @Test func acceptsNonContiguousCollectionsAndRemovesAll() {
        var cache = DownTrackPacketCache(capacity: 4, maxPacketSize: 16)
        cache.store(seq: 3, bytes: (1...5).lazy.map { UInt8($0) })
        #expect(cache.packet(for: 3).map(Array.init) == [1, 2, 3, 4, 5])
        cache.removeAll()
        #expect(cache.packet(for: 3) == nil)
    }
}
