import SimSDP

/// Shared configuration and checks for the answer builder tests.
enum AnswerTestSupport {
    /// Our side of every test answer.
    static let configuration = SDPAnswerConfiguration(
        iceUfrag: "sfus",
        icePwd: "sfusimsfusimsfusimsfusim",
        fingerprint: DTLSFingerprint(
            algorithm: "sha-256",
            value: "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00"
        ),
        sessionID: 4_242_424_242,
        sessionVersion: 3
    )

    /// A builder with ``configuration``.
    static let builder = SDPAnswerBuilder(configuration: configuration)

    /// A minimal offer: the session header, a BUNDLE group of the given mids, then the given section lines.
    static func offer(bundle mids: [String], sections: [[String]]) -> String {
        let header = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE " + mids.joined(separator: " ")]
        return (header + sections.flatMap { $0 }).map { $0 + "\r\n" }.joined()
    }

    /// A sendonly/recvonly/... audio section offering opus (and optionally more lines).
    static func audioSection(mid: String, direction: String = "sendonly", extra: [String] = []) -> [String] {
        [
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdabcdabcdabcdabcdabcd",
            "a=fingerprint:sha-256 AA:BB", "a=setup:actpass", "a=mid:\(mid)", "a=\(direction)", "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
        ] + extra
    }

    /// Problems with RTX in an answered section: an RTX payload type whose `apt` is missing, not offered in the
    /// m= line, or itself RTX.
    static func rtxProblems(in media: MediaDescription) -> [String] {
        let formats = Set(media.payloadTypes)
        var problems: [String] = []
        for map in media.rtpMaps where map.normalizedName == "rtx" {
            guard let apt = media.fmtp(for: map.payloadType)?.associatedPayloadType else {
                problems.append("\(map.payloadType): no apt")
                continue
            }
            if !formats.contains(apt) { problems.append("\(map.payloadType): apt \(apt) not in m= line") }
            if media.rtpMap(for: apt)?.normalizedName == "rtx" { problems.append("\(map.payloadType): apt is rtx") }
        }
        return problems
    }
}
