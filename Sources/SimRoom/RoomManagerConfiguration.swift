/// Room-model settings; every default is documented in the README's configuration reference.
public struct RoomManagerConfiguration: Sendable, Equatable {
    /// Create a room on first join (LiveKit `room.auto_create`, default true).
    public var autoCreate: Bool = true
    /// Seconds an empty room lives before closing (default 300, LiveKit's).
    public var emptyTimeout: UInt32 = 300
    /// Seconds a room lives after its last participant left (default 20, LiveKit's).
    public var departureTimeout: UInt32 = 20
    /// How long a participant whose signal connection dropped is kept for a resume (default 15 s, the ping timeout).
    public var signalLossTimeout: Duration = .seconds(15)
    /// The window the `disconnect_signal_on_resume*` simulations stay armed (5 s, LiveKit's).
    public var resumeFaultWindow: Duration = .seconds(5)
    /// How many resumes `disconnect_signal_on_resume_no_messages` closes (3, LiveKit's).
    public var resumeFaultAttempts: Int = 3
    /// Allow RoomService to unmute a track (LiveKit `room.enable_remote_unmute`, default false).
    public var enableRemoteUnmute: Bool = false
    /// Name, identity, metadata and attribute size limits (LiveKit's `limit` section).
    public var limits = RoomLimits()

    /// The defaults.
    public init() {}
}
