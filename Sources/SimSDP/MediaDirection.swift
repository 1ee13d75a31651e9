/// A media section's direction attribute (RFC 8866 §6.7), from the point of view of the description's author.
public enum MediaDirection: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `a=sendrecv`: the author sends and receives (the default when no direction attribute is present).
    case sendrecv
    /// `a=sendonly`: the author only sends.
    case sendonly
    /// `a=recvonly`: the author only receives.
    case recvonly
    /// `a=inactive`: no media either way.
    case inactive

    /// Whether the author sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// Whether the author receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same flow seen from the other side: `sendonly` ⇄ `recvonly`, the others unchanged.
    public var reversed: MediaDirection {
        switch self {
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .sendrecv, .inactive: self
        }
    }

    /// Builds a direction from whether the author sends and receives.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The attribute name.
    public var description: String { rawValue }
}
