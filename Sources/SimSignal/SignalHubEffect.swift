import SimCore
import SimRoom

/// What the signal hub does after releasing its lock, in the engine's order: media work, or a room notification for
/// its observers.
enum SignalHubEffect {
    /// A media action of the engine (`participantBound`, `remoteDescription`, `releaseMedia`, …).
    case media(SignalAction)
    /// A signal connection closed: transports never bound to a participant close.
    case connectionClosed(ConnectionID)
    /// A serialized DataPacket (or data-track frame) for a participant's data channel.
    case data(ParticipantSID, [UInt8], channel: DataChannelLabel)
    /// A room event for the observers.
    case notify(RoomNotification)
}

/// Runs one media effect on the delegate (outside the hub's lock).
func perform(_ effect: SignalHubEffect, on media: any SignalMediaDelegate) {
    switch effect {
    case .connectionClosed(let connection):
        media.connectionClosed(connection)
    case .data(let participant, let packet, let channel):
        media.deliverData(packet, channel: channel, participant: participant)
    case .notify:
        break  // for the observers, not the media layer
    case .media(let action):
        switch action {
        case .participantBound(let connection, let participant, let room):
            media.participantBound(participant, in: room, to: connection)
        case .remoteDescription(let participant, let target, let description):
            media.remoteDescription(description, participant: participant, target: target)
        case .restartICE(let participant, let target, let credentials):
            media.restartICE(credentials, participant: participant, target: target)
        case .addRemoteCandidate(let participant, let target, let candidate):
            media.remoteCandidate(candidate, participant: participant, target: target)
        case .publisherTrackMedia(let participant, let published):
            media.publisherTrack(published, participant: participant)
        case .downTrackNegotiated(let participant, let target, let downTrack):
            media.downTrackNegotiated(downTrack, participant: participant, target: target)
        case .downTrackRemoved(let participant, let target, let track):
            media.downTrackRemoved(track, participant: participant, target: target)
        case .downTrackSettings(let participant, let track, let settings):
            media.downTrackSettings(settings, track: track, participant: participant)
        case .releaseMedia(let participant):
            media.participantRemoved(participant)
        case .echoTrack(let track, let source):
            media.echoTrack(track, source: source)
        case .send, .close, .armTimer, .cancelTimer, .startForwarding, .stopForwarding, .log, .notify, .deliverData:
            break  // the hub runs these itself, under its lock
        }
    }
}
