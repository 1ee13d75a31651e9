import SimRTP
import Testing

@Suite struct VP8PacketizerTests {
    /// A 2,500-byte keyframe: a valid header, then a counting body.
    static let bigKeyframe: [UInt8] = {
        var frame: [UInt8] = [0x90, 0x0C, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01]
        frame += (0..<2_490).map { UInt8(truncatingIfNeeded: $0) }
        return frame
    }()

    @Test func descriptorBytes() throws {
        let packetized = try VP8Packetizer(maxPayloadSize: 1_000).packetize(Self.bigKeyframe, pictureID: 0x1234)
        #expect(packetized.isKeyframe)
        // 2,500 bytes at ≤ 996 per payload → 3 payloads of 833, 833, 834 frame bytes.
        #expect(packetized.payloads.map(\.count) == [837, 837, 838])
        #expect(packetized.payloads[0].prefix(4) == [0x90, 0x80, 0x92, 0x34])  // X S | I | M, 0x1234
        #expect(packetized.payloads[1].prefix(4) == [0x80, 0x80, 0x92, 0x34])  // X   | I | M, 0x1234
        #expect(packetized.payloads[2].prefix(4) == [0x80, 0x80, 0x92, 0x34])
        #expect(Array(packetized.payloads[0][4...]) == Array(Self.bigKeyframe[0..<833]))
    }

    @Test func pictureIDKeepsFifteenBits() throws {
        let packetized = try VP8Packetizer(maxPayloadSize: 1_200).packetize(Self.bigKeyframe, pictureID: 0xFFFE)
        #expect(packetized.payloads.allSatisfy { $0[2] == 0xFF && $0[3] == 0xFE })
        let wrapped = try VP8Packetizer(maxPayloadSize: 1_200).packetize(Self.bigKeyframe, pictureID: 0x8001)
        #expect(wrapped.payloads.allSatisfy { $0[2] == 0x80 && $0[3] == 0x01 })
    }

    @Test func keyframeFromThePBit() throws {
        let packetizer = try VP8Packetizer(maxPayloadSize: 1_200)
        #expect(try packetizer.packetize(VP8FrameHeaderTests.keyframe, pictureID: 0).isKeyframe)
        #expect(try !packetizer.packetize(VP8FrameHeaderTests.interframe, pictureID: 0).isKeyframe)
        let frames = try PatternFixture.ivf().frames
        let keyframes = try frames.indices.filter { try packetizer.packetize(frames[$0].data, pictureID: 0).isKeyframe }
        #expect(keyframes == PatternFixture.keyframes)
    }

    /// Every fixture frame at several payload sizes: sizes within the limit and balanced, S on the first
    /// payload only, and the payloads reassemble to the frame.
    @Test(arguments: [5, 6, 50, 300, 1_100, 1_200, 5_000])
    func fixtureFramesRoundTrip(maxPayloadSize: Int) throws {
        let packetizer = try VP8Packetizer(maxPayloadSize: maxPayloadSize)
        for (index, frame) in try PatternFixture.ivf().frames.enumerated() {
            let payloads = try packetizer.packetize(frame.data, pictureID: UInt16(index)).payloads
            let capacity = maxPayloadSize - 4
            #expect(payloads.count == (frame.data.count + capacity - 1) / capacity, "frame \(index)")
            let sizes = payloads.map(\.count)
            #expect(sizes.max()! <= maxPayloadSize, "frame \(index)")
            #expect(sizes.max()! - sizes.min()! <= 1, "frame \(index)")
            #expect(payloads.map { $0[0] & 0x10 != 0 } == [true] + Array(repeating: false, count: payloads.count - 1))
            #expect(payloads.allSatisfy { $0[0] & 0x07 == 0 && $0[1] == 0x80 })  // PID 0, only I
            #expect(Depacketizer.vp8(payloads) == Array(frame.data), "frame \(index)")
        }
    }

    /// The existing keyframe detector sees our first keyframe payload as a keyframe start and nothing else.
    @Test func keyframeDetectorAgrees() throws {
        let packetizer = try VP8Packetizer(maxPayloadSize: 300)
        for (index, frame) in try PatternFixture.ivf().frames.enumerated() {
            let payloads = try packetizer.packetize(frame.data, pictureID: 7).payloads
            let starts = payloads.map { KeyframeDetector.isKeyframeStart(payload: $0, codec: .vp8) }
            let expected = [PatternFixture.keyframes.contains(index)] + Array(repeating: false, count: payloads.count - 1)
            #expect(starts == expected, "frame \(index)")
        }
    }

    @Test func errors() throws {
        #expect(throws: PacketizerError.maxPayloadSizeTooSmall(4, minimum: 5)) { try VP8Packetizer(maxPayloadSize: 4) }
        let packetizer = try VP8Packetizer(maxPayloadSize: 100)
        #expect(throws: PacketizerError.emptyFrame) { try packetizer.packetize([], pictureID: 0) }
        #expect(throws: PacketizerError.malformedVP8Frame(.tooShort(length: 2, needed: 3))) {
            try packetizer.packetize([0x01, 0x00], pictureID: 0)
        }
    }
}
