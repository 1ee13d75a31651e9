import SimRTP
import Testing

@Suite struct RTCPFeedbackTests {
    @Test func nackGoldenExpandsBitmask() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.nack)
        guard case .nack(let nack) = packets.first, packets.count == 1 else {
            Issue.record("expected one NACK, got \(packets)")
            return
        }
        #expect(nack.senderSSRC == 1 && nack.mediaSSRC == 2)
        #expect(nack.entries == [RTCPNack.Entry(packetID: 100, bitmask: 0b101)])
        #expect(nack.lostSequenceNumbers == [100, 101, 103])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.nack)
    }

    @Test func nackFromLostSequenceNumbers() {
        let nack = RTCPNack(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [100, 101, 103])
        #expect(RTCPPacket.nack(nack).serialized() == RTPFixtures.nack)
    }

    @Test func nackGroupingWrapsAndSplits() {
        let lost: [UInt16] = [65534, 65535, 0, 14, 15, 16, 40]
        let nack = RTCPNack(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: lost)
        // 65534 covers up to 65534+16 = 14; 15 starts a new entry covering 16; 40 another.
        #expect(nack.entries == [
            .init(packetID: 65534, bitmask: 0b1000_0000_0000_0011),
            .init(packetID: 15, bitmask: 0b1),
            .init(packetID: 40, bitmask: 0),
        ])
        #expect(nack.lostSequenceNumbers == lost)
    }

    @Test func pliGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.pli)
        #expect(packets == [.pli(RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2))])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.pli)
    }

    @Test func firGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.fir)
        let fir = RTCPFullIntraRequest(senderSSRC: 1, entries: [.init(ssrc: 0x1234_5678, sequenceNumber: 7)])
        #expect(packets == [.fir(fir)])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.fir)
    }

    @Test func rembGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.remb)
        let remb = RTCPREMB(senderSSRC: 1, bitrate: 1_000_000, ssrcs: [0x1234_5678])
        #expect(packets == [.remb(remb)])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.remb)
    }

    @Test func rembMantissaAndExponent() {
        #expect(RTCPREMB.encode(bitrate: 0) == (0, 0))
        #expect(RTCPREMB.encode(bitrate: 262_143) == (0, 262_143))
        #expect(RTCPREMB.encode(bitrate: 262_144) == (1, 131_072))
        #expect(RTCPREMB.encode(bitrate: 1_000_000) == (2, 250_000))
        #expect(RTCPREMB.encode(bitrate: .max) == (46, 0x3_FFFF))
        #expect(RTCPREMB.decode(exponent: 2, mantissa: 250_000) == 1_000_000)
        #expect(RTCPREMB.decode(exponent: 63, mantissa: 1) == 1 << 63)
        #expect(RTCPREMB.decode(exponent: 63, mantissa: 2) == .max, "overflow saturates instead of trapping")
        #expect(RTCPREMB.decode(exponent: 63, mantissa: 0) == 0)
        // Precision: values above 18 bits round down.
        let (exponent, mantissa) = RTCPREMB.encode(bitrate: 1_000_001)
        #expect(RTCPREMB.decode(exponent: exponent, mantissa: mantissa) == 1_000_000)
    }

    @Test func rembWithManySSRCsRoundTrips() throws {
        let remb = RTCPREMB(senderSSRC: 9, bitrate: 2_500_000, ssrcs: [1, 2, 3])
        #expect(try RTCPPacket.parseCompound(RTCPPacket.remb(remb).serialized()) == [.remb(remb)])
    }

    @Test func otherApplicationFeedbackIsUnknown() throws {
        var bytes = RTPFixtures.remb
        bytes[12] = 0x58  // "XEMB"
        #expect(try RTCPPacket.parseCompound(bytes) == [.unknown(packetType: 206, bytes: bytes)])
    }

    @Test func rembSSRCCountBeyondThePacketIsAnError() {
        var bytes = RTPFixtures.remb
        bytes[16] = 2  // claims two SSRCs, carries one
        #expect(throws: RTCPParseError.truncatedBody(offset: 0, packetType: 206, needed: 24, available: 20)) {
            try RTCPPacket.parseCompound(bytes)
        }
    }

    @Test func transportCCGolden() throws {
        let packets = try RTCPPacket.parseCompound(RTPFixtures.transportCC)
        guard case .transportCC(let feedback) = packets.first, packets.count == 1 else {
            Issue.record("expected one transport-cc, got \(packets)")
            return
        }
        #expect(feedback.senderSSRC == 1 && feedback.mediaSSRC == 2)
        #expect(feedback.baseSequenceNumber == 10 && feedback.packetStatusCount == 4)
        #expect(feedback.referenceTime == -2 && feedback.feedbackPacketCount == 7)
        #expect(feedback.packetStatuses() == [
            .init(sequenceNumber: 10, receiveDelta: .milliseconds(1)),
            .init(sequenceNumber: 11, receiveDelta: nil),
            .init(sequenceNumber: 12, receiveDelta: .milliseconds(-1)),
            .init(sequenceNumber: 13, receiveDelta: .milliseconds(2)),
        ])
        #expect(RTCPPacket.serializeCompound(packets) == RTPFixtures.transportCC)
    }

    @Test func transportCCRunLengthAndOneBitChunks() {
        let chunks: [UInt8] = [
            0x20, 0x03,  // run length: T=0, symbol 01 (small delta), run 3
            0xA0, 0x00,  // 1-bit status vector: T=1 S=0, symbols 1 0 0 … (only 2 used)
            0x01, 0x02, 0x03, 0x04,  // four small deltas (×250 µs)
        ]
        let feedback = RTCPTransportCC(
            senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 65534, packetStatusCount: 5, referenceTime: 0,
            feedbackPacketCount: 0, chunksAndDeltas: chunks)
        #expect(feedback.packetStatuses() == [
            .init(sequenceNumber: 65534, receiveDelta: .microseconds(250)),
            .init(sequenceNumber: 65535, receiveDelta: .microseconds(500)),
            .init(sequenceNumber: 0, receiveDelta: .microseconds(750)),
            .init(sequenceNumber: 1, receiveDelta: .microseconds(1000)),
            .init(sequenceNumber: 2, receiveDelta: nil),
        ])
    }

    @Test func transportCCMalformedChunksDecodeToNil() {
        func statuses(count: UInt16, _ chunks: [UInt8]) -> [RTCPTransportCC.PacketStatus]? {
            RTCPTransportCC(
                senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 0, packetStatusCount: count, referenceTime: 0,
                feedbackPacketCount: 0, chunksAndDeltas: chunks
            ).packetStatuses()
        }
        #expect(statuses(count: 1, []) == nil, "no chunk")
        #expect(statuses(count: 1, [0x20, 0x01]) == nil, "small delta missing")
        #expect(statuses(count: 1, [0x60, 0x01, 0x00, 0x00]) == nil, "reserved symbol 11")
        #expect(statuses(count: 1, [0x40, 0x01, 0x00]) == nil, "large delta cut short")
        #expect(statuses(count: 0, []) == [])
    }

    @Test func feedbackBodyShorterThanTwoSSRCs() {
        let bytes: [UInt8] = [0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1]  // PLI with sender SSRC only
        #expect(throws: RTCPParseError.truncatedBody(offset: 0, packetType: 206, needed: 8, available: 4)) {
            try RTCPPacket.parseCompound(bytes)
        }
    }

    @Test func feedbackCompoundRoundTrip() throws {
        let packets: [RTCPPacket] = [
            .receiverReport(RTCPReceiverReport(ssrc: 1, reportBlocks: [RTCPReportBlock(ssrc: 2, fractionLost: 3)])),
            .nack(RTCPNack(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [5, 6, 30])),
            .pli(RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: 2)),
            .fir(RTCPFullIntraRequest(senderSSRC: 1, entries: [.init(ssrc: 2, sequenceNumber: 1), .init(ssrc: 3, sequenceNumber: 9)])),
            .remb(RTCPREMB(senderSSRC: 1, bitrate: 300_000, ssrcs: [2, 3])),
            .bye(RTCPBye(ssrcs: [1], reason: "bye")),
        ]
        let bytes = RTCPPacket.serializeCompound(packets)
        #expect(try RTCPPacket.parseCompound(bytes) == packets)
        #expect(RTCPPacket.serializeCompound(try RTCPPacket.parseCompound(bytes)) == bytes)
    }
}
