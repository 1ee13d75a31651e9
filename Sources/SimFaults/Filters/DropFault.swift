import SimCore

/// Drops selected messages: all of them, only the nth, every nth, or a seeded share.
public struct DropFault: WindowedFault {
    /// The messages.
    public let selector: MessageSelector
    /// Which of them.
    public let selection: DropSelection
    /// The fault's lifetime.
    public var window: FaultWindow
    private var random: SeededRandom
    private var matched = 0

    /// A drop installed at `start`; `seed` drives `percent` selections.
    public init(selector: MessageSelector, selection: DropSelection = .all, limits: FaultLimits = .unlimited,
                seed: UInt64 = 0, start: SimInstant) {
        self.selector = selector
        self.selection = selection
        window = FaultWindow(start: start, limits: limits)
        random = SeededRandom(seed: seed)
    }

    /// Drops the message if it is selected and chosen.
    public mutating func decide(_ message: TapMessage, now: SimInstant) -> FaultVerdict {
        guard !isFinished, window.isOpen(at: now), selector.matches(message.context) else { return .pass }
        matched += 1
        let chosen: Bool
        switch selection {
        case .all: chosen = true
        case .nth(let n): chosen = matched == n
        case .every(let n): chosen = matched % n == 0
        case .percent(let share): chosen = random.nextUnit() < share.fraction
        }
        guard chosen else { return .pass }
        window.consume()
        return .drop
    }

    /// Done once expired, out of count, or past its only (nth) message.
    public var isFinished: Bool {
        if window.isFinished { return true }
        if case .nth(let n) = selection { return matched >= n }
        return false
    }

    /// `drop <selection> <selector>`.
    public var summary: String {
        let which: String = switch selection {
        case .all: "all"
        case .nth(let n): "#\(n)"
        case .every(let n): "every \(n)"
        case .percent(let share): share.description
        }
        return "drop \(which) \(selector)"
    }
}
