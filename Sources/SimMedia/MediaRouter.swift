import Foundation
import SimCore
import SimFaults
import SimRTP

/// Routes published tracks' RTP from publisher transports to subscriber transports.
///
/// **Streams.** A publication's RTP streams are known by SSRC: the ones the publisher's SDP lists (`a=ssrc`), and
/// the ones learned from the first packet of an unknown SSRC that carries the mid / rid / repaired-rid header
/// extensions (`RTPStreamIdentification`): libwebrtc simulcast offers list no SSRCs, and unified-plan offers often
/// omit them. A learned binding is kept for the life of the publication, since libwebrtc stops sending those
/// extensions once it gets receiver reports. Repair (RTX) streams are recognised and never forwarded: subscriber
/// NACKs are answered from our own cache. Packets of an SSRC that cannot be bound are dropped.
///
/// **Simulcast.** Each down track forwards one layer, chosen by its `SimulcastLayerSelector` from the layers that
/// are active (`SimulcastLayerActivity`: a layer is active from its first packet until another layer's packet
/// arrives more than `layerInactivityTimeout` after its last one) and the subscriber's settings
/// (`updateSubscriberSettings`; the highest active layer by default). When the target changes the router sends a
/// PLI for the target layer's SSRC and the down track's `RTPMunger` keeps forwarding the current layer until the
/// target's next keyframe, then switches with continuous sequence numbers and timestamps.
///
/// **Echoes.** A track may re-send another track's RTP to its own subscribers (`echo(track:source:)`): its down
/// tracks follow the source's layers, and their keyframe requests go to the source's publisher.
///
/// **Down tracks.** Each subscription has its own SSRC, payload-type mapping and munger. End-to-end header
/// extensions (audio level, orientation, capture time) get the subscriber's ids; the others are blanked. Keyframes: a
/// PLI for the target layer goes to the publisher when a subscription starts or switches, while it waits for a
/// keyframe (at most every 500 ms per layer), and when a subscriber sends PLI/FIR. Subscriber NACKs are answered
/// from each down track's `DownTrackPacketCache`. REMB, transport-cc, SR, RR and SDES from either side are
/// ignored (no bandwidth estimation is modelled); nothing is sent upstream for them.
///
/// **Allocation.** In steady state the forward path allocates nothing: the packet is copied into the down track's
/// reusable buffer (capacity for a full packet plus the SRTP trailer), munged and protected in place, cached by
/// copying into preallocated slots; per-layer state lives in inline slots and payload types in a fixed table.
/// Learning a stream, a layer change, keyframe requests and sender reports (once a second) may allocate.
///
/// Every packet crosses the `media.rtp` / `media.rtcp` taps: RTP from the publisher (keyed by publisher and
/// track), RTP to each subscriber (keyed by subscriber and track), subscriber RTCP in and PLI out. A dropped packet
/// is counted (`tapDrops`), not logged one by one.
///
/// **Threads and locks.** A router serves one room (its owner keeps one per room, so two rooms never share a lock).
/// Publishers' packets arrive synchronously on their transports' receive threads (`MediaPacketSink`); one lock
/// guards the routing state and sends happen under it (lock order: router, then the subscriber's ICE agent).
public final class MediaRouter: MediaPacketSink, @unchecked Sendable {
    /// Minimum spacing of unforced keyframe requests for one layer of a track.
    public static let keyframeRequestInterval: Duration = .milliseconds(500)

    let lock = NSLock()
    let clock: any SimClock
    /// Every track with a publication or a subscription (lock held).
    var tracks: [TrackSID: RoutedTrack] = [:]
    /// Per publisher transport: SSRC → stream (lock held).
    var routes: [ObjectIdentifier: [UInt32: StreamRoute]] = [:]
    var forwarded: UInt64 = 0
    /// The `media.rtp` / `media.rtcp` taps: drops and delays by the scenario engine's shell (lock held).
    var gate = TapGate<Void>(.packets)
    /// What runs delayed packets (lock held).
    var scheduler: (any TimerScheduler)?
    var retransmitted: UInt64 = 0
    /// How often each down track sends a sender report (RFC 3550 §6.2 suggests about every 5 s; LiveKit sends
    /// about every second), piggybacked on forwarding: no timer per track.
    public let senderReportInterval: Duration
    /// How long a simulcast layer may stay silent, while another layer of the track sends, before it counts as
    /// inactive (see `SimulcastLayerActivity`).
    public let layerInactivityTimeout: Duration

    /// A router on `clock`.
    ///
    /// - Parameters:
    ///   - clock: the time source for keyframe-request spacing, sender reports and layer activity.
    ///   - senderReportInterval: spacing of sender reports per down track (default 1 s).
    ///   - layerInactivityTimeout: silence after which a simulcast layer is inactive (default 1 s).
    public init(
        clock: any SimClock, senderReportInterval: Duration = .seconds(1),
        layerInactivityTimeout: Duration = SimulcastLayerActivity.defaultInactivityTimeout
    ) {
        self.clock = clock
        self.senderReportInterval = senderReportInterval
        self.layerInactivityTimeout = layerInactivityTimeout
    }

    /// RTP packets forwarded so far (all down tracks).
    public var forwardedPackets: UInt64 { lock.withLock { forwarded } }

    /// Packets resent in answer to subscriber NACKs so far.
    public var retransmittedPackets: UInt64 { lock.withLock { retransmitted } }

    /// Packets dropped by media faults so far.
    public var tapDrops: UInt64 { lock.withLock { UInt64(gate.dropped) } }

    /// Packets delayed by media faults so far.
    public var tapDelays: UInt64 { lock.withLock { UInt64(gate.delayed) } }

    // MARK: Publications and subscriptions

    /// A publisher's track, from its offer (and, for simulcast, its AddTrack request).
    ///
    /// Publishing a track again replaces the earlier publication (its learned SSRCs are forgotten) and re-selects
    /// every down track's layer.
    ///
    /// - Parameters:
    ///   - track: the track.
    ///   - transport: the publisher's transport.
    ///   - participant: the publisher, for the taps.
    ///   - ssrcs: the SSRCs its section lists (`a=ssrc`; RTX ones may be included, they are recognised by payload
    ///     type). Bound to the single layer `.high`; ignored for a simulcast track, whose SSRCs are learned from the
    ///     rid extension.
    ///   - codecs: payload type → encoding name (`vp8`, `opus`, `rtx`, …); other payload types are dropped.
    ///   - streams: the section's mid, its `a=rid … send` ids and the mid / rid / repaired-rid extension ids, for
    ///     learning SSRCs the SDP does not list (default: none; only `ssrcs` are routed).
    ///   - layerSizes: each layer's width and height (LiveKit `AddTrackRequest.layers`), for subscribers that ask
    ///     by size; `isActive` is ignored (activity comes from the packets).
    public func publish(
        track: TrackSID, on transport: any MediaTransport, participant: ParticipantSID? = nil, ssrcs: [UInt32],
        codecs: [UInt8: String], streams: RTPStreamIdentification = .none, layerSizes: [SimulcastLayerInfo] = []
    ) {
        lock.withLock {
            let entry = routedTrack(track)
            if let old = entry.publication { forgetRoutes(of: entry, on: ObjectIdentifier(old.publisher)) }
            let publication = Publication(
                publisher: transport, participant: participant, streams: streams, listedSSRCs: ssrcs, codecs: codecs,
                layerSizes: layerSizes, inactivityTimeout: layerInactivityTimeout
            )
            entry.publication = publication
            if !streams.isSimulcast {
                let key = ObjectIdentifier(transport)
                for ssrc in ssrcs { routes[key, default: [:]][ssrc] = StreamRoute(track: entry, layer: .high) }
            }
            layersChanged(of: entry, now: clock.now())
        }
    }

    /// Starts forwarding `track` to `transport` with `ssrc`; the selector picks a layer and a PLI asks the
    /// publisher for its keyframe.
    ///
    /// - Parameters:
    ///   - track: the published track.
    ///   - transport: the subscriber's transport.
    ///   - participant: the subscriber, for the taps.
    ///   - ssrc: the down track's SSRC (our answer's `a=ssrc`).
    ///   - payloadTypes: publisher payload type → the subscriber's payload type.
    ///   - clockRate: the codec's RTP clock rate.
    ///   - settings: the subscriber's settings so far (`UpdateTrackSettings`; default: the best layer).
    ///   - extensionIDs: publisher header-extension id → the subscriber's id for the same URI, for the extensions
    ///     forwarded end to end; every other element is blanked (padding), so the packet keeps its length.
    public func subscribe(
        track: TrackSID, transport: any MediaTransport, participant: ParticipantSID? = nil, ssrc: UInt32,
        payloadTypes: [UInt8: UInt8], clockRate: UInt32, settings: SimulcastSubscriberSettings = SimulcastSubscriberSettings(),
        extensionIDs: [UInt8: UInt8] = [:]
    ) {
        lock.withLock {
            let entry = routedTrack(track)
            let key = ObjectIdentifier(transport)
            entry.downTracks.removeAll { ObjectIdentifier($0.transport) == key }
            let downTrack = DownTrack(
                transport: transport, participant: participant, ssrc: ssrc,
                munger: RTPMunger(ssrc: ssrc, clockRate: clockRate, payloadTypes: RTPMunger.PayloadTypeMap(payloadTypes)),
                selector: SimulcastLayerSelector(settings: settings), clockRate: clockRate, extensionIDs: extensionIDs
            )
            entry.downTracks.append(downTrack)
            let decision = downTrack.selector.layersChanged(entry.feed?.publication.layerInfos() ?? [])
            var keyframes = SimulcastLayerSlots(repeating: false)
            apply(decision, to: downTrack, keyframes: &keyframes)
            requestKeyframes(keyframes, for: entry, now: clock.now())
        }
    }

    /// A subscriber's settings for `track` changed (LiveKit `UpdateTrackSettings`: `disabled`, `quality`, `width`,
    /// `height`): the down track re-selects its layer. On a new target the publisher gets a PLI for that layer's SSRC
    /// and the switch happens at its next keyframe; pausing stops forwarding at once.
    ///
    /// - Returns: whether `transport` subscribes to `track` (settings for an unknown down track are not kept: pass
    ///   them to `subscribe` instead).
    @discardableResult
    public func updateSubscriberSettings(track: TrackSID, transport: any MediaTransport, settings: SimulcastSubscriberSettings) -> Bool {
        lock.withLock {
            let key = ObjectIdentifier(transport)
            guard let entry = tracks[track], let downTrack = entry.downTracks.first(where: { ObjectIdentifier($0.transport) == key }) else {
                return false
            }
            var keyframes = SimulcastLayerSlots(repeating: false)
            apply(downTrack.selector.settingsChanged(settings), to: downTrack, keyframes: &keyframes)
            requestKeyframes(keyframes, for: entry, now: clock.now())
            return true
        }
    }

    /// Frame counters of `track`: frames received (its publication's, or for an echo its source's), frames sent on
    /// its first down track, and the arrival-to-sent time of the last of those. Zeros for an unknown track.
    public func frameCounters(track: TrackSID) -> (input: Int, output: Int, lastLatency: Duration?) {
        lock.withLock {
            guard let entry = tracks[track] else { return (0, 0, nil) }
            let input = entry.feed?.track.inputFrames ?? entry.inputFrames
            return (input, entry.outputFrames, entry.lastForwardLatency)
        }
    }

    /// `track` re-sends `source`'s RTP to its own subscribers (the Decart inference server's echo): each of its down
    /// tracks munges independently and follows `source`'s layers; keyframe requests for it go to `source`'s
    /// publisher. A track echoes one source; a loop (a source echoing its own echo) is refused.
    public func echo(track: TrackSID, source: TrackSID) {
        lock.withLock {
            let entry = routedTrack(track)
            let sourceEntry = routedTrack(source)
            guard entry.echoSource == nil else { return }
            var ancestor: RoutedTrack? = sourceEntry
            while let next = ancestor {
                if next === entry { return }
                ancestor = next.echoSource
            }
            entry.echoSource = sourceEntry
            sourceEntry.echoes.append(entry)
            layersChanged(of: entry, now: clock.now())
        }
    }

    /// Stops forwarding `track` to `transport`.
    public func unsubscribe(track: TrackSID, transport: any MediaTransport) {
        let key = ObjectIdentifier(transport)
        lock.withLock {
            guard let entry = tracks[track] else { return }
            entry.downTracks.removeAll { ObjectIdentifier($0.transport) == key }
            dropIfUnused(entry)
        }
    }

    /// Forgets everything about a closing transport (its publications, learned SSRCs and subscriptions). Down
    /// tracks of its publications stay (they pause) until unsubscribed, so a republished track resumes them.
    public func remove(_ transport: any MediaTransport) {
        let key = ObjectIdentifier(transport)
        lock.withLock {
            routes[key] = nil
            let now = clock.now()
            for entry in tracks.values {
                entry.downTracks.removeAll { ObjectIdentifier($0.transport) == key }
                if let publication = entry.publication, ObjectIdentifier(publication.publisher) == key {
                    entry.publication = nil
                    layersChanged(of: entry, now: now)
                }
                dropIfUnused(entry)
            }
        }
    }

    // MARK: Inspection

    /// The layers of `track` (or of the track it echoes) that are active now (every declared layer of a single-layer
    /// track), lowest first.
    public func activeLayers(track: TrackSID) -> [SimulcastLayer] {
        lock.withLock { tracks[track]?.feed?.publication.layerInfos().filter(\.isActive).map(\.layer) ?? [] }
    }

    /// The layer `transport`'s down track of `track` targets and the one it forwards now, or `nil` without such a
    /// down track.
    public func forwardedLayers(track: TrackSID, transport: any MediaTransport) -> (target: SimulcastLayer?, current: SimulcastLayer?)? {
        let key = ObjectIdentifier(transport)
        return lock.withLock {
            guard let downTrack = tracks[track]?.downTracks.first(where: { ObjectIdentifier($0.transport) == key }) else { return nil }
            return (downTrack.munger.targetLayer, downTrack.munger.currentLayer)
        }
    }

    // MARK: Helpers (lock held)

    /// The entry for `track`, created when missing.
    func routedTrack(_ track: TrackSID) -> RoutedTrack {
        if let entry = tracks[track] { return entry }
        let entry = RoutedTrack(track: track)
        tracks[track] = entry
        return entry
    }

    /// Removes `entry`'s SSRC bindings on the transport `key`.
    func forgetRoutes(of entry: RoutedTrack, on key: ObjectIdentifier) {
        routes[key] = routes[key]?.filter { $0.value.track !== entry }
    }

    /// Drops an entry with neither publication nor subscriptions nor echo relations.
    func dropIfUnused(_ entry: RoutedTrack) {
        if entry.publication == nil, entry.downTracks.isEmpty, entry.echoSource == nil, entry.echoes.isEmpty {
            tracks[entry.track] = nil
        }
    }

    /// Feeds the feeding publication's layers (none without one) to every down track's selector, the echoes' too.
    func layersChanged(of entry: RoutedTrack, now: SimInstant) {
        let layers = entry.feed?.publication.layerInfos() ?? []
        var keyframes = SimulcastLayerSlots(repeating: false)
        for downTrack in entry.downTracks {
            apply(downTrack.selector.layersChanged(layers), to: downTrack, keyframes: &keyframes)
        }
        requestKeyframes(keyframes, for: entry, now: now)
        for echo in entry.echoes { layersChanged(of: echo, now: now) }
    }

    /// Hands a selector decision to the down track's munger; notes the layer to ask a keyframe for.
    func apply(_ decision: SimulcastLayerSelector.Decision, to downTrack: DownTrack, keyframes: inout SimulcastLayerSlots<Bool>) {
        if decision.targetChanged { downTrack.munger.targetLayerChanged(to: decision.targetLayer) }
        if decision.requestKeyframe, let layer = decision.targetLayer { keyframes[layer] = true }
    }

    /// One forced PLI per noted layer.
    func requestKeyframes(_ keyframes: SimulcastLayerSlots<Bool>, for entry: RoutedTrack, now: SimInstant) {
        for layer in SimulcastLayer.allCases where keyframes[layer] {
            requestKeyframe(entry, layer: layer, force: true, now: now)
        }
    }
}
