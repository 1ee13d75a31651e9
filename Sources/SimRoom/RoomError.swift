/// Why an admin (RoomService) operation on the room model failed.
public enum RoomError: Error, Sendable, Equatable {
    /// No such room.
    case roomNotFound
    /// No such participant in the room.
    case participantNotFound
    /// No such track on the participant.
    case trackNotFound
    /// Remote unmute is disabled by configuration.
    case remoteUnmuteDisabled

    /// LiveKit's message text for the error.
    public var message: String {
        switch self {
        case .roomNotFound: "requested room does not exist"
        case .participantNotFound: "participant not found"
        case .trackNotFound: "track is not found"
        case .remoteUnmuteDisabled: "remote unmute not enabled"
        }
    }
}
