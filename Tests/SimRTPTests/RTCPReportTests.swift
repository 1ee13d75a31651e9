import SimRTP
import Testing

@Suite struct RTCPReportTests {
    @Test func senderReportGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.senderReport)
        let expected = RTCPSenderReport(
            ssrc: 0x1122_3344, ntpTimestamp: 0xE1E2_E3E4_5566_7788, rtpTimestamp: 4096, packetCount: 16,
            octetCount: 1024,
            reportBlocks: [
                RTCPReportBlock(
                    ssrc: 0xAABB_CCDD, fractionLost: 0x40, cumulativeLost: -1, extendedHighestSequenceNumber: 0x1_FFFF,
                    jitter: 32, lastSenderReport: 0x1234_5678, delaySinceLastSenderReport: 0x1_0000)
            ])
        #expect(packets == [.senderReport(expected)])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.senderReport)
        #expect(RTCPPacket.senderReport(expected).serialized() == RTPFixtures.senderReport)
    }

    @Test func receiverReportGolden() throws {
        let bytes: [UInt8] = [
            0x81, 0xC9, 0x00, 0x07,  // V=2 P=0 RC=1 | PT=201 | length 7 (32 bytes)
            0x00, 0x00, 0x00, 0x09,  // reporter SSRC
            0x00, 0x00, 0x00, 0x0A,  // block: SSRC
            0xFF, 0x80, 0x00, 0x00,  // fraction lost 255 | cumulative lost -8388608 (24-bit minimum)
            0x00, 0x00, 0x00, 0x64,  // extended highest sequence number 100
            0x00, 0x00, 0x01, 0x00,  // jitter 256
            0x00, 0x00, 0x00, 0x00,  // LSR: none
            0x00, 0x00, 0x00, 0x00,  // DLSR
        ]
        let packets = try RTCPPacket.parseCompound(bytes)
        guard case .receiverReport(let report) = packets.first, packets.count == 1 else {
            Issue.record("expected one RR, got \(packets)")
            return
        }
        #expect(report.ssrc == 9)
        #expect(report.reportBlocks.map(\.cumulativeLost) == [-0x80_0000])
        #expect(report.reportBlocks.map(\.fractionLost) == [255])
        #expect(report.reportBlocks.map(\.jitter) == [256])
        #expect(RTCPPacket.serializeCompound(packets) == bytes)
    }

    @Test func emptyReceiverReport() throws {
        let bytes: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09]  // RC=0, reporter SSRC 9
        let packets = try RTCPPacket.parseCompound(bytes)
        #expect(packets == [.receiverReport(RTCPReceiverReport(ssrc: 9))])
        #expect(RTCPPacket.serializeCompound(packets) == bytes)
    }

    @Test func cumulativeLostIsClampedTo24Bits() throws {
        let report = RTCPReceiverReport(ssrc: 1, reportBlocks: [
            RTCPReportBlock(ssrc: 2, cumulativeLost: 10_000_000), RTCPReportBlock(ssrc: 3, cumulativeLost: -10_000_000),
        ])
        let packets = try RTCPPacket.parseCompound(RTCPPacket.receiverReport(report).serialized())
        guard case .receiverReport(let parsed) = packets.first else {
            Issue.record("expected an RR")
            return
        }
        #expect(parsed.reportBlocks.map(\.cumulativeLost) == [0x7F_FFFF, -0x80_0000])
    }

    @Test func moreThan31BlocksOverflowIntoExtraRRs() throws {
        let blocks = (0..<40).map { RTCPReportBlock(ssrc: SSRC(UInt32($0)), extendedHighestSequenceNumber: UInt32($0)) }
        let report = RTCPSenderReport(
            ssrc: 7, ntpTimestamp: 1, rtpTimestamp: 2, packetCount: 3, octetCount: 4, reportBlocks: blocks)
        let packets = try RTCPPacket.parseCompound(RTCPPacket.senderReport(report).serialized())
        guard packets.count == 2, case .senderReport(let sr) = packets[0], case .receiverReport(let rr) = packets[1]
        else {
            Issue.record("expected SR + RR, got \(packets)")
            return
        }
        #expect(sr.reportBlocks == Array(blocks.prefix(31)))
        #expect(rr.ssrc == 7 && rr.reportBlocks == Array(blocks.dropFirst(31)))
    }

    @Test func sdesCNAMEGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.sdes)
        #expect(packets == [.sourceDescription(RTCPSourceDescription(ssrc: 0x1122_3344, cname: "abc"))])
        guard case .sourceDescription(let sdes) = packets.first else { return }
        #expect(sdes.chunks.first?.cname == "abc")
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.sdes)
    }

    @Test func sdesAlignedCNAMEGetsAFullNullWord() throws {
        // 4 (SSRC) + 2 + 6 ("abcdef") = 12 bytes: the mandatory null octet needs a whole extra word.
        let bytes: [UInt8] = [
            0x81, 0xCA, 0x00, 0x04,  // SC=1 | PT=202 | length 4 (20 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC
            0x01, 0x06, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,  // CNAME "abcdef"
            0x00, 0x00, 0x00, 0x00,  // null item + padding
        ]
        let sdes = RTCPSourceDescription(ssrc: 1, cname: "abcdef")
        #expect(RTCPPacket.sourceDescription(sdes).serialized() == bytes)
        #expect(try RTCPPacket.parseCompound(bytes) == [.sourceDescription(sdes)])
    }

    @Test func sdesTwoChunksAndOtherItems() throws {
        let sdes = RTCPSourceDescription(chunks: [
            .init(ssrc: 1, items: [.cname("a"), .init(type: 2, value: Array("Name".utf8))]),
            .init(ssrc: 2, items: [.cname("bb")]),
        ])
        let bytes = RTCPPacket.sourceDescription(sdes).serialized()
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPPacket.parseCompound(bytes) == [.sourceDescription(sdes)])
    }

    @Test func byeWithReasonGolden() throws {
        let bytes: [UInt8] = [
            0x81, 0xCB, 0x00, 0x03,  // V=2 P=0 SC=1 | PT=203 | length 3 (16 bytes)
            0x11, 0x22, 0x33, 0x44,  // SSRC
            0x04, 0x6C, 0x65, 0x66, 0x74,  // reason length 4, "left"
            0x00, 0x00, 0x00,  // padding to the word
        ]
        let packets = try RTCPPacket.parseCompound(bytes)
        #expect(packets == [.bye(RTCPBye(ssrcs: [0x1122_3344], reason: "left"))])
        guard case .bye(let bye) = packets.first else { return }
        #expect(bye.reasonText == "left")
        #expect(RTCPPacket.serializeCompound(packets) == bytes)
    }

    @Test func byeWithoutReason() throws {
        let bytes: [UInt8] = [0x82, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2]  // SC=2
        let packets = try RTCPPacket.parseCompound(bytes)
        #expect(packets == [.bye(RTCPBye(ssrcs: [1, 2]))])
        #expect(RTCPPacket.serializeCompound(packets) == bytes)
    }

    @Test func compoundSRAndSDES() throws {
        let bytes = RTPFixtures.senderReport + RTPFixtures.sdes
        let packets = try RTCPPacket.parseCompound(bytes)
        #expect(packets.count == 2)
        if case .senderReport = packets[0], case .sourceDescription = packets[1] {} else {
            Issue.record("wrong order: \(packets)")
        }
        #expect(RTCPPacket.serializeCompound(packets) == bytes)
    }

    @Test func paddingOnTheLastPacketIsStripped() throws {
        let bytes: [UInt8] = [
            0xA0, 0xC9, 0x00, 0x02,  // V=2 P=1 RC=0 | PT=201 | length 2 (12 bytes)
            0x00, 0x00, 0x00, 0x09,  // reporter SSRC
            0x00, 0x00, 0x00, 0x04,  // 4 bytes of padding, count in the last
        ]
        #expect(try RTCPPacket.parseCompound(bytes) == [.receiverReport(RTCPReceiverReport(ssrc: 9))])
    }

    @Test func appAndXRAreUnknown() throws {
        let app: [UInt8] = [0x80, 0xCC, 0x00, 0x02, 0, 0, 0, 1, 0x6E, 0x61, 0x6D, 0x65]  // APP "name"
        let xr: [UInt8] = [0x80, 0xCF, 0x00, 0x01, 0, 0, 0, 1]  // XR, no blocks
        let packets = try RTCPPacket.parseCompound(app + xr)
        #expect(packets == [.unknown(packetType: 204, bytes: app), .unknown(packetType: 207, bytes: xr)])
        #expect(RTCPPacket.serializeCompound(packets) == app + xr)
    }

    @Test(arguments: [
        ([0x81, 0xC9, 0x00], RTCPParseError.tooShort(offset: 0, available: 3)),
        ([0x40, 0xC9, 0x00, 0x00], .badVersion(offset: 0, version: 1)),
        ([0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1], .lengthOverrun(offset: 0, declared: 12, available: 8)),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0], .paddingOverrun(offset: 0, padding: 0)),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5], .paddingOverrun(offset: 0, padding: 5)),
        // RC=1 but no report block.
        ([0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .truncatedBody(offset: 0, packetType: 201, needed: 28, available: 4)),
        // SR body shorter than the sender info.
        ([0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1], .truncatedBody(offset: 0, packetType: 200, needed: 24, available: 4)),
        // Second packet of a compound cut short.
        ([0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xC9], .tooShort(offset: 8, available: 2)),
        // SDES item longer than the packet.
        ([0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 0x61, 0x62],
         .truncatedBody(offset: 0, packetType: 202, needed: 15, available: 8)),
        // BYE reason longer than the packet.
        ([0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x09, 0x61, 0x62, 0x63],
         .truncatedBody(offset: 0, packetType: 203, needed: 14, available: 8)),
    ] as [([UInt8], RTCPParseError)])
    func parseErrors(bytes: [UInt8], expected: RTCPParseError) {
        #expect(throws: expected) { try RTCPPacket.parseCompound(bytes) }
    }
}
