import Testing
@testable import SimDecart

@Suite struct DecartQueueTests {
    @Test func unlimitedNeverQueues() {
        var queue = DecartQueue<Int>(capacity: nil, waitingLimit: 0)
        for key in 0..<100 { #expect(queue.request(key) == .admitted) }
    }

    @Test func capacityOneSecondWaitsAndMovesUp() {
        var queue = DecartQueue<Int>(capacity: 1, waitingLimit: 5)
        #expect(queue.request(1) == .admitted)
        #expect(queue.request(2) == .queued(position: 1, queueSize: 1))
        #expect(queue.request(3) == .queued(position: 2, queueSize: 2))
        #expect(queue.request(2) == .queued(position: 1, queueSize: 2))  // asking again is idempotent
        let change = queue.release(1)
        #expect(change.admitted == [2])
        #expect(change.moved.map(\.key) == [3] && change.moved.map(\.position) == [1])
        #expect(change.queueSize == 1)
        #expect(queue.isActive(2) && queue.position(of: 3) == 1)
    }

    @Test func waiterLeavingMovesOnlyThoseBehind() {
        var queue = DecartQueue<Int>(capacity: 1, waitingLimit: 5)
        _ = queue.request(1)
        for key in 2...5 { _ = queue.request(key) }
        let change = queue.release(3)
        #expect(change.admitted.isEmpty)
        #expect(change.moved.map(\.key) == [4, 5] && change.moved.map(\.position) == [2, 3])
        #expect(queue.waiting == [2, 4, 5])
    }

    @Test func limitRefuses() {
        var queue = DecartQueue<Int>(capacity: 1, waitingLimit: 1)
        #expect(queue.request(1) == .admitted)
        #expect(queue.request(2) == .queued(position: 1, queueSize: 1))
        #expect(queue.request(3) == .refused)
        _ = queue.release(1)
        #expect(queue.request(3) == .queued(position: 1, queueSize: 1))
    }

    @Test func capacityZeroWithNoWaitersRefuses() {
        var queue = DecartQueue<Int>(capacity: 0, waitingLimit: 0)
        #expect(queue.request(1) == .refused)
    }

    @Test func releasingUnknownKeyChangesNothing() {
        var queue = DecartQueue<Int>(capacity: 1, waitingLimit: 2)
        _ = queue.request(1)
        _ = queue.request(2)
        #expect(queue.release(9) == DecartQueue<Int>.Change(admitted: [], moved: [], queueSize: 1))
        #expect(queue.isActive(1))
    }

    @Test func multipleSlotsFreeAdmitInOrder() {
        var queue = DecartQueue<Int>(capacity: 2, waitingLimit: 5)
        _ = queue.request(1); _ = queue.request(2)
        _ = queue.request(3); _ = queue.request(4)
        #expect(queue.release(1).admitted == [3])
        #expect(queue.release(2).admitted == [4])
        #expect(queue.waiting.isEmpty)
    }
}
