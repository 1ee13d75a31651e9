import SimCore

/// On each connection, holds one `held` message until the next `releasedBy` message has passed on the same
/// connection, then releases it right after (the two arrive swapped). A held message comes out anyway after
/// `timeout`, so a reorder never wedges a connection; that hold still counts as one of the connection's `pairs`.
public struct ReorderFault: FaultFilter {
    private struct Holding: Sendable {
        var id: TapMessageID
        var deadline: SimInstant
    }

    /// The message held back.
    public let held: MessageSelector
    /// The message that overtakes it.
    public let releasedBy: MessageSelector
    /// Swaps per connection.
    public let pairs: Int
    /// Longest hold.
    public let timeout: Duration
    private let end: SimInstant?
    private var holding: [ConnectionID?: Holding] = [:]
    private var swaps: [ConnectionID?: Int] = [:]
    private var expired = false

    /// A reorder installed at `start`, for `pairs` swaps per connection, itself lasting `during` (nil: until removed).
    public init(held: MessageSelector, releasedBy: MessageSelector, pairs: Int = 1,
                timeout: Duration = ReorderParameters.defaultTimeout, during: Duration? = nil, start: SimInstant) {
        self.held = held
        self.releasedBy = releasedBy
        self.pairs = pairs
        self.timeout = timeout
        end = during.map { start + $0 }
    }

    /// Holds the first `held` message per connection; lets the next `releasedBy` message through and releases it.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        let connection = message.context.connection
        if let holding = holding[connection], releasedBy.matches(message.context) {
            self.holding[connection] = nil
            swaps[connection, default: 0] += 1
            return .passAndRelease([holding.id])
        }
        guard !expired, holding[connection] == nil, swaps[connection, default: 0] < pairs,
              held.matches(message.context) else { return .pass }
        if let end, now >= end { return .pass }
        let deadline = now + timeout
        holding[connection] = Holding(id: message.id, deadline: deadline)
        return .hold(until: .nextMessage(kinds: releasedBy.kinds.sorted(), deadline: deadline))
    }

    /// Releases messages held past the timeout (oldest first) and expires the window.
    public mutating func timeAdvanced(to now: SimInstant) -> [TapMessageID] {
        if let end, now >= end { expired = true }
        let due = holding.filter { $0.value.deadline <= now }
        for key in due.keys {
            holding[key] = nil
            swaps[key, default: 0] += 1
        }
        return due.values.map(\.id).sorted()
    }

    /// The earliest timeout, or the window's end.
    public var nextDeadline: SimInstant? {
        let deadlines = holding.values.map(\.deadline) + (expired ? [] : [end].compactMap { $0 })
        return deadlines.min()
    }

    /// Done once the window is over and nothing is held.
    public var isFinished: Bool { expired && holding.isEmpty }
    /// Messages held now, oldest first.
    public var heldMessages: [TapMessageID] { holding.values.map(\.id).sorted() }
    /// `reorder <held> after <releasedBy>`.
    public var summary: String { "reorder \(held) after \(releasedBy.kinds.sorted().joined(separator: ","))" }
}
