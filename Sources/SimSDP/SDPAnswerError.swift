/// Why an answer could not be built for an offer (peer input) and the caller's outgoing tracks.
public enum SDPAnswerError: Error, Hashable, Sendable {
    /// The offered section at this 0-based index has no `a=mid` (JSEP requires one, RFC 8829 §5.2.1).
    case missingMID(sectionIndex: Int)
    /// Two offered sections share this mid.
    case duplicateMID(MediaID)
    /// An outgoing track was given for a mid the offer does not have.
    case unknownOutgoingMID(MediaID)
    /// An outgoing track was given for a section in which the offerer does not receive.
    case outgoingTrackOnNonReceivingSection(MediaID, offered: MediaDirection)
    /// The offer's `a=setup` for this section cannot be answered (`holdconn`).
    case unsupportedSetupRole(MediaID, DTLSSetupRole)
}
