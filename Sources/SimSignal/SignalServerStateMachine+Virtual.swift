import Foundation
import SimCore
import SimRoom
import SimSDP

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

extension SignalServerStateMachine {
    /// Publishes, for the virtual participant on `connection`, a video track whose RTP the server generates (a test
    /// pattern) in `codec`, offered to subscribers like any publication. The caller starts the generator and
    /// publishes it to the media router under the returned track.
    public mutating func publishGenerated(_ connection: ConnectionID, name: String, codec: GeneratedCodec, width: UInt32, height: UInt32,
                                          wall: Date) -> (TrackSID?, [SignalAction]) {
        guard sessions[connection]?.plan.isVirtual == true, let sid = participant(of: connection) else { return (nil, []) }
        let cid = "generated-\(name)"
        var out = map(rooms.handle(.addTrackRequested(connection, AddTrackParameters(
            cid: cid, name: name, kind: .video, source: .camera, width: width, height: height
        )), wall: wall))
        let section = OfferedTrackSection(mid: "gen-\(name)", kind: .video, trackID: cid, mimeType: "video/\(codec.encodingName)")
        out += map(rooms.handle(.publisherOfferReceived(connection, [section]), wall: wall))
        guard let track = rooms.participants[sid]?.tracks.first(where: { $0.cid == cid })?.sid else { return (nil, out) }
        publishedMedia[track] = PublishedTrackMedia(track: track, kind: .video, ssrcs: [], codecs: [codec.payloadType: codec.encodingName.lowercased()],
                                                    clockRates: [codec.payloadType: 90_000])
        publishedSections[track] = codec.template
        out.append(.log(EventRecord(kind: "media.generated", participant: sid, detail: [
            "track": .string(track.rawValue), "codec": .string(codec.encodingName), "payload_type": .int(Int64(codec.payloadType)),
        ])))
        return (track, out + flushSubscriberOffers())
    }
}

/// A codec the server generates video in, with the SDP a subscriber is offered for it.
public struct GeneratedCodec: Sendable, Equatable {
    /// `VP8` or `H264`.
    public var encodingName: String
    /// The payload type the server sends with.
    public var payloadType: UInt8
    /// `a=fmtp` parameters, if any.
    public var formatParameters: String?

    /// VP8 on payload type 96.
    public static let vp8 = GeneratedCodec(encodingName: "VP8", payloadType: 96, formatParameters: nil)
    /// H.264 constrained baseline, packetization mode 1, on payload type 102.
    public static let h264 = GeneratedCodec(encodingName: "H264", payloadType: 102,
                                            formatParameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")

    /// A codec.
    public init(encodingName: String, payloadType: UInt8, formatParameters: String?) {
        self.encodingName = encodingName
        self.payloadType = payloadType
        self.formatParameters = formatParameters
    }

    /// A publisher-style section carrying only this codec (the template of subscriber offers and answers).
    var template: MediaDescription {
        var attributes = [
            SDPAttribute("mid", "gen"), SDPAttribute("sendonly"), SDPAttribute("rtcp-mux"),
            SDPAttribute("rtpmap", "\(payloadType) \(encodingName)/90000"),
            SDPAttribute("rtcp-fb", "\(payloadType) nack"), SDPAttribute("rtcp-fb", "\(payloadType) nack pli"),
            SDPAttribute("rtcp-fb", "\(payloadType) ccm fir"),
        ]
        if let formatParameters { attributes.append(SDPAttribute("fmtp", "\(payloadType) \(formatParameters)")) }
        return MediaDescription(kind: .video, proto: "UDP/TLS/RTP/SAVPF", formats: [String(payloadType)], attributes: attributes)
    }
}
