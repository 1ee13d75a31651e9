import SimRTP
import Testing

@Suite struct H264PacketizerTests {
    @Test func singleNALUnitPackets() throws {
        let unit = H264AccessUnit(nalUnits: [[0x67, 0x42, 0xC0, 0x1F], [0x68, 0xCE], [0x65, 0x88, 0x84]])
        let packetized = try H264Packetizer(maxPayloadSize: 4).packetize(unit)
        #expect(packetized.isKeyframe)
        #expect(packetized.payloads == [[0x67, 0x42, 0xC0, 0x1F], [0x68, 0xCE], [0x65, 0x88, 0x84]])
    }

    /// RFC 6184 §5.8: a NAL unit one byte too long for a packet becomes FU-A fragments of its body.
    @Test func fuAFragments() throws {
        let nal: [UInt8] = [0x65] + Array(1...10)  // NRI 3, IDR; 10-byte body
        let packetized = try H264Packetizer(maxPayloadSize: 6).packetize(H264AccessUnit(nalUnits: [nal[...]]))
        #expect(
            packetized.payloads == [
                [0x7C, 0x85, 1, 2, 3],  // FU indicator NRI 3 type 28 | S, type 5
                [0x7C, 0x05, 4, 5, 6],
                [0x7C, 0x45, 7, 8, 9, 10],  // E
            ])
        let nonReference: [UInt8] = [0x01] + Array(1...5)  // NRI 0, non-IDR slice
        let fragments = try H264Packetizer(maxPayloadSize: 5).packetize(H264AccessUnit(nalUnits: [nonReference[...]]))
        #expect(fragments.payloads.map { Array($0.prefix(2)) } == [[0x1C, 0x81], [0x1C, 0x41]])
        #expect(!fragments.isKeyframe)
    }

    /// Every fixture access unit at several payload sizes: sizes within the limit, FU-A start and end bits
    /// right, and the payloads reassemble to the NAL units.
    @Test(arguments: [3, 4, 100, 1_100, 5_000])
    func fixtureRoundTrip(maxPayloadSize: Int) throws {
        let packetizer = try H264Packetizer(maxPayloadSize: maxPayloadSize)
        for (index, unit) in try PatternFixture.accessUnits().enumerated() {
            let payloads = try packetizer.packetize(unit).payloads
            #expect(payloads.allSatisfy { $0.count <= maxPayloadSize }, "access unit \(index)")
            #expect(Depacketizer.h264(payloads) == unit.nalUnits.map(Array.init), "access unit \(index)")
            for payload in payloads where payload[0] & 0x1F == 28 {
                #expect(payload[1] & 0xC0 != 0xC0, "access unit \(index): S and E in one fragment")
            }
            let singles = unit.nalUnits.filter { $0.count <= maxPayloadSize }.count
            let fragmented = payloads.filter { $0[0] & 0x1F == 28 }
            #expect(fragmented.filter { $0[1] & 0x80 != 0 }.count == unit.nalUnits.count - singles)
            #expect(fragmented.filter { $0[1] & 0x40 != 0 }.count == unit.nalUnits.count - singles)
        }
    }

    @Test func keyframeDetectorAgrees() throws {
        for maxPayloadSize in [100, 1_100] {
            let packetizer = try H264Packetizer(maxPayloadSize: maxPayloadSize)
            for (index, unit) in try PatternFixture.accessUnits().enumerated() {
                let payloads = try packetizer.packetize(unit).payloads
                #expect(
                    KeyframeDetector.isKeyframeStart(payload: payloads[0], codec: .h264)
                        == PatternFixture.keyframes.contains(index), "access unit \(index)")
            }
        }
    }

    @Test func errors() throws {
        #expect(throws: PacketizerError.maxPayloadSizeTooSmall(2, minimum: 3)) { try H264Packetizer(maxPayloadSize: 2) }
        let packetizer = try H264Packetizer(maxPayloadSize: 100)
        #expect(throws: PacketizerError.emptyFrame) { try packetizer.packetize(H264AccessUnit(nalUnits: [])) }
        #expect(throws: PacketizerError.emptyNALUnit(index: 1)) {
            try packetizer.packetize(H264AccessUnit(nalUnits: [[0x67, 0x42], []]))
        }
    }
}
