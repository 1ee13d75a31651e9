/// The admission queue: at most `capacity` sessions are active; later ones wait in FIFO order with 1-based
/// positions that move up as others leave; beyond `waitingLimit` waiters a request is refused (the session is then
/// closed with 1013, reference §1). Pure: no clock, no I/O.
public struct DecartQueue<Key: Hashable & Sendable>: Sendable {
    /// The outcome of a request.
    public enum Admission: Sendable, Equatable {
        /// The key is active now.
        case admitted
        /// The key waits at `position` (1 = next) among `queueSize` waiters.
        case queued(position: Int, queueSize: Int)
        /// The queue is full.
        case refused
    }

    /// What a departure changed.
    public struct Change: Sendable, Equatable {
        /// Keys that became active, in order.
        public var admitted: [Key] = []
        /// Waiters whose position changed, with their new position, in queue order.
        public var moved: [(key: Key, position: Int)] = []
        /// The number of waiters afterwards.
        public var queueSize = 0

        /// Member-wise equality.
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.admitted == rhs.admitted && lhs.queueSize == rhs.queueSize
                && lhs.moved.elementsEqual(rhs.moved) { $0.key == $1.key && $0.position == $1.position }
        }
    }

    /// Active sessions allowed at once; nil = unlimited (nobody ever waits).
    public let capacity: Int?
    /// Waiters allowed at once.
    public let waitingLimit: Int
    /// The active keys.
    public private(set) var active: Set<Key> = []
    /// The waiting keys, next first.
    public private(set) var waiting: [Key] = []

    /// A queue; negative limits count as 0.
    public init(capacity: Int?, waitingLimit: Int) {
        self.capacity = capacity.map { max(0, $0) }
        self.waitingLimit = max(0, waitingLimit)
    }

    /// The 1-based position of a waiting key.
    public func position(of key: Key) -> Int? { waiting.firstIndex(of: key).map { $0 + 1 } }

    /// Whether `key` is active.
    public func isActive(_ key: Key) -> Bool { active.contains(key) }

    /// Asks for a slot; asking again returns the key's current standing.
    public mutating func request(_ key: Key) -> Admission {
        if active.contains(key) { return .admitted }
        if let position = position(of: key) { return .queued(position: position, queueSize: waiting.count) }
        if waiting.isEmpty, hasFreeSlot {
            active.insert(key)
            return .admitted
        }
        guard waiting.count < waitingLimit else { return .refused }
        waiting.append(key)
        return .queued(position: waiting.count, queueSize: waiting.count)
    }

    /// Removes `key` (active or waiting), admits waiters into freed slots and reports who moved up.
    public mutating func release(_ key: Key) -> Change {
        var change = Change()
        let oldPositions = Dictionary(uniqueKeysWithValues: waiting.enumerated().map { ($1, $0 + 1) })
        if active.remove(key) == nil {
            guard let index = waiting.firstIndex(of: key) else {
                change.queueSize = waiting.count
                return change
            }
            waiting.remove(at: index)
        }
        while !waiting.isEmpty, hasFreeSlot {
            let next = waiting.removeFirst()
            active.insert(next)
            change.admitted.append(next)
        }
        for (index, waiter) in waiting.enumerated() where oldPositions[waiter] != index + 1 {
            change.moved.append((key: waiter, position: index + 1))
        }
        change.queueSize = waiting.count
        return change
    }

    /// Whether another session may be active.
    var hasFreeSlot: Bool { capacity.map { active.count < $0 } ?? true }
}
