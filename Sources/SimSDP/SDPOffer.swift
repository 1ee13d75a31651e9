/// The result of building a subscriber offer: the description and a summary per media section.
public struct SDPOffer: Hashable, Sendable {
    /// The offer.
    public var sessionDescription: SessionDescription
    /// One summary per section, in section order.
    public var sections: [OfferedSection]

    /// Makes an offer from its parts.
    public init(sessionDescription: SessionDescription, sections: [OfferedSection]) {
        self.sessionDescription = sessionDescription
        self.sections = sections
    }

    /// The offer as SDP text (CRLF).
    public var sdp: String { sessionDescription.serialized() }

    /// The track id sent in each section that carries a track: LiveKit's `SessionDescription.mid_to_track_id`.
    public var midToTrackID: [MediaID: String] {
        var result: [MediaID: String] = [:]
        for section in sections {
            if let track = section.track { result[section.mid] = track.trackID }
        }
        return result
    }

    /// The summary for `mid`.
    public func section(_ mid: MediaID) -> OfferedSection? {
        sections.first { $0.mid == mid }
    }
}
