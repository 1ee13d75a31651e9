import Testing
@testable import SimMedia

@Suite struct ICECandidateLineTests {
    @Test func parsesChromeHostCandidateWithExtensions() throws {
        let line = try ICECandidateLine(
            parsing: "candidate:842163049 1 udp 1677729535 192.0.2.7 54400 typ host generation 0 ufrag EsAw network-cost 999"
        )
        #expect(line.foundation == "842163049")
        #expect(line.componentID == 1)
        #expect(line.transport == .udp)
        #expect(line.priority == 1_677_729_535)
        #expect(line.address == "192.0.2.7")
        #expect(line.port == 54400)
        #expect(line.type == .host)
        #expect(line.relatedAddress == nil)
        #expect(line.attributeValue == "candidate:842163049 1 udp 1677729535 192.0.2.7 54400 typ host generation 0 ufrag EsAw network-cost 999")
        #expect(line.sdpAttribute == "a=" + line.attributeValue)
    }

    @Test func acceptsPrefixCRLFAndCollapsesSpaces() throws {
        let line = try ICECandidateLine(parsing: "a=candidate:1  1 UDP 2013266431 127.0.0.1   40000 typ host\r\n")
        #expect(line.attributeValue == "candidate:1 1 UDP 2013266431 127.0.0.1 40000 typ host")
        #expect(line.transport == .udp)
    }

    @Test func parsesServerReflexiveIPv6AndTCP() throws {
        let srflx = try ICECandidateLine(
            parsing: "candidate:a+b/1 1 UDP 1686052607 203.0.113.9 61000 typ srflx raddr 10.0.0.2 rport 50000"
        )
        #expect(srflx.type == .srflx)
        #expect(srflx.relatedAddress == "10.0.0.2")
        #expect(srflx.relatedPort == 50000)
        let v6 = try ICECandidateLine(parsing: "candidate:2 1 udp 2122262783 2001:db8::1 9000 typ host")
        #expect(v6.address == "2001:db8::1")
        let tcp = try ICECandidateLine(parsing: "candidate:3 1 tcp 1518280447 192.0.2.7 9 typ host tcptype active")
        #expect(tcp.transport == .tcp)
        #expect(tcp.tcpType == "active")
    }

    @Test(arguments: [
        ("", ICECandidateLineError.missingPrefix),
        ("a=candidate", .missingPrefix),
        ("cand:1 1 udp 1 127.0.0.1 9 typ host", .missingPrefix),
        ("candidate:", .tooFewFields),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ", .tooFewFields),
        ("candidate:1 1 udp 1 127.0.0.1\u{0} 9 typ host", .invalidCharacters),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ\thost", .invalidCharacters),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ höst", .invalidCharacters),
        ("candidate:1-2 1 udp 1 127.0.0.1 9 typ host", .invalidFoundation),
        ("candidate:\(String(repeating: "a", count: 33)) 1 udp 1 127.0.0.1 9 typ host", .invalidFoundation),
        ("candidate:1 0 udp 1 127.0.0.1 9 typ host", .invalidComponent),
        ("candidate:1 x udp 1 127.0.0.1 9 typ host", .invalidComponent),
        ("candidate:1 257 udp 1 127.0.0.1 9 typ host", .invalidComponent),
        ("candidate:1 1 sctp 1 127.0.0.1 9 typ host", .invalidTransport),
        ("candidate:1 1 udp -1 127.0.0.1 9 typ host", .invalidPriority),
        ("candidate:1 1 udp 4294967296 127.0.0.1 9 typ host", .invalidPriority),
        ("candidate:1 1 udp 1 127.0.0.300 9 typ host", .invalidAddress),
        ("candidate:1 1 udp 1 4b1d2c3e-aaaa.local 9 typ host", .invalidAddress),
        ("candidate:1 1 udp 1 127.0.0.1 65536 typ host", .invalidPort),
        ("candidate:1 1 udp 1 127.0.0.1 port typ host", .invalidPort),
        ("candidate:1 1 udp 1 127.0.0.1 9 type host", .missingType),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ relayed", .invalidType),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ host generation", .unpairedExtension),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ srflx raddr nowhere rport 9", .invalidRelatedAddress),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ srflx raddr 10.0.0.1 rport x", .invalidRelatedPort),
        ("candidate:1 1 tcp 1 127.0.0.1 9 typ host", .invalidTCPType),
        ("candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype sideways", .invalidTCPType),
        ("candidate:1 1 udp 1 127.0.0.1 9 typ host x \(String(repeating: "y", count: 1100))", .tooLong),
    ])
    func rejectsMalformedLines(line: String, expected: ICECandidateLineError) {
        #expect(throws: expected) { try ICECandidateLine(parsing: line) }
    }
}
