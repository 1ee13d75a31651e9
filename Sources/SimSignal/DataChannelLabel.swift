/// The data channels LiveKit clients open (reference: data channels §1.2), by label.
public enum DataChannelLabel: String, Sendable, CaseIterable {
    /// Ordered and reliable: DataPackets.
    case reliable = "_reliable"
    /// Unordered, no retransmissions: DataPackets.
    case lossy = "_lossy"
    /// Unordered, no retransmissions: data-track frames (not protobuf).
    case dataTrack = "_data_track"
}
