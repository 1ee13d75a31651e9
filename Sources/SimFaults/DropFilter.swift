import SimCore

/// Drops messages of given kinds (optionally for one identity): the first fault primitive, proving the tap seam.
public struct DropFilter: TapFilter {
    /// Kinds to drop; empty drops every kind.
    public var kinds: Set<String>
    /// Only for this identity, if set.
    public var identity: Identity?

    /// A filter.
    public init(kinds: Set<String>, identity: Identity? = nil) {
        self.kinds = kinds
        self.identity = identity
    }

    /// Drops matching messages.
    public func decide(_ context: TapContext) -> TapVerdict {
        guard kinds.isEmpty || kinds.contains(context.kind) else { return .pass }
        if let identity, context.identity != identity { return .pass }
        return .drop(reason: "drop \(context.kind) at \(context.tap.rawValue)")
    }
}
