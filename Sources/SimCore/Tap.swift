/// A named point where messages or packets cross a boundary; the scenario engine installs fault filters here.
public enum TapPoint: String, Sendable, Codable, CaseIterable {
    /// LiveKit signalling frames from a client, before the session sees them.
    case signalIn = "signal.in"
    /// LiveKit signalling frames to a client, before they are written.
    case signalOut = "signal.out"
    /// Decart control frames from a client.
    case controlIn = "control.in"
    /// Decart control frames to a client.
    case controlOut = "control.out"
    /// RTP packets, per participant and track.
    case mediaRTP = "media.rtp"
    /// RTCP packets, per participant and track.
    case mediaRTCP = "media.rtcp"
    /// Matrix and JWT-service HTTP requests, before the homeserver sees them (kind: the endpoint class).
    case httpIn = "http.in"
    /// Their responses, before they are written.
    case httpOut = "http.out"
    /// LiveKit DataPackets from a participant's data channel, before they are forwarded.
    case dataIn = "data.in"
    /// LiveKit DataPackets to each recipient, before they are written to its data channel.
    case dataOut = "data.out"
    /// LiveKit agent worker messages (`/agent`) from a worker, before the dispatcher sees them.
    case agentIn = "agent.in"
    /// Agent worker messages to a worker, before they are written.
    case agentOut = "agent.out"
}
