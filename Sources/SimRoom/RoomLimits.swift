import SimCore

/// LiveKit's size limits (`limit` config: `max_room_name_length`, `max_participant_identity_length`,
/// `max_participant_name_length`, `max_metadata_size`, `max_attributes_size`), with its defaults. Lengths are in
/// bytes (UTF-8), as Go's `len`; 0 disables a limit. Checked on joins (the token), client metadata updates, and the
/// Twirp APIs, with LiveKit's error texts.
public struct RoomLimits: Sendable, Equatable {
    /// Longest room name.
    public var maxRoomNameLength = 256
    /// Longest participant identity.
    public var maxIdentityLength = 256
    /// Longest participant name.
    public var maxNameLength = 256
    /// Largest room or participant metadata.
    public var maxMetadataSize = 512 * 1024
    /// Largest set of participant attributes (keys and values together).
    public var maxAttributesSize = 64 * 1024

    /// LiveKit's defaults.
    public init() {}

    /// A room name within the limit.
    public func allowsRoomName(_ name: String) -> Bool { Self.within(name.utf8.count, maxRoomNameLength) }
    /// An identity within the limit.
    public func allowsIdentity(_ identity: String) -> Bool { Self.within(identity.utf8.count, maxIdentityLength) }
    /// A participant name within the limit.
    public func allowsName(_ name: String) -> Bool { Self.within(name.utf8.count, maxNameLength) }
    /// Metadata within the limit.
    public func allowsMetadata(_ metadata: String) -> Bool { Self.within(metadata.utf8.count, maxMetadataSize) }
    /// Attributes within the limit.
    public func allowsAttributes(_ attributes: [String: String]) -> Bool {
        Self.within(attributes.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }, maxAttributesSize)
    }

    /// The first of a participant's name, metadata and attributes over its limit, in LiveKit's order.
    public func participantViolation(name: String, metadata: String, attributes: [String: String]) -> Violation? {
        if !allowsName(name) { return .name }
        if !allowsMetadata(metadata) { return .metadata }
        if !allowsAttributes(attributes) { return .attributes }
        return nil
    }

    /// The limit `violation` broke.
    public func limit(of violation: Violation) -> Int {
        switch violation {
        case .name: maxNameLength
        case .metadata: maxMetadataSize
        case .attributes: maxAttributesSize
        }
    }

    /// Which limit a participant update broke.
    public enum Violation: Sendable, Equatable {
        /// The name.
        case name
        /// The metadata.
        case metadata
        /// The attributes.
        case attributes

        /// LiveKit's text in a `RequestResponse` (`LIMIT_EXCEEDED`).
        public var requestResponseMessage: String {
            switch self {
            case .name: "exceeds name length limit"
            case .metadata: "exceeds metadata size limit"
            case .attributes: "exceeds attributes size limit"
            }
        }

        /// LiveKit's error text (Twirp and HTTP).
        public var errorText: String {
            switch self {
            case .name: "name length exceeds limits"
            case .metadata: "metadata size exceeds limits"
            case .attributes: "attribute size exceeds limits"
            }
        }
    }

    private static func within(_ size: Int, _ limit: Int) -> Bool { limit == 0 || size <= limit }
}
