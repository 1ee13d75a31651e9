import SimCore
import SimSDP
import Testing

/// Every parser of peer input must return or throw on any input, never trap (house style §6). Seeds are fixed so
/// a failure reproduces; each expectation names its seed and iteration.
@Suite("Fuzz: parser and answer builder never trap")
struct ParserFuzzTests {
    static let iterationsPerFixture = 500
    static let garbageIterations = 3_000
    static let grammarIterations = 3_000

    /// Bytes that tend to matter to the parser.
    static let interestingBytes: [UInt8] = Array("=: /;,*~-+\r\n0123456789amvostcbkrz".utf8) + [0x00, 0x7F, 0xC3, 0xFF, 0xE2]

    @Test("mutated fixtures", arguments: Fixture.allCases)
    func mutatedFixtures(fixture: Fixture) throws {
        let original = Array(try fixture.text().utf8)
        let seed = UInt64(Fixture.allCases.firstIndex(of: fixture) ?? 0) &+ 0xF022_5D9
        var random = SeededRandom(seed: seed)
        for iteration in 0..<Self.iterationsPerFixture {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                Self.mutate(&bytes, using: &random)
            }
            Self.exercise(bytes, context: "seed \(seed) iteration \(iteration)")
        }
    }

    @Test("random bytes and random ASCII")
    func garbage() {
        let seed: UInt64 = 0x6A4B_A6E
        var random = SeededRandom(seed: seed)
        for iteration in 0..<Self.garbageIterations {
            let count = Int.random(in: 0...600, using: &random)
            let ascii = iteration.isMultiple(of: 2)
            let bytes = (0..<count).map { _ in
                ascii ? Self.interestingBytes.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            }
            Self.exercise(bytes, context: "seed \(seed) iteration \(iteration)")
            // Also behind a valid header, so the line parsers past line 3 see the garbage.
            Self.exercise(Array("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n".utf8) + bytes, context: "seed \(seed) iteration \(iteration) with header")
        }
    }

    @Test("random but grammatical offers reach every accessor and the answer builder")
    func grammatical() {
        let seed: UInt64 = 0x5D9_0FFE
        var random = SeededRandom(seed: seed)
        for iteration in 0..<Self.grammarIterations {
            let text = Self.randomOffer(using: &random)
            Self.exercise(Array(text.utf8), context: "seed \(seed) iteration \(iteration)")
        }
    }

    // MARK: - Helpers

    /// Parses, re-serializes, reads every accessor and answers; any trap fails the whole run.
    static func exercise(_ bytes: [UInt8], context: String) {
        let description: SessionDescription
        do {
            description = try SDPParser.parse(bytes: bytes)
        } catch {
            #expect(error.line >= 0 && error.line <= SDPParser.maximumLineCount + 1, "\(context)")
            return
        }
        let once = description.serialized()
        let reparsed = try? SDPParser.parse(once)
        #expect(reparsed?.serialized() == once, "serialization is not stable: \(context)")
        readEverything(description)
        let tracks: [MediaID: OutgoingTrack] = Dictionary(
            description.media.compactMap { $0.direction.receives ? $0.mid : nil }.map { ($0, OutgoingTrack(streamID: "s", trackID: "t", ssrc: 1, rtxSSRC: 2)) },
            uniquingKeysWith: { first, _ in first }
        )
        for outgoing in [[:], tracks] {
            if let answer = try? AnswerTestSupport.builder.answer(to: description, outgoingTracks: outgoing) {
                let text = answer.sdp
                #expect((try? SDPParser.parse(text))?.serialized() == text, "answer does not round-trip: \(context)")
            }
        }
    }

    /// Touches every typed accessor.
    static func readEverything(_ description: SessionDescription) {
        _ = (description.groups, description.bundleMIDs, description.iceUfrag, description.icePwd, description.fingerprint)
        _ = (description.setup, description.iceLite, description.extmapAllowMixed, description.publishedSections, description.recvSlots)
        for media in description.media {
            _ = (media.mid, media.direction, media.msid, media.iceUfrag, media.icePwd, media.iceOptions, media.fingerprints)
            _ = (media.setup, media.rtcpMux, media.rtcpReducedSize, media.rtpMaps, media.formatParameters, media.rtcpFeedback)
            _ = (media.extMaps, media.ssrcAttributes, media.ssrcs, media.ssrcGroups, media.rids, media.simulcast)
            _ = (media.candidates, media.sctpPort, media.maxMessageSize, media.primaryCodec, media.isRejected)
            for parameters in media.formatParameters {
                _ = (parameters.keyValuePairs.count, parameters.associatedPayloadType, parameters.redundantPayloadTypes)
            }
            _ = description.iceUfrag(for: media)
        }
    }

    /// One random edit: truncate, overwrite, insert, delete, or duplicate a range.
    static func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) {
        guard !bytes.isEmpty else {
            bytes.append(interestingBytes.randomElement(using: &random) ?? 0)
            return
        }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        let length = min(Int.random(in: 1...40, using: &random), bytes.count - position)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            bytes.removeSubrange(position...)
        case 1:
            bytes[position] = interestingBytes.randomElement(using: &random) ?? 0
        case 2:
            bytes.insert(interestingBytes.randomElement(using: &random) ?? 0, at: position)
        case 3:
            bytes.removeSubrange(position..<(position + length))
        case 4:
            let range = Array(bytes[position..<(position + length)])
            bytes.insert(contentsOf: range, at: Int.random(in: 0...bytes.count, using: &random))
        default:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        }
    }

    static let attributeTemplates: [String] = [
        "a=mid:%t", "a=sendonly", "a=recvonly", "a=sendrecv", "a=inactive", "a=rtcp-mux", "a=rtcp-rsize",
        "a=setup:%w", "a=ice-ufrag:%t", "a=ice-pwd:%t", "a=fingerprint:%t %t", "a=msid:%t %t", "a=msid:%t",
        "a=rtpmap:%n %c/%n", "a=rtpmap:%n %c/%n/%n", "a=rtpmap:%n", "a=fmtp:%n apt=%n", "a=fmtp:%n %n/%n",
        "a=fmtp:%n %t=%t;%t", "a=rtcp-fb:%n %t", "a=rtcp-fb:* %t %t", "a=rtcp-fb:%n", "a=extmap:%n %t",
        "a=extmap:%n/%w %t", "a=extmap:%n", "a=ssrc:%n cname:%t", "a=ssrc:%n msid:%t %t", "a=ssrc:%n",
        "a=ssrc-group:FID %n %n", "a=ssrc-group:%t", "a=rid:%t send", "a=rid:%t recv %t", "a=rid:%t",
        "a=simulcast:send %t;%t,~%t", "a=simulcast:recv %t send %t", "a=simulcast:%t", "a=bundle-only",
        "a=sctp-port:%n", "a=max-message-size:%n", "a=candidate:%t", "a=extmap-allow-mixed", "a=%t", "a=%t:%t",
    ]
    static let words = ["actpass", "active", "passive", "holdconn", "sendonly", "recvonly", "send", "recv", "", "x"]
    static let codecs = ["opus", "VP8", "vp9", "H264", "AV1", "rtx", "red", "ulpfec", "H265", "PCMU", "", "rtx/"]
    static let tokens = ["0", "1", "q", "h", "f", "-", "*", "apt", "", "~", ";", "/", "pli", "nack", "a:b", "96"]
    static let numbers = ["0", "9", "63", "96", "97", "111", "127", "128", "255", "256", "65536", "4294967296", "-1", "x", ""]

    /// A random offer: a valid header, a BUNDLE group, then random sections of random attributes.
    static func randomOffer(using random: inout SeededRandom) -> String {
        var lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1 2 q"]
        if Bool.random(using: &random) { lines.append("a=setup:\(words.randomElement(using: &random) ?? "")") }
        let kinds = ["audio", "video", "application", "text"]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let kind = kinds.randomElement(using: &random) ?? "audio"
            let formats = (0..<Int.random(in: 0...5, using: &random)).map { _ in numbers.randomElement(using: &random) ?? "" }
            let port = ["9", "0", "9/2"].randomElement(using: &random) ?? "9"
            lines.append("m=\(kind) \(port) UDP/TLS/RTP/SAVPF " + formats.filter { !$0.isEmpty }.joined(separator: " "))
            for _ in 0..<Int.random(in: 0...25, using: &random) {
                var line = attributeTemplates.randomElement(using: &random) ?? "a=x"
                while let range = line.firstRange(of: "%") {
                    let marker = line[line.index(after: range.lowerBound)]
                    let replacement: String
                    switch marker {
                    case "n": replacement = numbers.randomElement(using: &random) ?? ""
                    case "c": replacement = codecs.randomElement(using: &random) ?? ""
                    case "w": replacement = words.randomElement(using: &random) ?? ""
                    default: replacement = tokens.randomElement(using: &random) ?? ""
                    }
                    line.replaceSubrange(range.lowerBound...line.index(after: range.lowerBound), with: replacement)
                }
                lines.append(line)
            }
        }
        return lines.map { $0 + "\r\n" }.joined()
    }
}
