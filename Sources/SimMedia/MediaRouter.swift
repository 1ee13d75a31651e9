import Foundation
import SimCore
import SimFaults
import SimRTP

/// Routes published tracks' RTP from publisher transports to subscriber transports.
///
/// Each subscription (down track) has its own SSRC, payload-type mapping and `RTPMunger` (contiguous sequence
/// numbers, continuous timestamps, start on a keyframe). Header extensions are blanked rather than remapped (ids
/// differ between peers; receivers do not need them to decode). Keyframes: a PLI goes to the publisher when a
/// subscription starts, while it waits for a keyframe (at most every 500 ms), and when a subscriber sends PLI/FIR.
/// Subscriber NACKs are answered from each down track's `DownTrackPacketCache` (the munged packet is resent as is:
/// the subscriber's sequence numbers are ours, so a NACK cannot be forwarded upstream without translation).
///
/// Every packet crosses the `media.rtp` / `media.rtcp` taps: RTP from the publisher (keyed by publisher and track),
/// RTP to each subscriber (keyed by subscriber and track), subscriber RTCP in and PLI out. A dropped packet is
/// counted (`tapDrops`), not logged one by one.
///
/// One lock guards all routing state; sends happen under it (lock order: router, then transport).
public final class MediaRouter: @unchecked Sendable {
    private struct Publication {
        var publisher: PeerTransport
        var participant: ParticipantSID?
        var ssrcs: [UInt32]
        var codecs: [UInt8: String]
        var lastKeyframeRequest: SimInstant?
    }

    /// One subscription's state. A class: it is mutated in place on every packet, and its packet cache is large
    /// (copy-on-write of a struct copy would duplicate the whole cache per packet).
    private final class DownTrack {
        let transport: PeerTransport
        let participant: ParticipantSID?
        let ssrc: UInt32
        var munger: RTPMunger
        var reports: SenderReportGenerator
        var lastReport: SimInstant?
        var cache = DownTrackPacketCache()

        init(transport: PeerTransport, participant: ParticipantSID?, ssrc: UInt32, munger: RTPMunger, clockRate: UInt32) {
            self.transport = transport
            self.participant = participant
            self.ssrc = ssrc
            self.munger = munger
            reports = SenderReportGenerator(ssrc: ssrc, clockRate: clockRate)
        }
    }

    /// Minimum spacing of keyframe requests for one track.
    public static let keyframeRequestInterval: Duration = .milliseconds(500)

    private let lock = NSLock()
    private let clock: any SimClock
    private var publications: [TrackSID: Publication] = [:]
    private var tracksBySSRC: [ObjectIdentifier: [UInt32: TrackSID]] = [:]
    private var downTracks: [TrackSID: [ObjectIdentifier: DownTrack]] = [:]
    /// Echo tracks (a server-side participant re-sending another track): source → echoes, echo → source.
    private var echoes: [TrackSID: [TrackSID]] = [:]
    private var echoSources: [TrackSID: TrackSID] = [:]
    private var forwarded: UInt64 = 0
    private var dropped: UInt64 = 0
    private var retransmitted: UInt64 = 0
    /// Fault filters at `media.rtp` and `media.rtcp`.
    public let taps: TapChain
    /// How often each down track sends a sender report (RFC 3550 §6.2 suggests about every 5 s; LiveKit sends
    /// about every second), piggybacked on forwarding: no timer per track.
    public let senderReportInterval: Duration

    /// A router on `clock` whose packets cross `taps`.
    public init(clock: any SimClock, taps: TapChain = TapChain(), senderReportInterval: Duration = .seconds(1)) {
        self.clock = clock
        self.taps = taps
        self.senderReportInterval = senderReportInterval
    }

    /// RTP packets forwarded so far (all down tracks).
    public var forwardedPackets: UInt64 { lock.withLock { forwarded } }

    /// Packets resent in answer to subscriber NACKs so far.
    public var retransmittedPackets: UInt64 { lock.withLock { retransmitted } }

    /// Packets dropped by tap filters so far.
    public var tapDrops: UInt64 { lock.withLock { dropped } }

    /// Whether the taps let a packet through (lock held); counts drops.
    private func passes(_ tap: TapPoint, participant: ParticipantSID?, track: TrackSID) -> Bool {
        guard taps.count(at: tap) > 0 else { return true }
        let context = TapContext(tap: tap, kind: tap == .mediaRTP ? "rtp" : "rtcp", participant: participant, track: track)
        if case .drop = taps.decide(context) {
            dropped += 1
            return false
        }
        return true
    }

    /// A publisher's track: its SSRCs and payload-type → codec names, from its offer.
    public func publish(track: TrackSID, on transport: PeerTransport, participant: ParticipantSID? = nil, ssrcs: [UInt32], codecs: [UInt8: String]) {
        lock.withLock {
            publications[track] = Publication(publisher: transport, participant: participant, ssrcs: ssrcs, codecs: codecs)
            for ssrc in ssrcs { tracksBySSRC[ObjectIdentifier(transport), default: [:]][ssrc] = track }
        }
    }

    /// `track` re-sends `source`'s RTP to its own subscribers (the Decart inference server's echo): each of its
    /// down tracks munges independently; keyframe requests for it go to `source`'s publisher.
    public func echo(track: TrackSID, source: TrackSID) {
        lock.withLock {
            echoes[source, default: []].append(track)
            echoSources[track] = source
        }
    }

    /// Starts forwarding `track` to `transport` with `ssrc`; asks the publisher for a keyframe.
    public func subscribe(track: TrackSID, transport: PeerTransport, participant: ParticipantSID? = nil, ssrc: UInt32, payloadTypes: [UInt8: UInt8], clockRate: UInt32) {
        lock.withLock {
            var munger = RTPMunger(ssrc: ssrc, clockRate: clockRate, payloadTypes: RTPMunger.PayloadTypeMap(payloadTypes))
            munger.targetLayerChanged(to: .high)
            downTracks[track, default: [:]][ObjectIdentifier(transport)] = DownTrack(
                transport: transport, participant: participant, ssrc: ssrc, munger: munger, clockRate: clockRate
            )
            requestKeyframe(track, force: true)
        }
    }

    /// Stops forwarding `track` to `transport`.
    public func unsubscribe(track: TrackSID, transport: PeerTransport) {
        _ = lock.withLock { downTracks[track]?.removeValue(forKey: ObjectIdentifier(transport)) }
    }

    /// Forgets everything about a closing transport (its publications and its subscriptions).
    public func remove(_ transport: PeerTransport) {
        let key = ObjectIdentifier(transport)
        lock.withLock {
            tracksBySSRC[key] = nil
            publications = publications.filter { $0.value.publisher !== transport }
            for track in downTracks.keys { downTracks[track]?[key] = nil }
        }
    }

    /// A decrypted RTP packet from `transport`.
    public func rtpReceived(_ packet: [UInt8], from transport: PeerTransport) {
        guard let header = try? RTPPacket(parsing: packet) else { return }
        lock.withLock {
            guard let track = tracksBySSRC[ObjectIdentifier(transport)]?[header.ssrc.value],
                  let publication = publications[track], let codec = publication.codecs[header.payloadType], codec != "rtx",
                  passes(.mediaRTP, participant: publication.participant, track: track) else { return }
            for echo in echoes[track] ?? [] { forward(packet, header: header, codec: codec, track: echo) }
            forward(packet, header: header, codec: codec, track: track)
        }
    }

    /// Forwards one publisher packet to `track`'s down tracks (lock held).
    private func forward(_ packet: [UInt8], header: RTPPacket, codec: String, track: TrackSID) {
        do {
            guard let subscribers = downTracks[track], !subscribers.isEmpty else { return }
            let isKeyframe = VideoCodec(mimeType: codec).map { KeyframeDetector.isKeyframeStart(payload: header.payload, codec: $0) } ?? true
            let incoming = RTPMunger.IncomingPacket(
                layer: .high, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
                payloadType: header.payloadType, payloadLength: header.payload.count, isKeyframe: isKeyframe
            )
            let now = clock.now()
            var waiting = false
            for downTrack in subscribers.values {
                let decision = downTrack.munger.packetReceived(incoming, now: now)
                waiting = waiting || downTrack.munger.isWaitingForKeyframe
                guard case .forward(let seq, let timestamp, let ssrc, let payloadType) = decision else { continue }
                var out = packet
                out.reserveCapacity(packet.count + SRTPContext.trailerSlack)
                _ = RTPPacket.setSequenceNumber(seq, in: &out)
                _ = RTPPacket.setTimestamp(timestamp, in: &out)
                _ = RTPPacket.setSSRC(SSRC(ssrc), in: &out)
                _ = RTPPacket.setPayloadType(payloadType, in: &out)
                _ = RTPPacket.remapHeaderExtensionIDs(in: &out) { _ in nil }
                // Cached before the tap: an impaired packet was sent as far as the SFU knows, so a NACK recovers it.
                downTrack.cache.store(seq: seq, bytes: out)
                guard passes(.mediaRTP, participant: downTrack.participant, track: track) else { continue }
                if (try? downTrack.transport.sendRTP(&out)) != nil {
                    forwarded += 1
                    downTrack.reports.packetSent(timestamp: timestamp, payloadLength: header.payload.count, now: now)
                    sendSenderReportIfDue(downTrack, track: track, now: now)
                }
            }
            if waiting { requestKeyframe(track, force: false) }
        }
    }

    /// A decrypted RTCP compound packet from `transport`: subscriber PLI/FIR become a PLI to the publisher.
    public func rtcpReceived(_ packet: [UInt8], from transport: PeerTransport) {
        guard let packets = try? RTCPPacket.parseCompound(packet) else { return }
        let key = ObjectIdentifier(transport)
        lock.withLock {
            for rtcp in packets {
                let mediaSSRC: UInt32
                switch rtcp {
                case .pli(let pli): mediaSSRC = pli.mediaSSRC.value
                case .fir(let fir): mediaSSRC = fir.entries.first?.ssrc.value ?? fir.mediaSSRC.value
                case .nack(let nack):
                    answerNACK(nack, from: key)
                    continue
                default: continue
                }
                for (track, subscribers) in downTracks where subscribers[key]?.ssrc == mediaSSRC {
                    if passes(.mediaRTCP, participant: subscribers[key]?.participant, track: track) { requestKeyframe(track, force: true) }
                }
            }
        }
    }

    /// Resends the packets a subscriber reports lost, from its down track's cache (lock held).
    private func answerNACK(_ nack: RTCPNack, from key: ObjectIdentifier) {
        for (track, subscribers) in downTracks {
            guard let downTrack = subscribers[key], downTrack.ssrc == nack.mediaSSRC.value,
                  passes(.mediaRTCP, participant: downTrack.participant, track: track) else { continue }
            for seq in nack.lostSequenceNumbers {
                guard let cached = downTrack.cache.packet(for: seq) else { continue }
                var packet = Array(cached)
                packet.reserveCapacity(packet.count + SRTPContext.trailerSlack)
                if (try? downTrack.transport.sendRTP(&packet)) != nil { retransmitted += 1 }
            }
        }
    }

    /// A sender report to the subscriber when the interval has passed (lock held): NTP and RTP clocks for A/V sync.
    private func sendSenderReportIfDue(_ downTrack: DownTrack, track: TrackSID, now: SimInstant) {
        if let last = downTrack.lastReport, now - last < senderReportInterval { return }
        guard let report = downTrack.reports.report(now: now, wallNow: Date()),
              passes(.mediaRTCP, participant: downTrack.participant, track: track) else { return }
        downTrack.lastReport = now
        var bytes = RTCPPacket.senderReport(RTCPSenderReport(
            ssrc: SSRC(report.ssrc), ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp,
            packetCount: report.packetCount, octetCount: report.octetCount
        )).serialized()
        bytes.reserveCapacity(bytes.count + SRTPContext.trailerSlack)
        try? downTrack.transport.sendRTCP(&bytes)
    }

    /// Sends a PLI for `track` to its publisher (lock held), at most every `keyframeRequestInterval` unless forced.
    private func requestKeyframe(_ requested: TrackSID, force: Bool) {
        let track = echoSources[requested] ?? requested
        guard var publication = publications[track], let mediaSSRC = publication.ssrcs.first else { return }
        let now = clock.now()
        if !force, let last = publication.lastKeyframeRequest, now - last < Self.keyframeRequestInterval { return }
        publication.lastKeyframeRequest = now
        publications[track] = publication
        guard passes(.mediaRTCP, participant: publication.participant, track: track) else { return }
        var pli = RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: SSRC(1), mediaSSRC: SSRC(mediaSSRC))).serialized()
        pli.reserveCapacity(pli.count + SRTPContext.trailerSlack)
        try? publication.publisher.sendRTCP(&pli)
    }
}
