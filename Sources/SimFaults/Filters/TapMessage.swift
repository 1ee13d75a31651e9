/// A number the scenario engine gives each message it is asked about, so a verdict can hold it and a later
/// action can release it. The shell keeps held messages under this id.
public struct TapMessageID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number, increasing in the order messages were seen.
    public var value: UInt64
    /// An id.
    public init(_ value: UInt64) { self.value = value }
    /// Orders by arrival.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    /// `m<value>`.
    public var description: String { "m\(value)" }
}

/// One message (or packet) crossing a tap, as fault filters see it.
public struct TapMessage: Sendable, Equatable {
    /// Its id.
    public var id: TapMessageID
    /// What the shell knows about it.
    public var context: TapContext

    /// A message.
    public init(id: TapMessageID, context: TapContext) {
        self.id = id
        self.context = context
    }
}
