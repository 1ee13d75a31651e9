import SimRTP
import Testing

@Suite struct RTPPacketTests {
    @Test func minimalHeader() throws {
        let packet = try RTPPacket(parsing: RTPFixtures.minimal)
        #expect(!packet.hasPadding && !packet.hasExtension && !packet.marker)
        #expect(packet.csrcCount == 0 && packet.csrcs.isEmpty)
        #expect(packet.payloadType == 96)
        #expect(packet.sequenceNumber == 0x1234)
        #expect(packet.timestamp == 4000)
        #expect(packet.ssrc == SSRC(0xDEAD_BEEF))
        #expect(packet.headerExtensionProfile == nil)
        #expect(Array(packet.headerExtensions).isEmpty)
        #expect(Array(packet.payload) == [1, 2, 3])
        #expect(packet.headerLength == 12 && packet.paddingLength == 0)
        #expect(packet.serialized() == RTPFixtures.minimal)
    }

    @Test func oneByteExtensionsCSRCsAndPadding() throws {
        let packet = try RTPPacket(parsing: RTPFixtures.oneByteFull)
        #expect(packet.hasPadding && packet.hasExtension && packet.marker)
        #expect(packet.payloadType == 96 && packet.sequenceNumber == 65535 && packet.timestamp == 0x0102_0304)
        #expect(packet.ssrc == 0x1122_3344)
        #expect(packet.csrcs == [0xAAAA_AAAA, 0xBBBB_BBBB])
        #expect(packet.headerExtensionProfile == .oneByte)
        let elements = Array(packet.headerExtensions)
        #expect(elements.map(\.id) == [1, 2])
        #expect(elements.map { Array($0.data) } == [[0xAB], [0xCD, 0xEF]])
        #expect(packet.headerExtension(id: 2).map(Array.init) == [0xCD, 0xEF])
        #expect(packet.headerExtension(id: 3) == nil)
        #expect(Array(packet.payload) == [0x99, 0x98])
        #expect(packet.paddingLength == 3)
        #expect(packet.serialized() == RTPFixtures.oneByteFull)
    }

    @Test func twoByteExtensions() throws {
        let packet = try RTPPacket(parsing: RTPFixtures.twoByte)
        #expect(packet.headerExtensionProfile == .twoByte(appBits: 0))
        let elements = Array(packet.headerExtensions)
        #expect(elements == [
            RTPHeaderExtensionElement(id: 5, data: []), RTPHeaderExtensionElement(id: 32, data: [1, 2, 3]),
        ])
        #expect(Array(packet.payload) == [0xFF])
    }

    @Test func parsesAViewIntoASlice() throws {
        let buffer: [UInt8] = [0xEE, 0xEE] + RTPFixtures.oneByteFull + [0xEE]
        let slice = buffer[2..<(buffer.count - 1)]
        let packet = try RTPPacket(parsing: slice)
        #expect(packet.csrcs == [0xAAAA_AAAA, 0xBBBB_BBBB])
        #expect(Array(packet.payload) == [0x99, 0x98])
        #expect(packet.headerExtension(id: 1).map(Array.init) == [0xAB])
        #expect(packet.serialized() == RTPFixtures.oneByteFull)
    }

    @Test func otherProfileIsOpaque() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
            0x12, 0x34, 0x00, 0x01,  // profile 0x1234, 1 word
            0x10, 0xAB, 0x00, 0x00,  // would be one-byte elements, but the profile is not 0xBEDE
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.headerExtensionProfile == .other(0x1234))
        #expect(Array(packet.headerExtensions).isEmpty)
        #expect(Array(packet.headerExtensionData) == [0x10, 0xAB, 0x00, 0x00])
        #expect(packet.payload.isEmpty)
    }

    @Test func oneByteID15StopsProcessing() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
            0xBE, 0xDE, 0x00, 0x01,
            0x10, 0xAB,  // id 1
            0xF3, 0x77,  // id 15: RFC 8285 §4.2, stop here (its length nibble is ignored)
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(Array(packet.headerExtensions).map(\.id) == [1])
    }

    @Test func oneByteIDZeroIsAPaddingByte() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1,
            0xBE, 0xDE, 0x00, 0x01,
            0x00, 0x10, 0xAB, 0x00,  // padding, id 1 (1 byte), padding
        ]
        #expect(Array(try RTPPacket(parsing: bytes).headerExtensions).map(\.id) == [1])
    }

    @Test(arguments: [
        ([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0], RTPParseError.tooShort(length: 11)),
        ([0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], .badVersion(1)),
        ([0x00, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], .badVersion(0)),
        ([0x8F, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], .csrcOverrun(count: 15, length: 16)),
        ([0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE], .extensionHeaderOverrun(offset: 12, length: 14)),
        ([0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAB, 0, 0],
         .extensionOverrun(words: 2, length: 20)),
        // id 1 with L=15 claims 16 data bytes inside a 1-word extension.
        ([0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x01, 0x1F, 0xAB, 0, 0],
         .extensionElementOverrun(offset: 16)),
        // Two-byte element header cut by the end of the extension.
        ([0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07],
         .extensionElementOverrun(offset: 19)),
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x00], .paddingOverrun(padding: 0, available: 2)),
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0x03], .paddingOverrun(padding: 3, available: 2)),
    ] as [([UInt8], RTPParseError)])
    func parseErrors(bytes: [UInt8], expected: RTPParseError) {
        #expect(throws: expected) { try RTPPacket(parsing: bytes) }
    }

    @Test func paddingMayFillTheWholePayload() throws {
        let packet = try RTPPacket(parsing: [0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x04])
        #expect(packet.payload.isEmpty && packet.paddingLength == 4)
    }

    @Test func buildReproducesGoldenBytes() throws {
        let oneByte = try RTPPacket(
            payloadType: 96, sequenceNumber: 65535, timestamp: 0x0102_0304, ssrc: 0x1122_3344, marker: true,
            csrcs: [0xAAAA_AAAA, 0xBBBB_BBBB],
            headerExtensions: [.init(id: 1, data: [0xAB]), .init(id: 2, data: [0xCD, 0xEF])],
            payload: [0x99, 0x98], paddingLength: 3)
        #expect(oneByte.serialized() == RTPFixtures.oneByteFull)

        let twoByte = try RTPPacket(
            payloadType: 111, sequenceNumber: 1, timestamp: 0, ssrc: 1,
            headerExtensions: [.init(id: 5, data: []), .init(id: 32, data: [1, 2, 3])], payload: [0xFF])
        #expect(twoByte.serialized() == RTPFixtures.twoByte)

        let minimal = try RTPPacket(payloadType: 96, sequenceNumber: 0x1234, timestamp: 4000, ssrc: 0xDEAD_BEEF, payload: [1, 2, 3])
        #expect(minimal.serialized() == RTPFixtures.minimal)
    }

    @Test func buildPicksTwoByteForLongData() throws {
        let data = [UInt8](repeating: 7, count: 17)
        let packet = try RTPPacket(
            payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, headerExtensions: [.init(id: 3, data: data)],
            payload: [])
        #expect(packet.headerExtensionProfile == .twoByte(appBits: 0))
        #expect(packet.headerExtension(id: 3).map(Array.init) == data)
    }

    @Test func buildErrors() {
        #expect(throws: RTPBuildError.tooManyCSRCs(16)) {
            try RTPPacket(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1,
                          csrcs: Array(repeating: 1, count: 16), payload: [])
        }
        #expect(throws: RTPBuildError.invalidExtensionID(0)) {
            try RTPPacket(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1,
                          headerExtensions: [.init(id: 0, data: [1])], payload: [])
        }
        #expect(throws: RTPBuildError.extensionDataTooLong(id: 9, length: 256)) {
            try RTPPacket(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1,
                          headerExtensions: [.init(id: 9, data: Array(repeating: 0, count: 256))], payload: [])
        }
    }

    @Test func profileRawValues() {
        #expect(RTPHeaderExtensionProfile(rawValue: 0xBEDE) == .oneByte)
        #expect(RTPHeaderExtensionProfile(rawValue: 0x100A) == .twoByte(appBits: 0xA))
        #expect(RTPHeaderExtensionProfile(rawValue: 0x1010) == .other(0x1010))
        #expect(RTPHeaderExtensionProfile.twoByte(appBits: 0xA).rawValue == 0x100A)
    }

    @Test func ssrcDescription() {
        #expect(SSRC(0x1A).description == "0x0000001a")
    }
}
