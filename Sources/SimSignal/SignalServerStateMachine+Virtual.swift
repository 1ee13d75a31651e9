import Foundation
import SimCore
import SimRoom

/// Participants that live inside the server (the Decart inference server): they join and publish like clients,
/// as far as everyone else can tell, but have no socket and no transport. A virtual track is an echo: the RTP of
/// a source track re-sent as a new track (new SID, its own down tracks and SSRCs).
extension SignalServerStateMachine {
    /// A virtual participant's connection is up: ACTIVE at once (it has no transport to wait for).
    public mutating func virtualParticipantActive(_ connection: ConnectionID, wall: Date) -> [SignalAction] {
        guard sessions[connection]?.plan.isVirtual == true, let sid = participant(of: connection) else { return [] }
        return map(rooms.handle(.transportConnected(sid), wall: wall)) + flushSubscriberOffers()
    }

    /// Publishes, for the virtual participant on `connection`, a video track echoing `source`: same codec and
    /// dimensions, a new SID. Returns the new track (nil when the source is unknown or has no media yet).
    public mutating func publishEcho(_ connection: ConnectionID, of source: TrackSID, name: String, wall: Date) -> (TrackSID?, [SignalAction]) {
        guard sessions[connection]?.plan.isVirtual == true, let sid = participant(of: connection),
              let publisher = rooms.publisher(of: source), let index = publisher.trackIndex(source),
              let sourceMedia = publishedMedia[source], let template = publishedSections[source] else { return (nil, []) }
        let original = publisher.tracks[index]
        let cid = "echo-\(source.rawValue)"
        var out = map(rooms.handle(.addTrackRequested(connection, AddTrackParameters(
            cid: cid, name: name, kind: original.kind, source: original.source, width: original.width, height: original.height
        )), wall: wall))
        let section = OfferedTrackSection(mid: "echo-\(index)", kind: original.kind, trackID: cid, mimeType: original.mimeType)
        out += map(rooms.handle(.publisherOfferReceived(connection, [section]), wall: wall))
        guard let echo = rooms.participants[sid]?.tracks.first(where: { $0.cid == cid })?.sid else { return (nil, out) }
        var media = sourceMedia
        media.track = echo
        publishedMedia[echo] = media
        publishedSections[echo] = template
        out.append(.echoTrack(echo, source: source))
        return (echo, out + flushSubscriberOffers())
    }
}
