/// An event kind as written in a trigger or expectation: one exact kind, or every kind under a prefix
/// (`signal.out.*`, or `*` for everything).
public enum KindPattern: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this kind, e.g. `participant.joined`.
    case exact(String)
    /// Every kind starting with this prefix (which ends in `.` or is empty), written `prefix*`.
    case prefix(String)

    /// Parses `text`: a trailing `*` makes a prefix pattern.
    public init(_ text: String) {
        if text.hasSuffix("*") { self = .prefix(String(text.dropLast())) } else { self = .exact(text) }
    }

    /// Whether `kind` matches.
    public func matches(_ kind: String) -> Bool {
        switch self {
        case .exact(let exact): kind == exact
        case .prefix(let prefix): kind.hasPrefix(prefix)
        }
    }

    /// The pattern as written.
    public var description: String {
        switch self {
        case .exact(let exact): exact
        case .prefix(let prefix): prefix + "*"
        }
    }
}
