/// An error from an ``ICEAgent`` call. Peer input never traps: bad candidates become ``malformedCandidate(_:)``.
public enum ICEError: Error, Equatable, Sendable {
    /// The configuration cannot be used (e.g. no local address, an empty port range).
    case invalidConfiguration(String)
    /// A configured local address is not an IP address literal libnice accepts.
    case invalidLocalAddress(String)
    /// libnice could not create the agent or its stream.
    case agentCreationFailed
    /// A remote candidate line is malformed.
    case malformedCandidate(ICECandidateLineError)
    /// A remote candidate names a component other than 1 (we require rtcp-mux: one component per stream).
    case unsupportedCandidateComponent(Int)
    /// libnice parsed the remote candidate but did not add it (e.g. a TCP candidate: ICE-TCP is off).
    case candidateNotAdded
    /// Remote credentials are empty or contain characters ICE does not allow (RFC 8839 §5.4).
    case invalidRemoteCredentials
    /// A libnice call reported failure; the associated value names the operation.
    case operationFailed(String)
    /// The datagram was not sent: no selected pair yet, or the socket refused it.
    case sendFailed
    /// The agent was closed.
    case closed
}
