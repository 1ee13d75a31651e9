/// Building one offered media section.
extension SDPOfferBuilder {
    /// The port WebRTC writes in offered sections: 9 (discard); the real address travels in ICE candidates.
    static let placeholderPort: UInt16 = 9
    /// The `a=rtcp` value matching the placeholder port and the `c=IN IP4 0.0.0.0` connection line.
    static let placeholderRTCP = "9 IN IP4 0.0.0.0"
    /// The RTP profile of every WebRTC media section (RFC 8829 §5.1.2).
    static let rtpProfile = "UDP/TLS/RTP/SAVPF"
    /// The proto and format of a data-channel section (RFC 8841 §4).
    static let dataChannelProfile = (proto: "UDP/DTLS/SCTP", format: "webrtc-datachannel")

    /// Builds one section; the sections were validated by the caller, except for the template's codecs.
    func offerSection(_ section: SDPOfferSection) throws(SDPOfferError) -> (MediaDescription, OfferedSection) {
        switch section {
        case .track(let mid, let kind, let template, let track):
            let payloadTypes = Self.forwardedPayloadTypes(in: template)
            guard !payloadTypes.isEmpty else { throw .noForwardableCodec(mid) }
            let codecAttributes = Self.codecAttributes(template, keeping: Set(payloadTypes))
            var media = transportSection(kind: kind, formats: payloadTypes, mid: mid, direction: .sendonly)
            // The end-to-end header extensions the publisher sends (audio level, orientation, …), with its ids: the
            // forwarder maps them to the ids the subscriber's answer keeps (RFC 8285 §5: the answer keeps ours).
            for extMap in template.extMaps where RTPHeaderExtensionURI.forwardedEndToEnd.contains(extMap.uri) {
                media.addAttribute("extmap", "\(extMap.id) \(extMap.uri)")
            }
            media.addAttribute("msid", MSID(streamID: track.streamID, trackID: track.trackID).attributeValue)
            addRTCPAttributes(to: &media)
            media.attributes += codecAttributes
            media.attributes += Self.sourceAttributes(for: track)
            let maps = template.rtpMaps
            let codecs = payloadTypes.compactMap { payloadType in maps.first { $0.payloadType == payloadType } }
            return (media, OfferedSection(mid: mid, kind: kind, direction: .sendonly, codecs: codecs, track: track))

        case .inactive(let mid, let kind):
            let (map, codecAttributes) = Self.placeholderCodec(for: kind)
            var media = transportSection(kind: kind, formats: [map.payloadType], mid: mid, direction: .inactive)
            addRTCPAttributes(to: &media)
            media.attributes += codecAttributes
            return (media, OfferedSection(mid: mid, kind: kind, direction: .inactive, codecs: [map]))

        case .dataChannels(let mid):
            var media = MediaDescription(kind: .application, port: Self.placeholderPort, proto: Self.dataChannelProfile.proto,
                                         formats: [Self.dataChannelProfile.format], connections: [SDPConnection()])
            addTransportAttributes(to: &media, mid: mid)
            media.addAttribute("sctp-port", String(configuration.sctpPort))
            media.addAttribute("max-message-size", String(configuration.maxMessageSize))
            return (media, OfferedSection(mid: mid, kind: .application, direction: .sendrecv, codecs: []))
        }
    }

    /// The `m=`/`c=` lines, transport attributes, `a=mid` and the direction of a section.
    private func transportSection(
        kind: MediaKind, formats: [PayloadType], mid: MediaID, direction: MediaDirection
    ) -> MediaDescription {
        var media = MediaDescription(
            kind: kind,
            port: Self.placeholderPort,
            proto: Self.rtpProfile,
            formats: formats.map(\.description),
            connections: [SDPConnection()]
        )
        media.addAttribute("rtcp", Self.placeholderRTCP)
        addTransportAttributes(to: &media, mid: mid)
        media.addAttribute(direction.rawValue)
        return media
    }

    /// ICE credentials and options, the fingerprint, `a=setup:actpass` and `a=mid`.
    private func addTransportAttributes(to media: inout MediaDescription, mid: MediaID) {
        media.addAttribute("ice-ufrag", configuration.iceUfrag)
        media.addAttribute("ice-pwd", configuration.icePwd)
        if !configuration.iceOptions.isEmpty {
            media.addAttribute("ice-options", configuration.iceOptions.joined(separator: " "))
        }
        media.addAttribute("fingerprint", configuration.fingerprint.attributeValue)
        // RFC 5763 §5 / RFC 8842 §5.2: the offerer leaves the DTLS role to the answerer.
        media.addAttribute("setup", DTLSSetupRole.actpass.rawValue)
        media.addAttribute("mid", mid.rawValue)
    }

    /// `a=rtcp-mux` (RFC 5761, required by JSEP) and, for video, `a=rtcp-rsize` (RFC 5506).
    private func addRTCPAttributes(to media: inout MediaDescription) {
        media.addAttribute("rtcp-mux")
        if media.kind == .video { media.addAttribute("rtcp-rsize") }
    }

    /// `a=ssrc` cname and msid lines for a track (RFC 5576 §4.1); the CNAME is the stream id, so tracks of one
    /// stream share it and lip-sync together (RFC 3550 §6.5.1).
    static func sourceAttributes(for track: OutgoingTrack) -> [SDPAttribute] {
        let msid = MSID(streamID: track.streamID, trackID: track.trackID).attributeValue
        return [("cname", track.streamID), ("msid", msid)].map { name, value in
            SDPAttribute("ssrc", SSRCAttribute(ssrc: track.ssrc, name: name, value: value).attributeValue)
        }
    }
}
