/// How the RTP streams of one published track are recognised when the publisher's SDP does not list their SSRCs.
///
/// libwebrtc simulcast offers carry `a=rid:q send`, `a=rid:h send`, `a=rid:f send` and `a=simulcast:send q;h;f`
/// but no `a=ssrc` lines, and unified-plan offers (Chrome, Firefox) often omit `a=ssrc` for single-layer tracks
/// too. The streams then name themselves in RTP header extensions (RFC 8285), at least on their first packets
/// (libwebrtc stops once it gets receiver reports for the SSRC), so the router learns SSRC → layer from those:
/// - `urn:ietf:params:rtp-hdrext:sdes:mid` (RFC 8843 §15.1): the media section's mid;
/// - `urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id` (RFC 8852 §3.1): the rid of a simulcast layer;
/// - `urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id` (RFC 8852 §3.2): the rid an RTX stream repairs.
///
/// Pure and allocation-free per packet: `classify(_:)` reads the extensions of a parsed packet in place.
public struct RTPStreamIdentification: Sendable, Equatable {
    /// One rid and the layer its stream carries.
    public struct RIDLayer: Sendable, Equatable {
        /// The rid (`a=rid` id), as the rtp-stream-id extension carries it.
        public var rid: String
        /// The layer of that stream.
        public var layer: SimulcastLayer

        /// Pairs a rid with its layer.
        public init(rid: String, layer: SimulcastLayer) {
            self.rid = rid
            self.layer = layer
        }
    }

    /// What a packet's header extensions say about its stream.
    public enum Match: Sendable, Equatable {
        /// A media stream of this track, carrying `layer` (`.high` for a single-layer track).
        case media(SimulcastLayer)
        /// A repair (RTX) stream of this track: not forwarded (subscriber NACKs are answered from our cache).
        case repair
        /// The packet names another track (a different mid), or a rid this track does not send.
        case otherTrack
        /// The packet carries too little to tell (no mid and no rid extension, or a simulcast track's mid without
        /// a rid): it cannot be bound yet.
        case undetermined
    }

    /// No identification: only the SSRCs listed in the SDP are routed.
    public static let none = RTPStreamIdentification()

    /// The media section's mid (`a=mid`), or `nil` when unknown.
    public var mid: String?
    /// rid → layer, in `a=rid` order; empty for a single-layer track.
    public var layers: [RIDLayer]
    /// The local id (`a=extmap`) of the mid extension, or `nil` when not negotiated.
    public var midExtensionID: UInt8?
    /// The local id of the rtp-stream-id extension, or `nil` when not negotiated.
    public var ridExtensionID: UInt8?
    /// The local id of the repaired-rtp-stream-id extension, or `nil` when not negotiated.
    public var repairedRIDExtensionID: UInt8?

    /// Collects what the publisher's SDP says about one media section.
    ///
    /// - Parameters:
    ///   - mid: the section's `a=mid`.
    ///   - rids: the `a=rid:… send` ids in order (as `a=simulcast:send` lists them); empty without simulcast.
    ///     They map to layers with ``SimulcastLayer/layers(forRIDs:)``.
    ///   - midExtensionID: the `a=extmap` id of `urn:ietf:params:rtp-hdrext:sdes:mid`.
    ///   - ridExtensionID: the `a=extmap` id of `urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id`.
    ///   - repairedRIDExtensionID: the `a=extmap` id of `urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id`.
    public init(
        mid: String? = nil, rids: [String] = [], midExtensionID: UInt8? = nil, ridExtensionID: UInt8? = nil,
        repairedRIDExtensionID: UInt8? = nil
    ) {
        self.mid = mid
        layers = SimulcastLayer.layers(forRIDs: rids)
        self.midExtensionID = midExtensionID
        self.ridExtensionID = ridExtensionID
        self.repairedRIDExtensionID = repairedRIDExtensionID
    }

    /// Whether the track is sent as several rid-tagged layers.
    public var isSimulcast: Bool { !layers.isEmpty }

    /// Whether a packet of an unknown SSRC could be bound at all (some extension to read is negotiated).
    public var canLearnSSRCs: Bool {
        (midExtensionID != nil && mid != nil) || (ridExtensionID != nil && isSimulcast) || repairedRIDExtensionID != nil
    }

    /// The layer of `rid`, or `nil` when the track does not send it.
    public func layer(rid: String) -> SimulcastLayer? {
        layers.first { $0.rid == rid }?.layer
    }

    /// What `packet`'s mid / rid / repaired-rid extensions say about its stream.
    ///
    /// A mid that differs from ``mid`` means another track. A repaired rid marks a repair stream (with a matching
    /// mid or none: either way it is not forwarded). A rid picks the
    /// layer (an unknown rid is another track's). Without a rid, a matching mid binds a single-layer track to
    /// `.high`, while a simulcast track stays undetermined.
    public func classify(_ packet: RTPPacket) -> Match {
        var midMatched = false
        if let midExtensionID, let data = packet.headerExtension(id: midExtensionID) {
            guard let mid, Self.matches(data, mid) else { return .otherTrack }
            midMatched = true
        }
        if let repairedRIDExtensionID, packet.headerExtension(id: repairedRIDExtensionID) != nil {
            return .repair  // whichever stream it repairs, it is not forwarded
        }
        if let ridExtensionID, let data = packet.headerExtension(id: ridExtensionID) {
            guard isSimulcast else { return midMatched ? .media(.high) : .undetermined }
            for entry in layers where Self.matches(data, entry.rid) { return .media(entry.layer) }
            return .otherTrack
        }
        return midMatched && !isSimulcast ? .media(.high) : .undetermined
    }

    /// Whether an SDES-item extension value spells `text` (RFC 8852 §3: no terminator; trailing NULs ignored).
    static func matches(_ data: ArraySlice<UInt8>, _ text: String) -> Bool {
        var end = data.endIndex
        while end > data.startIndex, data[end - 1] == 0 { end -= 1 }
        return data[data.startIndex..<end].elementsEqual(text.utf8)
    }
}

extension SimulcastLayer {
    /// Maps a publisher's rids (in `a=rid` / `a=simulcast` order) to layers.
    ///
    /// Known names map by name (`q`/`h`/`f`, `2`/`1`/`0`; livekit-signaling.md §7). Any other name takes one of the
    /// layers no known name claimed, in list order, lowest quality first (libwebrtc and the LiveKit SDKs list
    /// encodings from low to high). A duplicate rid, or a rid beyond the three layers, is left out.
    public static func layers(forRIDs rids: [String]) -> [RTPStreamIdentification.RIDLayer] {
        var seen: Set<String> = []
        let unique = rids.filter { seen.insert($0).inserted }
        let claimed = Set(unique.compactMap(SimulcastLayer.init(rid:)))
        var free = SimulcastLayer.allCases.filter { !claimed.contains($0) }[...]
        var result: [RTPStreamIdentification.RIDLayer] = []
        var used: Set<SimulcastLayer> = []
        for rid in unique {
            let layer: SimulcastLayer
            if let known = SimulcastLayer(rid: rid), !used.contains(known) {
                layer = known
            } else if let next = free.popFirst() {
                layer = next
            } else {
                continue
            }
            used.insert(layer)
            result.append(RTPStreamIdentification.RIDLayer(rid: rid, layer: layer))
        }
        return result
    }
}
