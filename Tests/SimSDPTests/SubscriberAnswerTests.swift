import Testing
import SimSDP

@Suite("Reading a client's answer to our subscriber offer")
struct SubscriberAnswerTests {
    typealias Support = OfferTestSupport

    /// The client's fingerprint in the written answers.
    static let clientFingerprint = DTLSFingerprint(
        algorithm: "sha-256",
        value: "92:4F:C1:6A:E8:37:0B:D5:7C:A2:F9:14:63:BE:08:D7:5E:C3:29:A6:F0:4B:81:1D:E5:7A:36:C8:92:0F:B4:6D"
    )

    /// A Chrome-shaped answer to the golden two-track offer: BUNDLE 0 1, `a=setup:active`, recvonly, the offer's
    /// payload types (Chrome's answer to a server offer keeps its order and numbers).
    static let chromeAnswerLines: [String] = [
        "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
        "a=group:BUNDLE 0 1", "a=extmap-allow-mixed", "a=msid-semantic: WMS",
        "m=video 9 UDP/TLS/RTP/SAVPF 96 103 107 109 115 117 39 45 98 100",
        "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:mP4x", "a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz", "a=ice-options:trickle",
        "a=fingerprint:sha-256 \(clientFingerprint.value)",
        "a=setup:active", "a=mid:0", "a=recvonly", "a=rtcp-mux", "a=rtcp-rsize",
        "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack",
        "a=rtcp-fb:96 nack pli",
        "a=rtpmap:103 H264/90000", "a=rtcp-fb:103 nack",
        "a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
        "a=rtpmap:107 H264/90000", "a=fmtp:107 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f",
        "a=rtpmap:109 H264/90000", "a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
        "a=rtpmap:115 H264/90000", "a=fmtp:115 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
        "a=rtpmap:117 H264/90000", "a=fmtp:117 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f",
        "a=rtpmap:39 H264/90000", "a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f",
        "a=rtpmap:45 AV1/90000", "a=fmtp:45 level-idx=5;profile=0;tier=0",
        "a=rtpmap:98 VP9/90000", "a=fmtp:98 profile-id=0",
        "a=rtpmap:100 VP9/90000", "a=fmtp:100 profile-id=2",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63",
        "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:mP4x", "a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz", "a=ice-options:trickle",
        "a=fingerprint:sha-256 \(clientFingerprint.value)",
        "a=setup:active", "a=mid:1", "a=recvonly", "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111",
    ]

    /// The golden two-track offer.
    static func trackOffer() throws -> SessionDescription {
        try Support.builder.offer(sections: Support.pythonTrackSections()).sessionDescription
    }

    /// Reads `lines` as the answer to `offer` (default: the golden two-track offer).
    static func read(_ lines: [String], offer: SessionDescription? = nil) throws -> SubscriberAnswer {
        let answer = try SessionDescription.parse(Support.sdp(lines))
        return try SubscriberAnswer(answer: answer, offer: offer ?? trackOffer())
    }

    /// The Chrome answer with every line equal to `old` replaced by `new` (removed when `new` is nil).
    static func chromeAnswer(replacing old: String, with new: String?) -> [String] {
        chromeAnswerLines.compactMap { $0 == old ? new : $0 }
    }

    /// Expects reading `lines` against the golden offer to throw `error`.
    static func expectFailure(_ lines: [String], _ error: SubscriberAnswerError) throws {
        let offer = try trackOffer()
        let answer = try SessionDescription.parse(Support.sdp(lines))
        #expect(throws: error) { try SubscriberAnswer(answer: answer, offer: offer) }
    }

    @Test("a Chrome-shaped active answer: both sections accepted recvonly; we are the DTLS server")
    func chromeAnswer() throws {
        let read = try Self.read(Self.chromeAnswerLines)
        #expect(read.sections.map(\.mid) == ["0", "1"])
        #expect(read.sections.map(\.kind) == [.video, .audio])
        #expect(read.sections.allSatisfy { $0.accepted && $0.direction == .recvonly && $0.receives })
        #expect(read.transportMID == "0")
        #expect(read.iceUfrag == "mP4x")
        #expect(read.icePwd == "Jd7sK2qR9vW3nB6tY1cF8hLz")
        #expect(read.fingerprint == Self.clientFingerprint)
        #expect(read.remoteSetupRole == .active)
        #expect(!read.weAreDTLSClient)
        #expect(read.candidates.isEmpty)
    }

    @Test("negotiated payload types per lower-cased encoding name, as the answer wrote them")
    func payloadTypes() throws {
        let read = try Self.read(Self.chromeAnswerLines)
        let video = try #require(read.section("0"))
        #expect(video.payloadTypes == [
            "vp8": [96], "h264": [103, 107, 109, 115, 117, 39], "av1": [45], "vp9": [98, 100],
        ])
        #expect(video.payloadType(forEncoding: "H264") == 103)
        #expect(video.payloadType(forEncoding: "opus") == nil)
        let audio = try #require(read.section("1"))
        #expect(audio.payloadTypes == ["opus": [111], "red": [63]])
        #expect(audio.codecs.map(\.attributeValue) == ["111 opus/48000/2", "63 red/48000/2"])
    }

    @Test("payload types the answerer renumbered are reported with its numbers")
    func renumberedPayloadTypes() throws {
        var lines = Self.chromeAnswer(replacing: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", with: "m=audio 9 UDP/TLS/RTP/SAVPF 109 63")
        lines = lines.map { $0 == "a=rtpmap:111 opus/48000/2" ? "a=rtpmap:109 opus/48000/2" : $0 }
        let audio = try #require(try Self.read(lines).section("1"))
        #expect(audio.payloadType(forEncoding: "opus") == 109)
        #expect(audio.payloadTypes["opus"] == [109])
    }

    @Test("a passive answer makes us the DTLS client")
    func passiveAnswer() throws {
        let read = try Self.read(Self.chromeAnswer(replacing: "a=setup:active", with: "a=setup:passive"))
        #expect(read.remoteSetupRole == .passive)
        #expect(read.weAreDTLSClient)
    }

    @Test("ICE credentials, fingerprint and setup fall back to the session level (Firefox style)")
    func sessionLevelFallback() throws {
        let mediaLevel: Set<String> = [
            "a=ice-ufrag:mP4x", "a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz", "a=setup:active",
            "a=fingerprint:sha-256 \(Self.clientFingerprint.value)",
        ]
        var lines = Self.chromeAnswerLines.filter { !mediaLevel.contains($0) }
        let groupIndex = try #require(lines.firstIndex(of: "a=group:BUNDLE 0 1"))
        lines.insert(contentsOf: [
            "a=fingerprint:sha-256 \(Self.clientFingerprint.value)", "a=ice-ufrag:sess", "a=ice-pwd:sessionsessionsession22",
            "a=setup:passive",
        ], at: groupIndex)
        let read = try Self.read(lines)
        #expect(read.iceUfrag == "sess")
        #expect(read.icePwd == "sessionsessionsession22")
        #expect(read.fingerprint == Self.clientFingerprint)
        #expect(read.weAreDTLSClient)
    }

    @Test("media-level values win over session-level ones")
    func mediaLevelWins() throws {
        var lines = Self.chromeAnswerLines
        let groupIndex = try #require(lines.firstIndex(of: "a=group:BUNDLE 0 1"))
        lines.insert(contentsOf: ["a=ice-ufrag:sess", "a=ice-pwd:sessionsessionsession22", "a=setup:passive"], at: groupIndex)
        let read = try Self.read(lines)
        #expect(read.iceUfrag == "mP4x")
        #expect(read.remoteSetupRole == .active)
    }

    @Test("candidates in the answer are collected in order, each once, from accepted sections only")
    func candidates() throws {
        let first = "1 1 udp 2122260223 192.0.2.10 54400 typ host generation 0"
        let second = "2 1 udp 1686052607 198.51.100.7 54400 typ srflx raddr 192.0.2.10 rport 54400 generation 0"
        var lines: [String] = []
        for line in Self.chromeAnswerLines {
            lines.append(line)
            if line == "a=rtcp:9 IN IP4 0.0.0.0" { lines += ["a=candidate:\(first)", "a=candidate:\(second)"] }
        }
        #expect(try Self.read(lines).candidates == [first, second])
    }

    @Test("a rejected section is reported unaccepted with no codecs; the rest still works")
    func rejectedSection() throws {
        var lines = Self.chromeAnswer(replacing: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", with: "m=audio 0 UDP/TLS/RTP/SAVPF 111 63")
        lines = lines.map { $0 == "a=group:BUNDLE 0 1" ? "a=group:BUNDLE 0" : $0 }
        lines = lines.map { $0 == "a=recvonly" ? "a=inactive" : $0 }
        lines.append("a=candidate:9 1 udp 1 203.0.113.1 9 typ host")
        let read = try Self.read(lines)
        let audio = try #require(read.section("1"))
        #expect(!audio.accepted)
        #expect(!audio.receives)
        #expect(audio.codecs.isEmpty)
        #expect(read.section("0")?.accepted == true)
        #expect(read.candidates.isEmpty)
    }

    @Test("an answer to a placeholder-only offer: accepted and inactive")
    func placeholderAnswer() throws {
        let offer = try Support.builder.offer(sections: [.inactive(mid: "0", kind: .audio), .inactive(mid: "1", kind: .video)])
        let transport = [
            "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:mP4x", "a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz",
            "a=ice-options:trickle", "a=fingerprint:sha-256 \(Self.clientFingerprint.value)", "a=setup:active",
        ]
        let lines = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=msid-semantic: WMS"]
            + ["m=audio 9 UDP/TLS/RTP/SAVPF 111"] + transport
            + ["a=mid:0", "a=inactive", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2"]
            + ["m=video 9 UDP/TLS/RTP/SAVPF 96"] + transport
            + ["a=mid:1", "a=inactive", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000"]
        let read = try Self.read(lines, offer: offer.sessionDescription)
        #expect(read.sections.map(\.direction) == [.inactive, .inactive])
        #expect(read.sections.allSatisfy { $0.accepted && !$0.receives })
        #expect(read.sections.map { $0.payloadType(forEncoding: $0.kind == .audio ? "opus" : "vp8") } == [111, 96])
    }

    // MARK: Errors

    @Test("sections in another order are refused")
    func reorderedSections() throws {
        let video = try #require(Self.chromeAnswerLines.firstIndex(of: "m=video 9 UDP/TLS/RTP/SAVPF 96 103 107 109 115 117 39 45 98 100"))
        let audio = try #require(Self.chromeAnswerLines.firstIndex(of: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63"))
        let lines = Array(Self.chromeAnswerLines[..<video]) + Self.chromeAnswerLines[audio...] + Self.chromeAnswerLines[video..<audio]
        try Self.expectFailure(lines, .midsDiffer(offered: ["0", "1"], answered: ["1", "0"]))
    }

    @Test("a missing section, a renamed mid and a missing mid are refused")
    func midSetDiffers() throws {
        let audio = try #require(Self.chromeAnswerLines.firstIndex(of: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63"))
        try Self.expectFailure(Array(Self.chromeAnswerLines[..<audio]), .midsDiffer(offered: ["0", "1"], answered: ["0"]))
        try Self.expectFailure(Self.chromeAnswer(replacing: "a=mid:1", with: "a=mid:audio"),
                               .midsDiffer(offered: ["0", "1"], answered: ["0", "audio"]))
        try Self.expectFailure(Self.chromeAnswer(replacing: "a=mid:1", with: nil), .midsDiffer(offered: ["0", "1"], answered: ["0", nil]))
    }

    @Test("an answered section of another kind is refused")
    func kindMismatch() throws {
        let lines = Self.chromeAnswer(replacing: "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", with: "m=video 9 UDP/TLS/RTP/SAVPF 111 63")
        try Self.expectFailure(lines, .kindMismatch("1", offered: .audio, answered: .video))
    }

    @Test("an answer that rejects every section is refused")
    func everythingRejected() throws {
        let lines = Self.chromeAnswerLines.map { $0.hasPrefix("m=") ? $0.replacing("m=video 9", with: "m=video 0").replacing("m=audio 9", with: "m=audio 0") : $0 }
        try Self.expectFailure(lines, .noAcceptedSection)
    }

    @Test("an accepted section outside the BUNDLE group is refused")
    func unbundled() throws {
        try Self.expectFailure(Self.chromeAnswer(replacing: "a=group:BUNDLE 0 1", with: "a=group:BUNDLE 0"), .unbundledSection("1"))
        try Self.expectFailure(Self.chromeAnswer(replacing: "a=group:BUNDLE 0 1", with: nil), .unbundledSection("0"))
    }

    @Test("missing or empty ICE credentials are refused", arguments: [
        ("a=ice-ufrag:mP4x", nil), ("a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz", nil),
        ("a=ice-ufrag:mP4x", "a=ice-ufrag:"), ("a=ice-pwd:Jd7sK2qR9vW3nB6tY1cF8hLz", "a=ice-pwd"),
    ] as [(String, String?)])
    func missingICECredentials(line: String, replacement: String?) throws {
        try Self.expectFailure(Self.chromeAnswer(replacing: line, with: replacement), .missingICECredentials("0"))
    }

    @Test("a missing or malformed fingerprint is refused", arguments: [nil, "a=fingerprint:sha-256"] as [String?])
    func missingFingerprint(replacement: String?) throws {
        let line = "a=fingerprint:sha-256 \(Self.clientFingerprint.value)"
        try Self.expectFailure(Self.chromeAnswer(replacing: line, with: replacement), .missingFingerprint("0"))
    }

    @Test("an answer setup of actpass, holdconn, garbage or none is refused (RFC 8842 §5.3)", arguments: [
        ("a=setup:actpass", DTLSSetupRole.actpass), ("a=setup:holdconn", .holdconn), ("a=setup:both", nil), (nil, nil),
    ] as [(String?, DTLSSetupRole?)])
    func invalidSetup(replacement: String?, role: DTLSSetupRole?) throws {
        try Self.expectFailure(Self.chromeAnswer(replacing: "a=setup:active", with: replacement), .invalidSetupRole("0", role))
    }

    @Test("every truncation of the answer is read or refused with a typed error, never a trap")
    func truncatedAnswers() throws {
        let offer = try Self.trackOffer()
        // A prefix that holds the second section's mid holds every line the reader needs (section 0 is whole).
        let lastMID = try #require(Self.chromeAnswerLines.firstIndex(of: "a=mid:1"))
        for count in 0...Self.chromeAnswerLines.count {
            guard let answer = try? SessionDescription.parse(Support.sdp(Array(Self.chromeAnswerLines.prefix(count)))) else {
                continue
            }
            let result = Result { () throws(SubscriberAnswerError) in try SubscriberAnswer(answer: answer, offer: offer) }
            let succeeded = (try? result.get()) != nil
            #expect(succeeded == (count > lastMID), "prefix of \(count) lines")
        }
    }
}
