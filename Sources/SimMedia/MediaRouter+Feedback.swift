import Foundation
import SimCore
import SimRTP

extension MediaRouter {
    /// A decrypted RTCP compound packet from `transport`.
    ///
    /// A subscriber's PLI/FIR becomes a PLI for the layer its down track forwards (or is switching to); its NACKs
    /// are answered from the down track's cache. Everything else is ignored, from subscribers and publishers alike:
    /// SR, RR, SDES and BYE carry nothing the router acts on, and REMB and transport-cc feedback would drive
    /// bandwidth estimation, which is not modelled. Nothing is sent upstream for them and forwarding goes on
    /// unchanged.
    public func rtcpReceived(_ packet: [UInt8], from transport: any MediaTransport) {
        rtcpReceived(packet, from: ObjectIdentifier(transport))
    }

    /// A decrypted RTCP compound packet from the transport identified by `key` (`MediaPacketSink`: on that
    /// transport's receive thread).
    public func rtcpReceived(_ packet: [UInt8], from key: ObjectIdentifier) {
        guard let packets = try? RTCPPacket.parseCompound(packet) else { return }
        lock.withLock {
            let now = clock.now()
            for rtcp in packets {
                switch rtcp {
                case .pli(let pli):
                    keyframeRequested(by: key, mediaSSRC: pli.mediaSSRC.value, now: now)
                case .fir(let fir):
                    keyframeRequested(by: key, mediaSSRC: fir.entries.first?.ssrc.value ?? fir.mediaSSRC.value, now: now)
                case .nack(let nack):
                    answerNACK(nack, from: key)
                case .senderReport, .receiverReport, .sourceDescription, .bye, .remb, .transportCC, .unknown:
                    continue
                }
            }
        }
    }

    /// A subscriber asked for a keyframe on its down track `mediaSSRC` (lock held): a PLI for that down track's
    /// target layer goes to the publisher.
    private func keyframeRequested(by key: ObjectIdentifier, mediaSSRC: UInt32, now: SimInstant) {
        for entry in tracks.values {
            for downTrack in entry.downTracks where downTrack.ssrc == mediaSSRC && ObjectIdentifier(downTrack.transport) == key {
                guard let layer = downTrack.munger.targetLayer ?? downTrack.munger.currentLayer else { continue }
                let held = LockedByRouter(value: entry)
                let fate = fate(.mediaRTCP, participant: downTrack.participant, track: entry.track, direction: .inbound, bytes: 12)
                guard proceeds(fate, later: { [weak self] in
                    guard let self, self.tracks[held.value.track] === held.value else { return }
                    self.requestKeyframe(held.value, layer: layer, force: true, now: self.clock.now())
                }) else { continue }
                requestKeyframe(entry, layer: layer, force: true, now: now)
            }
        }
    }

    /// Resends the packets a subscriber reports lost, from its down track's cache (lock held).
    private func answerNACK(_ nack: RTCPNack, from key: ObjectIdentifier) {
        for entry in tracks.values {
            for downTrack in entry.downTracks where downTrack.ssrc == nack.mediaSSRC.value && ObjectIdentifier(downTrack.transport) == key {
                let held = LockedByRouter(value: downTrack)
                let fate = fate(.mediaRTCP, participant: downTrack.participant, track: entry.track, direction: .inbound,
                                bytes: 12 + 4 * nack.lostSequenceNumbers.count)
                guard proceeds(fate, later: { [weak self] in self?.resend(nack.lostSequenceNumbers, on: held.value) }) else { continue }
                resend(nack.lostSequenceNumbers, on: downTrack)
            }
        }
    }

    /// Resends cached packets on a down track (lock held).
    private func resend(_ sequenceNumbers: [UInt16], on downTrack: DownTrack) {
        var out: [UInt8] = []
        swap(&out, &downTrack.scratch)
        defer { swap(&out, &downTrack.scratch) }
        for seq in sequenceNumbers {
            guard let cached = downTrack.cache.packet(for: seq) else { continue }
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: cached)
            if (try? downTrack.transport.sendRTP(&out)) != nil { retransmitted += 1 }
        }
    }

    /// A sender report to the subscriber when the interval has passed (lock held): NTP and RTP clocks for A/V sync.
    func sendSenderReportIfDue(_ downTrack: DownTrack, track: TrackSID, now: SimInstant) {
        if let last = downTrack.lastReport, now - last < senderReportInterval { return }
        guard let report = downTrack.reports.report(now: now, wallNow: clock.wallNow()) else { return }
        downTrack.lastReport = now
        var bytes = RTCPPacket.senderReport(RTCPSenderReport(
            ssrc: SSRC(report.ssrc), ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp,
            packetCount: report.packetCount, octetCount: report.octetCount
        )).serialized()
        bytes.reserveCapacity(bytes.count + SRTPContext.trailerSlack)
        let held = LockedByRouter(value: (bytes: bytes, transport: downTrack.transport))
        let fate = fate(.mediaRTCP, participant: downTrack.participant, track: track, direction: .outbound, bytes: bytes.count)
        guard proceeds(fate, later: {
            var bytes = held.value.bytes
            try? held.value.transport.sendRTCP(&bytes)
        }) else { return }
        try? downTrack.transport.sendRTCP(&bytes)
    }

    /// Sends a PLI for `layer` of `entry` (or of the track it echoes) to its publisher, naming the SSRC that layer
    /// arrives on (lock held); at
    /// most every `keyframeRequestInterval` per layer unless forced. Nothing goes out while the layer's SSRC is
    /// unknown (no packet of it yet).
    func requestKeyframe(_ entry: RoutedTrack, layer: SimulcastLayer, force: Bool, now: SimInstant) {
        guard let feed = entry.feed, let mediaSSRC = feed.publication.keyframeSSRC(for: layer) else { return }
        let publication = feed.publication
        if !force, let last = publication.lastKeyframeRequest[layer], now - last < Self.keyframeRequestInterval { return }
        publication.lastKeyframeRequest[layer] = now
        var pli = RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: SSRC(1), mediaSSRC: SSRC(mediaSSRC))).serialized()
        pli.reserveCapacity(pli.count + SRTPContext.trailerSlack)
        let held = LockedByRouter(value: (bytes: pli, publisher: publication.publisher))
        let fate = fate(.mediaRTCP, participant: publication.participant, track: feed.track.track, direction: .outbound, bytes: pli.count)
        guard proceeds(fate, later: {
            var bytes = held.value.bytes
            try? held.value.publisher.sendRTCP(&bytes)
        }) else { return }
        try? publication.publisher.sendRTCP(&pli)
    }
}
