import Foundation
import SimCore

/// The ordered filters installed at each tap. Empty (every message passes) until a scenario installs faults;
/// the first filter that does not pass decides.
public final class TapChain: @unchecked Sendable {
    private let lock = NSLock()
    private var filters: [TapPoint: [any TapFilter]] = [:]

    /// An empty chain.
    public init() {}

    /// Appends a filter at `tap`.
    public func install(_ filter: any TapFilter, at tap: TapPoint) {
        lock.withLock { filters[tap, default: []].append(filter) }
    }

    /// Removes every filter.
    public func reset() {
        lock.withLock { filters = [:] }
    }

    /// How many filters are installed at `tap`.
    public func count(at tap: TapPoint) -> Int { lock.withLock { filters[tap]?.count ?? 0 } }

    /// The verdict for one message: `.pass` unless a filter says otherwise.
    public func decide(_ context: TapContext) -> TapVerdict {
        let installed = lock.withLock { filters[context.tap] ?? [] }
        for filter in installed {
            let verdict = filter.decide(context)
            if verdict != .pass { return verdict }
        }
        return .pass
    }
}
