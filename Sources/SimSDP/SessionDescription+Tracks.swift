/// Track-level summaries of a description, for the signalling layer.
extension SessionDescription {
    /// The sections the author sends a track in: not rejected, `sendonly` or `sendrecv`, with a mid and an msid.
    public var publishedSections: [PublishedSection] {
        media.compactMap { section in
            guard !section.isRejected, section.kind.isRTP, section.direction.sends,
                  let mid = section.mid, let msid = section.msid
            else { return nil }
            return PublishedSection(
                mid: mid,
                kind: section.kind,
                streamID: msid.streamID,
                trackID: msid.trackID,
                rids: section.rids.filter { $0.direction == .send }.map(\.id),
                mimeType: section.primaryCodec?.mimeType(kind: section.kind)
            )
        }
    }

    /// The mids of the author's `recvonly` sections that are not rejected, by kind, in section order: the slots
    /// a single-PC server can fill with subscribed tracks.
    public var recvSlots: [MediaKind: [MediaID]] {
        var slots: [MediaKind: [MediaID]] = [:]
        for section in media where !section.isRejected && section.direction == .recvonly {
            guard let mid = section.mid else { continue }
            slots[section.kind, default: []].append(mid)
        }
        return slots
    }
}
