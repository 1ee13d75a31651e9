import SimCore
import SimRTP

extension MediaRouter {
    /// One track's routing state: its publication (if published) and its down tracks. A class: the SSRC table
    /// points at it, so a packet finds its track without hashing the track id.
    final class RoutedTrack {
        let track: TrackSID
        /// The publisher's side, or `nil` before publish and after the publisher left.
        var publication: Publication?
        /// One per subscribing transport.
        var downTracks: [DownTrack] = []
        /// The track whose RTP this one re-sends (`MediaRouter.echo`), or `nil`. Weak: the router's table owns
        /// every entry, and the source holds its echoes.
        weak var echoSource: RoutedTrack?
        /// Tracks that re-send this one's RTP to their own subscribers.
        var echoes: [RoutedTrack] = []
        /// Frames received for this track (marker bits of its highest layer seen), and the layer counted.
        var inputFrames = 0
        var countedLayer: SimulcastLayer?
        /// Frames sent on its first down track, and how long the last one took from arrival to sent.
        var outputFrames = 0
        var lastForwardLatency: Duration?

        init(track: TrackSID) { self.track = track }

        /// The track whose publication feeds this one's down tracks (its own, or its echo source's), with that
        /// publication; `nil` while unpublished.
        var feed: (track: RoutedTrack, publication: Publication)? {
            if let publication { return (self, publication) }
            guard let source = echoSource, let publication = source.publication else { return nil }
            return (source, publication)
        }
    }

    /// One learned or listed SSRC of a publisher transport.
    struct StreamRoute {
        /// The track the stream belongs to.
        let track: RoutedTrack
        /// The layer it carries, or `nil` for a repair (RTX) stream, which is never forwarded.
        let layer: SimulcastLayer?
    }

    /// A publisher's side of a track. A class: mutated in place on every packet.
    final class Publication {
        let publisher: any MediaTransport
        let participant: ParticipantSID?
        let streams: RTPStreamIdentification
        /// The SSRCs the SDP listed.
        let listedSSRCs: [UInt32]
        let payloads: PublishedPayloadTypes
        /// Each layer's size (from `AddTrackRequest.layers`), in declared-layer order.
        let layerSizes: [SimulcastLayerInfo]
        /// Which layers flow; `nil` for a single-layer track, whose `.high` is always active.
        var activity: SimulcastLayerActivity?
        /// The SSRC each layer arrived on most recently: where its PLIs go.
        var layerSSRCs = SimulcastLayerSlots<UInt32?>(repeating: nil)
        /// When each layer's last keyframe request went out.
        var lastKeyframeRequest = SimulcastLayerSlots<SimInstant?>(repeating: nil)

        init(
            publisher: any MediaTransport, participant: ParticipantSID?, streams: RTPStreamIdentification,
            listedSSRCs: [UInt32], codecs: [UInt8: String], layerSizes: [SimulcastLayerInfo], inactivityTimeout: Duration
        ) {
            self.publisher = publisher
            self.participant = participant
            self.streams = streams
            self.listedSSRCs = listedSSRCs
            payloads = PublishedPayloadTypes(codecs)
            let declared = streams.isSimulcast ? streams.layers.map(\.layer).sorted() : [.high]
            self.layerSizes = declared.map { layer in
                let size = layerSizes.first { $0.layer == layer }
                return SimulcastLayerInfo(layer: layer, width: size?.width ?? 0, height: size?.height ?? 0)
            }
            activity = streams.isSimulcast ? SimulcastLayerActivity(declared: declared, inactivityTimeout: inactivityTimeout) : nil
        }

        /// The declared layers with their sizes and whether they flow, for the selectors.
        func layerInfos() -> [SimulcastLayerInfo] {
            guard let activity else { return layerSizes }
            return layerSizes.map { info in
                var info = info
                info.isActive = activity.isActive(info.layer)
                return info
            }
        }

        /// The SSRC a PLI for `layer` names: the one the layer last arrived on, else the first listed SSRC of a
        /// single-layer track.
        func keyframeSSRC(for layer: SimulcastLayer) -> UInt32? {
            layerSSRCs[layer] ?? (streams.isSimulcast ? nil : listedSSRCs.first)
        }
    }

    /// One subscription's state. A class: it is mutated in place on every packet, and its packet cache is large
    /// (copy-on-write of a struct copy would duplicate the whole cache per packet).
    final class DownTrack {
        /// Bytes reserved in the reusable send buffer: the largest cached packet plus the SRTP trailer.
        static let scratchCapacity = DownTrackPacketCache.defaultMaxPacketSize + SRTPContext.trailerSlack

        let transport: any MediaTransport
        let participant: ParticipantSID?
        let ssrc: UInt32
        var munger: RTPMunger
        var selector: SimulcastLayerSelector
        var reports: SenderReportGenerator
        var lastReport: SimInstant?
        var cache = DownTrackPacketCache()
        /// The packet being sent (forwarded or retransmitted): copied in, munged and protected in place, then kept
        /// for the next packet, so sending reuses its storage instead of allocating.
        var scratch: [UInt8]
        /// Publisher header-extension id → this subscriber's id (0: removed), 256 entries; empty: remove all.
        let extensionMap: [UInt8]

        init(transport: any MediaTransport, participant: ParticipantSID?, ssrc: UInt32, munger: RTPMunger,
             selector: SimulcastLayerSelector, clockRate: UInt32, extensionIDs: [UInt8: UInt8] = [:]) {
            if extensionIDs.isEmpty {
                extensionMap = []
            } else {
                var map = [UInt8](repeating: 0, count: 256)
                for (from, to) in extensionIDs { map[Int(from)] = to }
                extensionMap = map
            }
            self.transport = transport
            self.participant = participant
            self.ssrc = ssrc
            self.munger = munger
            self.selector = selector
            reports = SenderReportGenerator(ssrc: ssrc, clockRate: clockRate)
            scratch = []
            scratch.reserveCapacity(Self.scratchCapacity)
        }
    }
}

/// What a publisher's payload types carry, in a fixed 128-entry table (RFC 3550 §5.1: 7-bit PT): no hashing or
/// string work per packet.
struct PublishedPayloadTypes {
    /// What one payload type carries.
    enum Kind: Equatable {
        /// Not in the publisher's SDP: dropped.
        case unknown
        /// RTX (RFC 4588): never forwarded.
        case repair
        /// Media; a video codec whose keyframes we can find, or `nil` (audio and others: every packet is a switch
        /// point).
        case media(VideoCodec?)
    }

    private var table: [Kind]

    /// Classifies each payload type of `codecs` (PT → encoding name).
    init(_ codecs: [UInt8: String]) {
        table = [Kind](repeating: .unknown, count: 128)
        for (payloadType, name) in codecs where payloadType < 128 {
            table[Int(payloadType)] = name.lowercased() == "rtx" ? .repair : .media(VideoCodec(mimeType: name))
        }
    }

    /// What `payloadType` carries.
    subscript(payloadType: UInt8) -> Kind {
        payloadType < 128 ? table[Int(payloadType)] : .unknown
    }
}
