/// A string-backed identifier with its own type, so a room name can never be passed where an identity is expected.
public protocol StringIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier as it travels on the wire.
    var rawValue: String { get }
    /// Wraps a wire value.
    init(_ rawValue: String)
}

extension StringIdentifier {
    /// The wire value.
    public var description: String { rawValue }
    /// Wraps a string literal (tests and constants).
    public init(stringLiteral value: String) { self.init(value) }
    /// Orders by wire value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Decodes from a bare JSON string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }
    /// Encodes as a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The name of a room, as given in a token's `video.room` grant.
public struct RoomName: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A participant's identity (the token's `sub`), unique within a room.
public struct Identity: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A room SID in LiveKit's format (`RM_` + 12 base57 characters).
public struct RoomSID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A participant SID in LiveKit's format (`PA_` + 12 base57 characters); reissued on every fresh join.
public struct ParticipantSID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A track SID in LiveKit's format (`TR_` + kind/source letters + 12 base57 characters).
public struct TrackSID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A node id in LiveKit's format (`ND_…`), reported in `ServerInfo.node_id`.
public struct NodeID: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// An API key (the token's `iss`).
public struct APIKey: StringIdentifier {
    /// The wire value.
    public let rawValue: String
    /// Wraps a wire value.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A server-local id for one client connection (a WebSocket), unique for the life of the process.
public struct ConnectionID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The numeric value; the event log prints it as `c<value>`.
    public let value: UInt64
    /// Wraps a number.
    public init(_ value: UInt64) { self.value = value }
    /// `c<value>`.
    public var description: String { "c\(value)" }
    /// Orders by number.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
