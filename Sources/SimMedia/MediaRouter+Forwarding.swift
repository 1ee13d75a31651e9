import SimCore
import SimRTP

extension MediaRouter {
    /// A decrypted RTP packet from `transport`: routed to every down track of its track. Allocation-free in steady
    /// state (see the type's documentation).
    public func rtpReceived(_ packet: [UInt8], from transport: any MediaTransport) {
        rtpReceived(packet, from: ObjectIdentifier(transport))
    }

    /// A decrypted RTP packet from the transport identified by `key` (`MediaPacketSink`: on that transport's receive
    /// thread): routed to every down track of its track.
    public func rtpReceived(_ packet: [UInt8], from key: ObjectIdentifier) {
        guard let header = try? RTPPacket(parsing: packet) else { return }
        lock.withLock {
            guard let route = routes[key]?[header.ssrc.value] ?? learnStream(of: header, from: key),
                  let layer = route.layer else { return }
            forward(header, layer: layer, of: route.track)
        }
    }

    /// Binds an SSRC the SDP did not list, from its mid / rid / repaired-rid extensions (lock held); `nil` when no
    /// publication of the transport claims it (the packet is dropped, and the next one is looked at afresh).
    func learnStream(of header: RTPPacket, from key: ObjectIdentifier) -> StreamRoute? {
        for entry in tracks.values {
            guard let publication = entry.publication, ObjectIdentifier(publication.publisher) == key,
                  publication.streams.canLearnSSRCs else { continue }
            let isRepairPayload = publication.payloads[header.payloadType] == .repair
            let route: StreamRoute
            switch publication.streams.classify(header) {
            case .media(let layer): route = StreamRoute(track: entry, layer: isRepairPayload ? nil : layer)
            case .repair: route = StreamRoute(track: entry, layer: nil)
            case .undetermined where isRepairPayload: route = StreamRoute(track: entry, layer: nil)
            case .undetermined, .otherTrack: continue
            }
            routes[key, default: [:]][header.ssrc.value] = route
            return route
        }
        return nil
    }

    /// Updates the layer's activity and forwards the packet to each down track that takes it, the echoes' too
    /// (lock held).
    private func forward(_ header: RTPPacket, layer: SimulcastLayer, of entry: RoutedTrack) {
        guard let publication = entry.publication, case .media(let codec) = publication.payloads[header.payloadType] else { return }
        let now = clock.now()
        let ssrc = header.ssrc.value
        if publication.layerSSRCs[layer] != ssrc { publication.layerSSRCs[layer] = ssrc }
        if publication.activity?.packetReceived(layer: layer, now: now) == true { layersChanged(of: entry, now: now) }
        if header.marker {
            if entry.countedLayer.map({ layer > $0 }) ?? true { entry.countedLayer = layer }
            if layer == entry.countedLayer { entry.inputFrames += 1 }
        }
        guard !entry.downTracks.isEmpty || entry.echoes.contains(where: { !$0.downTracks.isEmpty }) else { return }

        let payload = header.payload
        var isKeyframe = true
        if let codec { isKeyframe = KeyframeDetector.isKeyframeStart(payload: payload, codec: codec) }
        let fate = fate(.mediaRTP, participant: publication.participant, track: entry.track, direction: .inbound,
                        bytes: header.payloadRange.count, isKeyframe: isKeyframe)
        if case .pass = fate {
            forward(header, layer: layer, of: entry, isKeyframe: isKeyframe, now: now)
            return
        }
        let held = LockedByRouter(value: (bytes: header.bytes, entry: entry))
        let keyframe = isKeyframe
        _ = proceeds(fate) { [weak self] in
            guard let self, self.tracks[held.value.entry.track] === held.value.entry,
                  let header = try? RTPPacket(parsing: held.value.bytes) else { return }
            self.forward(header, layer: layer, of: held.value.entry, isKeyframe: keyframe, now: self.clock.now())
        }
    }

    /// The part of forwarding after the publisher-side tap (lock held): munge and send to every down track.
    private func forward(_ header: RTPPacket, layer: SimulcastLayer, of entry: RoutedTrack, isKeyframe: Bool, now: SimInstant) {
        let incoming = RTPMunger.IncomingPacket(
            layer: layer, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
            payloadType: header.payloadType, payloadLength: header.payloadRange.count, isKeyframe: isKeyframe
        )
        var waiting = SimulcastLayerSlots(repeating: false)
        var anyWaiting = false
        forward(header, incoming, to: entry, now: now, waiting: &waiting, anyWaiting: &anyWaiting)
        for echo in entry.echoes {
            forward(header, incoming, to: echo, now: now, waiting: &waiting, anyWaiting: &anyWaiting)
        }
        if anyWaiting {
            for target in SimulcastLayer.allCases where waiting[target] {
                requestKeyframe(entry, layer: target, force: false, now: now)
            }
        }
    }

    /// Runs the packet through each of `entry`'s down tracks; notes the layers they wait for a keyframe of.
    private func forward(
        _ header: RTPPacket, _ incoming: RTPMunger.IncomingPacket, to entry: RoutedTrack, now: SimInstant,
        waiting: inout SimulcastLayerSlots<Bool>, anyWaiting: inout Bool
    ) {
        for (index, downTrack) in entry.downTracks.enumerated() {
            let decision = downTrack.munger.packetReceived(incoming, now: now)
            if downTrack.munger.isWaitingForKeyframe, let target = downTrack.munger.targetLayer {
                waiting[target] = true
                anyWaiting = true
            }
            guard case .forward(let seq, let timestamp, let outSSRC, let payloadType) = decision else { continue }
            send(header, on: downTrack, of: entry, seq: seq, timestamp: timestamp, ssrc: outSSRC, payloadType: payloadType,
                 isKeyframe: incoming.isKeyframe, now: now)
            if index == 0, header.marker {
                entry.outputFrames += 1
                entry.lastForwardLatency = clock.now() - now
            }
        }
    }

    /// Munges a copy of the packet in the down track's reusable buffer, caches it, and sends it (lock held).
    private func send(
        _ header: RTPPacket, on downTrack: DownTrack, of entry: RoutedTrack, seq: UInt16, timestamp: UInt32, ssrc: UInt32,
        payloadType: UInt8, isKeyframe: Bool, now: SimInstant
    ) {
        // Move the buffer out so it is uniquely referenced while we write to it (no copy-on-write), and back after.
        var out: [UInt8] = []
        swap(&out, &downTrack.scratch)
        defer { swap(&out, &downTrack.scratch) }
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: header.bytes)
        RTPPacket.setSequenceNumber(seq, in: &out)
        RTPPacket.setTimestamp(timestamp, in: &out)
        RTPPacket.setSSRC(SSRC(ssrc), in: &out)
        RTPPacket.setPayloadType(payloadType, in: &out)
        if downTrack.extensionMap.isEmpty {
            RTPPacket.blankHeaderExtensions(of: header, in: &out)
        } else {
            let map = downTrack.extensionMap
            RTPPacket.remapHeaderExtensionIDs(in: &out) { map[Int($0)] == 0 ? nil : map[Int($0)] }
        }
        // Cached before the tap: an impaired packet was sent as far as the SFU knows, so a NACK recovers it.
        downTrack.cache.store(seq: seq, bytes: out)
        let fate = fate(.mediaRTP, participant: downTrack.participant, track: entry.track, direction: .outbound,
                        bytes: header.payloadRange.count, isKeyframe: isKeyframe)
        let payloadLength = header.payloadRange.count
        guard case .pass = fate else {
            // Delayed: a copy goes out when its timer runs, counted and reported like any other.
            let held = LockedByRouter(value: (bytes: out, downTrack: downTrack, track: entry.track))
            _ = proceeds(fate) { [weak self] in
                var packet = held.value.bytes
                self?.transmit(&packet, on: held.value.downTrack, of: held.value.track, timestamp: timestamp,
                               payloadLength: payloadLength, now: self?.clock.now() ?? now)
            }
            return
        }
        transmit(&out, on: downTrack, of: entry.track, timestamp: timestamp, payloadLength: payloadLength, now: now)
    }

    /// Sends a munged packet on a down track, counts it, and sends a sender report when one is due (lock held).
    private func transmit(_ packet: inout [UInt8], on downTrack: DownTrack, of track: TrackSID, timestamp: UInt32,
                          payloadLength: Int, now: SimInstant) {
        do {
            try downTrack.transport.sendRTP(&packet)
        } catch {
            return  // not connected yet, or closing: the subscriber NACKs or PLIs once it is up
        }
        forwarded += 1
        downTrack.reports.packetSent(timestamp: timestamp, payloadLength: payloadLength, now: now)
        sendSenderReportIfDue(downTrack, track: track, now: now)
    }
}
