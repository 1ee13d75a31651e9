import SimRTP
import Testing

@Suite struct RTPRewritingTests {
    @Test func headerFieldsInPlace() throws {
        var bytes = RTPFixtures.oneByteFull
        do { let ok = RTPPacket.setSequenceNumber(0x0102, in: &bytes); #expect(ok) }
        do { let ok = RTPPacket.setTimestamp(0xCAFE_F00D, in: &bytes); #expect(ok) }
        do { let ok = RTPPacket.setSSRC(0x5555_6666, in: &bytes); #expect(ok) }
        do { let ok = RTPPacket.setPayloadType(100, in: &bytes); #expect(ok) }
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.sequenceNumber == 0x0102 && packet.timestamp == 0xCAFE_F00D && packet.ssrc == 0x5555_6666)
        #expect(packet.payloadType == 100 && packet.marker, "the marker bit survives a payload type change")
        do { let ok = RTPPacket.setMarker(false, in: &bytes); #expect(ok) }
        let unmarked = try RTPPacket(parsing: bytes)
        #expect(!unmarked.marker && unmarked.payloadType == 100)
        // Everything after the fixed header is untouched.
        #expect(bytes[12...] == RTPFixtures.oneByteFull[12...])
        #expect(bytes.count == RTPFixtures.oneByteFull.count)
    }

    @Test func rewritersRefuseNonRTP() {
        var short: [UInt8] = [0x80, 0x60, 0x00]
        do { let ok = RTPPacket.setSequenceNumber(1, in: &short); #expect(!ok) }
        var badVersion = RTPFixtures.minimal
        badVersion[0] = 0x40
        let before = badVersion
        do { let ok = RTPPacket.setSSRC(1, in: &badVersion); #expect(!ok) }
        do { let ok = RTPPacket.removeHeaderExtension(id: 1, in: &badVersion); #expect(!ok) }
        #expect(badVersion == before)
    }

    @Test func rewriteOneByteID() throws {
        var bytes = RTPFixtures.oneByteFull
        do { let ok = RTPPacket.rewriteHeaderExtensionID(2, to: 9, in: &bytes); #expect(ok) }
        #expect(bytes[26] == 0x91, "id 9, length nibble kept")
        let packet = try RTPPacket(parsing: bytes)
        #expect(Array(packet.headerExtensions).map(\.id) == [1, 9])
        #expect(packet.headerExtension(id: 9).map(Array.init) == [0xCD, 0xEF])
    }

    @Test func rewriteTwoByteID() throws {
        var bytes = RTPFixtures.twoByte
        do { let ok = RTPPacket.rewriteHeaderExtensionID(32, to: 200, in: &bytes); #expect(ok) }
        let packet = try RTPPacket(parsing: bytes)
        #expect(Array(packet.headerExtensions).map(\.id) == [5, 200])
        #expect(packet.headerExtension(id: 200).map(Array.init) == [1, 2, 3])
    }

    @Test func idThatDoesNotFitOneByteIsRemoved() throws {
        var bytes = RTPFixtures.oneByteFull
        do { let ok = RTPPacket.rewriteHeaderExtensionID(1, to: 15, in: &bytes); #expect(ok) }
        #expect(bytes[24...25] == [0x00, 0x00])
        #expect(Array(try RTPPacket(parsing: bytes).headerExtensions).map(\.id) == [2])
    }

    @Test func removeKeepsLengthAndOtherElements() throws {
        var bytes = RTPFixtures.oneByteFull
        do { let ok = RTPPacket.removeHeaderExtension(id: 2, in: &bytes); #expect(ok) }
        #expect(bytes.count == RTPFixtures.oneByteFull.count)
        #expect(bytes[26...28] == [0, 0, 0])
        let packet = try RTPPacket(parsing: bytes)
        #expect(Array(packet.headerExtensions).map(\.id) == [1])
        #expect(Array(packet.payload) == [0x99, 0x98])

        var twoByte = RTPFixtures.twoByte
        do { let ok = RTPPacket.removeHeaderExtension(id: 5, in: &twoByte); #expect(ok) }
        #expect(Array(try RTPPacket(parsing: twoByte).headerExtensions).map(\.id) == [32])
    }

    @Test func remapInOnePass() throws {
        var bytes = RTPFixtures.oneByteFull
        // Swap ids 1 and 2: a single pass must not rewrite an element twice.
        do { let ok = RTPPacket.remapHeaderExtensionIDs(in: &bytes) { $0 == 1 ? 2 : $0 == 2 ? 1 : $0 }; #expect(ok) }
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.headerExtension(id: 2).map(Array.init) == [0xAB])
        #expect(packet.headerExtension(id: 1).map(Array.init) == [0xCD, 0xEF])
    }

    @Test func remapWithoutExtensionIsANoOp() {
        var bytes = RTPFixtures.minimal
        do { let ok = RTPPacket.remapHeaderExtensionIDs(in: &bytes) { _ in nil }; #expect(ok) }
        #expect(bytes == RTPFixtures.minimal)
    }
}

@Suite struct BlankHeaderExtensionsTests {
    @Test func blanksElementsOfACopyKeepingLengthAndPayload() throws {
        let header = try RTPPacket(parsing: RTPFixtures.oneByteFull)
        var copy = RTPFixtures.oneByteFull
        #expect(RTPPacket.blankHeaderExtensions(of: header, in: &copy))
        let blanked = try RTPPacket(parsing: copy)
        #expect(copy.count == RTPFixtures.oneByteFull.count)
        #expect(Array(blanked.headerExtensions).isEmpty)
        #expect(blanked.payload == header.payload && blanked.csrcs == header.csrcs)
    }

    @Test func worksOnASliceAndLeavesOpaqueExtensionsAlone() throws {
        let padded = [0xEE, 0xEE] + RTPFixtures.twoByte
        let header = try RTPPacket(parsing: padded[2...])
        var copy = RTPFixtures.twoByte
        #expect(RTPPacket.blankHeaderExtensions(of: header, in: &copy))
        #expect(Array(try RTPPacket(parsing: copy).headerExtensions).isEmpty)
        // Profile 0x1234 is not RFC 8285: its data is opaque and kept.
        var opaque: [UInt8] = [0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0, 1, 0xAA, 0xBB, 0xCC, 0xDD, 0xFF]
        let opaqueHeader = try RTPPacket(parsing: opaque)
        let before = opaque
        #expect(RTPPacket.blankHeaderExtensions(of: opaqueHeader, in: &opaque))
        #expect(opaque == before)
        var short: [UInt8] = Array(RTPFixtures.oneByteFull.prefix(14))
        #expect(!RTPPacket.blankHeaderExtensions(of: try RTPPacket(parsing: RTPFixtures.oneByteFull), in: &short))
    }
}
