import Testing
@testable import SimCore

@Suite("SlidingQueue: an array consumed from the front")
struct SlidingQueueTests {
    @Test("appends and front removals in any mix behave as an Array does, through every compaction")
    func behavesAsArray() {
        var queue = SlidingQueue<Int>()
        var array: [Int] = []
        var random = SeededRandom(seed: 4960)
        var next = 0
        for _ in 0..<5_000 {
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                queue.append(next)
                array.append(next)
                next += 1
            }
            let drop = Int.random(in: 0...min(4, array.count), using: &random)
            queue.removeFirst(drop)
            array.removeFirst(drop)
            #expect(queue.count == array.count)
            if let first = array.first { #expect(queue.first == first && queue[array.count - 1] == array.last) }
        }
        #expect(Array(queue) == array)
        queue[0] += 1_000_000
        #expect(queue.first == array[0] + 1_000_000)
        queue.removeFirst(queue.count)
        #expect(queue.isEmpty)
    }
}
