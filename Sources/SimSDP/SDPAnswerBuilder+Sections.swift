/// Building one answered media section.
extension SDPAnswerBuilder {
    /// The port WebRTC writes in accepted sections: 9 (discard); the real address travels in ICE candidates.
    static let placeholderPort: UInt16 = 9
    /// The port that marks a rejected section (RFC 3264 §6).
    static let rejectedPort: UInt16 = 0
    /// The `a=rtcp` value matching the placeholder port and the `c=IN IP4 0.0.0.0` connection line.
    static let placeholderRTCP = "9 IN IP4 0.0.0.0"

    /// Answers one offered section.
    func answerSection(
        _ offered: MediaDescription, mid: MediaID, in offer: SessionDescription, track: OutgoingTrack?
    ) throws(SDPAnswerError) -> (MediaDescription, AnsweredSection) {
        guard !offered.isRejected else { return rejected(offered, mid: mid) }
        switch offered.kind {
        case .audio, .video:
            return try rtpSection(offered, mid: mid, in: offer, track: track)
        case .application where configuration.acceptDataChannels && Self.isDataChannelSection(offered):
            return try dataChannelSection(offered, mid: mid, in: offer)
        case .application, .other:
            return rejected(offered, mid: mid)
        }
    }

    /// Whether the section is a JSEP data channel section (RFC 8841: `UDP/DTLS/SCTP webrtc-datachannel`).
    static func isDataChannelSection(_ media: MediaDescription) -> Bool {
        media.proto.hasSuffix("DTLS/SCTP") && media.formats == ["webrtc-datachannel"]
    }

    private func rtpSection(
        _ offered: MediaDescription, mid: MediaID, in offer: SessionDescription, track: OutgoingTrack?
    ) throws(SDPAnswerError) -> (MediaDescription, AnsweredSection) {
        let payloadTypes = negotiatedPayloadTypes(offered)
        guard !payloadTypes.isEmpty else { return rejected(offered, mid: mid) }
        let setup = try answerSetupRole(for: offered, mid: mid, in: offer)
        let offeredDirection = offered.direction
        let direction = MediaDirection(sends: track != nil, receives: offeredDirection.sends)
        let kept = Set(payloadTypes)
        let extensions = offered.extMaps.filter { configuration.headerExtensions.contains($0.uri) }

        var media = transportSection(offered, formats: payloadTypes.map(\.description), mid: mid, setup: setup)
        if offered.extmapAllowMixed { media.addAttribute("extmap-allow-mixed") }
        for var extMap in extensions {
            extMap.direction = extMap.direction?.reversed
            media.addAttribute("extmap", extMap.attributeValue)
        }
        media.addAttribute(direction.rawValue)
        if let track { media.addAttribute("msid", "\(track.streamID) \(track.trackID)") }
        media.addAttribute("rtcp-mux")
        if offered.rtcpReducedSize { media.addAttribute("rtcp-rsize") }
        media.attributes += codecAttributes(offered, keeping: kept)

        var rids: [RID] = []
        if direction.receives {
            let sendRIDs = offered.rids.filter { $0.direction == .send }
            rids = sendRIDs.map(\.id)
            for rid in rids { media.addAttribute("rid", RIDDescription(id: rid, direction: .recv).attributeValue) }
            if let simulcast = offered.simulcast, !simulcast.send.isEmpty {
                media.addAttribute("simulcast", SimulcastDescription(receive: simulcast.send).attributeValue)
            }
        }
        let maps = offered.rtpMaps
        let codecs = payloadTypes.compactMap { payloadType in maps.first { $0.payloadType == payloadType } }
        if let track {
            let hasRTX = codecs.contains { $0.normalizedName == "rtx" }
            media.attributes += sourceAttributes(for: track, withRTX: hasRTX)
        }

        let summary = AnsweredSection(
            mid: mid,
            kind: offered.kind,
            accepted: true,
            offeredDirection: offeredDirection,
            answeredDirection: direction,
            offeredTrackID: offeredDirection.sends ? offered.msid?.trackID : nil,
            rids: rids,
            codecs: codecs,
            headerExtensions: extensions,
            outgoingTrackID: track?.trackID
        )
        return (media, summary)
    }

    private func dataChannelSection(
        _ offered: MediaDescription, mid: MediaID, in offer: SessionDescription
    ) throws(SDPAnswerError) -> (MediaDescription, AnsweredSection) {
        let setup = try answerSetupRole(for: offered, mid: mid, in: offer)
        var media = transportSection(offered, formats: offered.formats, mid: mid, setup: setup)
        media.addAttribute("sctp-port", String(offered.sctpPort ?? configuration.defaultSCTPPort))
        media.addAttribute("max-message-size", String(configuration.maxMessageSize))
        let summary = AnsweredSection(
            mid: mid,
            kind: offered.kind,
            accepted: true,
            offeredDirection: offered.direction,
            answeredDirection: offered.direction.reversed
        )
        return (media, summary)
    }

    /// A rejected section: port 0, the offered protocol and formats, the mid, nothing else (RFC 8829 §5.3.1).
    private func rejected(_ offered: MediaDescription, mid: MediaID) -> (MediaDescription, AnsweredSection) {
        let media = MediaDescription(
            kind: offered.kind,
            port: Self.rejectedPort,
            proto: offered.proto,
            formats: offered.formats,
            connections: [SDPConnection()],
            attributes: [SDPAttribute("mid", mid.rawValue)]
        )
        let summary = AnsweredSection(
            mid: mid,
            kind: offered.kind,
            accepted: false,
            offeredDirection: offered.direction,
            answeredDirection: .inactive,
            offeredTrackID: offered.direction.sends ? offered.msid?.trackID : nil
        )
        return (media, summary)
    }

    /// An accepted section's `m=`/`c=` lines and transport attributes, up to and including `a=mid`.
    private func transportSection(
        _ offered: MediaDescription, formats: [String], mid: MediaID, setup: DTLSSetupRole
    ) -> MediaDescription {
        var media = MediaDescription(
            kind: offered.kind,
            port: Self.placeholderPort,
            proto: offered.proto,
            formats: formats,
            connections: [SDPConnection()]
        )
        if offered.kind.isRTP { media.addAttribute("rtcp", Self.placeholderRTCP) }
        for candidate in configuration.candidates { media.addAttribute("candidate", candidate) }
        if configuration.endOfCandidates { media.addAttribute("end-of-candidates") }
        media.addAttribute("ice-ufrag", configuration.iceUfrag)
        media.addAttribute("ice-pwd", configuration.icePwd)
        if !configuration.iceOptions.isEmpty {
            media.addAttribute("ice-options", configuration.iceOptions.joined(separator: " "))
        }
        media.addAttribute("fingerprint", configuration.fingerprint.attributeValue)
        media.addAttribute("setup", setup.rawValue)
        media.addAttribute("mid", mid.rawValue)
        return media
    }

    /// `a=ssrc-group:FID` and `a=ssrc` cname/msid lines for an outgoing track (RFC 5576, RFC 4588 §8.3).
    private func sourceAttributes(for track: OutgoingTrack, withRTX: Bool) -> [SDPAttribute] {
        var attributes: [SDPAttribute] = []
        var ssrcs = [track.ssrc]
        if withRTX, let rtxSSRC = track.rtxSSRC {
            ssrcs.append(rtxSSRC)
            let group = SSRCGroup(semantics: SSRCGroup.fidSemantics, ssrcs: ssrcs)
            attributes.append(SDPAttribute("ssrc-group", group.attributeValue))
        }
        let msid = MSID(streamID: track.streamID, trackID: track.trackID).attributeValue
        for ssrc in ssrcs {
            for (name, value) in [("cname", configuration.cname), ("msid", msid)] {
                attributes.append(SDPAttribute("ssrc", SSRCAttribute(ssrc: ssrc, name: name, value: value).attributeValue))
            }
        }
        return attributes
    }
}
