/// The engine's name for one installed fault filter, unique for the life of the engine.
public struct FilterID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number, increasing in installation order.
    public var value: UInt64
    /// An id.
    public init(_ value: UInt64) { self.value = value }
    /// Orders by installation.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    /// `f<value>`.
    public var description: String { "f\(value)" }
}
