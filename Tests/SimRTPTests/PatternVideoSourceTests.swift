import SimCore
import SimRTP
import Testing

@Suite struct PatternVideoSourceTests {
    static let ssrc: SSRC = 0x1122_3344

    static func configuration(
        maxPayloadSize: Int = 1_100, firstSequenceNumber: UInt16 = 1_000, firstTimestamp: UInt32 = 5_000,
        firstPictureID: UInt16 = 100
    ) -> PatternVideoSource.Configuration {
        .init(
            ssrc: ssrc, payloadType: 96, maxPayloadSize: maxPayloadSize, firstSequenceNumber: firstSequenceNumber,
            firstTimestamp: firstTimestamp, firstPictureID: firstPictureID)
    }

    static func vp8(_ configuration: PatternVideoSource.Configuration = configuration()) throws -> PatternVideoSource {
        try PatternVideoSource(ivf: PatternFixture.ivf(), configuration: configuration)
    }

    static func h264(_ configuration: PatternVideoSource.Configuration = configuration()) throws -> PatternVideoSource {
        try PatternVideoSource(h264: PatternFixture.accessUnits(), configuration: configuration)
    }

    /// Two and a half loops of VP8: every packet parses with our SSRC and payload type, sequence numbers have
    /// no gaps, timestamps advance 3,000 per frame, the marker ends each frame, the PictureID counts frames,
    /// and the payloads reassemble to the fixture frame.
    @Test(arguments: [300, 1_100])
    func vp8PacketsAcrossLoops(maxPayloadSize: Int) throws {
        let source = try Self.vp8(Self.configuration(maxPayloadSize: maxPayloadSize))
        let frames = try PatternFixture.ivf().frames
        var expectedSequence: UInt16 = 1_000
        for n in 0..<150 {
            let packets = try source.packets(forFrame: n).map { try RTPPacket(parsing: $0) }
            #expect(packets.count == source.packetCount(forFrame: n))
            #expect(packets.map(\.sequenceNumber) == (0..<packets.count).map { expectedSequence &+ UInt16($0) }, "frame \(n)")
            expectedSequence &+= UInt16(packets.count)
            #expect(packets.allSatisfy { $0.ssrc == Self.ssrc && $0.payloadType == 96 && $0.csrcCount == 0 && !$0.hasExtension })
            #expect(packets.allSatisfy { $0.timestamp == UInt32(5_000 + 3_000 * n) }, "frame \(n)")
            #expect(packets.map(\.marker) == Array(repeating: false, count: packets.count - 1) + [true], "frame \(n)")
            let pictureID = UInt16(100 + n)
            let pictureIDBytes: [UInt8] = [0x80 | UInt8(pictureID >> 8), UInt8(pictureID & 0xFF)]  // M=1, 15 bits
            #expect(packets.allSatisfy { Array($0.payload.prefix(4).dropFirst(2)) == pictureIDBytes }, "frame \(n)")
            let payloads = packets.map { Array($0.payload) }
            #expect(Depacketizer.vp8(payloads) == Array(frames[n % 60].data), "frame \(n)")
            #expect(
                KeyframeDetector.isKeyframeStart(payload: payloads[0], codec: .vp8) == source.isKeyframe(n), "frame \(n)")
            #expect(payloads.dropFirst().allSatisfy { !KeyframeDetector.isKeyframeStart(payload: $0, codec: .vp8) })
        }
    }

    @Test func h264PacketsAcrossLoops() throws {
        let source = try Self.h264(Self.configuration(maxPayloadSize: 500))
        let units = try PatternFixture.accessUnits()
        var expectedSequence: UInt16 = 1_000
        for n in 0..<130 {
            let packets = try source.packets(forFrame: n).map { try RTPPacket(parsing: $0) }
            #expect(packets.map(\.sequenceNumber) == (0..<packets.count).map { expectedSequence &+ UInt16($0) }, "frame \(n)")
            expectedSequence &+= UInt16(packets.count)
            #expect(packets.allSatisfy { $0.timestamp == UInt32(5_000 + 3_000 * n) }, "frame \(n)")
            #expect(packets.map(\.marker) == Array(repeating: false, count: packets.count - 1) + [true], "frame \(n)")
            let payloads = packets.map { Array($0.payload) }
            #expect(Depacketizer.h264(payloads) == units[n % 60].nalUnits.map(Array.init), "frame \(n)")
            #expect(KeyframeDetector.isKeyframeStart(payload: payloads[0], codec: .h264) == source.isKeyframe(n))
        }
    }

    @Test func sequenceNumbersWrapAt65536() throws {
        let source = try Self.vp8(Self.configuration(maxPayloadSize: 300, firstSequenceNumber: 65_530))
        let sequence = try (0..<6).flatMap { try source.packets(forFrame: $0).map { try RTPPacket(parsing: $0).sequenceNumber } }
        #expect(sequence.count > 6)
        #expect(sequence == (0..<sequence.count).map { 65_530 &+ UInt16($0) })
        #expect(sequence.contains(65_535) && sequence.contains(0))
    }

    /// The closed form for a frame's first sequence number matches counting packets one by one, far enough
    /// to wrap the 16-bit space several times.
    @Test func firstSequenceNumberMatchesCounting() throws {
        let source = try Self.vp8(Self.configuration(maxPayloadSize: 50, firstSequenceNumber: 60_000))
        #expect(source.packetsPerLoop == (0..<60).reduce(0) { $0 + source.packetCount(forFrame: $1) })
        var counted: UInt16 = 60_000
        var wraps = 0
        for n in 0..<60_000 {
            #expect(source.firstSequenceNumber(forFrame: n) == counted, "frame \(n)")
            let (next, overflow) = counted.addingReportingOverflow(UInt16(source.packetCount(forFrame: n)))
            counted = next
            if overflow { wraps += 1 }
        }
        #expect(wraps >= 3)
    }

    @Test func timestampsWrapAt2To32() throws {
        let source = try Self.vp8(Self.configuration(firstTimestamp: UInt32.max - 3_999))
        #expect((0..<4).map(source.rtpTimestamp(forFrame:)) == [UInt32.max - 3_999, UInt32.max - 999, 2_000, 5_000])
        let packets = try source.packets(forFrame: 2).map { try RTPPacket(parsing: $0) }
        #expect(packets.allSatisfy { $0.timestamp == 2_000 })
    }

    /// 11 fps: 90000 / 11 is not whole, so timestamps follow ⌊n · 90000 / 11⌋ rather than n · ⌊90000 / 11⌋.
    @Test func unevenFrameRate() throws {
        var configuration = Self.configuration(firstTimestamp: 0)
        configuration.framesPerSecond = 11
        let source = try Self.vp8(configuration)
        #expect(
            (0...11).map(source.rtpTimestamp(forFrame:))
                == [0, 8_181, 16_363, 24_545, 32_727, 40_909, 49_090, 57_272, 65_454, 73_636, 81_818, 90_000])
        // ⌊1,000,001 · 90000 / 11⌋ mod 2^32.
        #expect(source.rtpTimestamp(forFrame: 1_000_001) == 3_886_859_067)
        #expect(source.presentationTime(forFrame: 1) == .nanoseconds(90_909_090))
        #expect(source.presentationTime(forFrame: 23) == .seconds(2) + .nanoseconds(90_909_090))
    }

    @Test func presentationTimeAt30fps() throws {
        let source = try Self.vp8()
        #expect(source.presentationTime(forFrame: 0) == .zero)
        #expect(source.presentationTime(forFrame: 1) == .nanoseconds(33_333_333))
        #expect(source.presentationTime(forFrame: 30) == .seconds(1))
        #expect(source.presentationTime(forFrame: 108_001) == .seconds(3_600) + .nanoseconds(33_333_333))
    }

    @Test func pictureIDWrapsAt2To15() throws {
        let source = try Self.vp8(Self.configuration(firstPictureID: 0x7FFE))
        #expect((0..<3).map(source.pictureID(forFrame:)) == [0x7FFE, 0x7FFF, 0x0000])
        let payload = try RTPPacket(parsing: source.packets(forFrame: 2)[0]).payload
        #expect(Array(payload.prefix(4)) == [0x90, 0x80, 0x80, 0x00])
    }

    @Test func keyframeSchedule() throws {
        for source in [try Self.vp8(), try Self.h264()] {
            #expect(source.frameCount == 60)
            #expect((0..<180).filter(source.isKeyframe) == [0, 30, 60, 90, 120, 150], "\(source.codec)")
            #expect(
                [0, 1, 29, 30, 31, 59, 60, 61, 1_000].map(source.nextKeyframe(atOrAfter:))
                    == [0, 30, 30, 30, 60, 60, 60, 90, 1_020])
            for n in 0..<180 {
                let next = source.nextKeyframe(atOrAfter: n)
                #expect(next >= n && source.isKeyframe(next) && !(n..<next).contains(where: source.isKeyframe), "frame \(n)")
            }
        }
    }

    @Test func configurationErrors() throws {
        let file = try PatternFixture.ivf()
        var wrongCodec = file
        wrongCodec.header.fourCC = "VP90"
        #expect(throws: PatternVideoSourceError.unsupportedFourCC("VP90")) {
            try PatternVideoSource(ivf: wrongCodec, configuration: Self.configuration())
        }
        #expect(throws: PatternVideoSourceError.noFrames) {
            try PatternVideoSource(vp8Frames: [], configuration: Self.configuration())
        }
        var configuration = Self.configuration()
        configuration.payloadType = 128
        #expect(throws: PatternVideoSourceError.payloadTypeOutOfRange(128)) { try Self.vp8(configuration) }
        configuration = Self.configuration()
        configuration.framesPerSecond = 0
        #expect(throws: PatternVideoSourceError.framesPerSecondOutOfRange(0)) { try Self.vp8(configuration) }
        #expect(throws: PatternVideoSourceError.packetizer(.maxPayloadSizeTooSmall(4, minimum: 5))) {
            try Self.vp8(Self.configuration(maxPayloadSize: 4))
        }
        #expect(throws: PatternVideoSourceError.packetizer(.maxPayloadSizeTooSmall(2, minimum: 3))) {
            try Self.h264(Self.configuration(maxPayloadSize: 2))
        }
    }

    @Test func vp8FrameErrors() throws {
        let frames = try PatternFixture.ivf().frames.map(\.data)
        #expect(throws: PatternVideoSourceError.firstFrameNotKeyframe) {
            try PatternVideoSource(vp8Frames: Array(frames.dropFirst()), configuration: Self.configuration())
        }
        var hidden = frames
        var bytes = Array(hidden[1])
        bytes[0] &= ~0x10  // show_frame = 0
        hidden[1] = bytes[...]
        #expect(throws: PatternVideoSourceError.hiddenFrame(index: 1)) {
            try PatternVideoSource(vp8Frames: hidden, configuration: Self.configuration())
        }
        var empty = frames
        empty[3] = []
        #expect(throws: PatternVideoSourceError.frame(index: 3, .emptyFrame)) {
            try PatternVideoSource(vp8Frames: empty, configuration: Self.configuration())
        }
    }

    @Test func h264AccessUnitErrors() throws {
        let units = try PatternFixture.accessUnits()
        #expect(throws: PatternVideoSourceError.firstFrameNotKeyframe) {
            try PatternVideoSource(h264: Array(units.dropFirst()), configuration: Self.configuration())
        }
        var withoutSPS = units
        withoutSPS[30].nalUnits.removeFirst()
        #expect(throws: PatternVideoSourceError.keyframeWithoutParameterSets(index: 30)) {
            try PatternVideoSource(h264: withoutSPS, configuration: Self.configuration())
        }
        var withoutSlice = units
        withoutSlice[1].nalUnits = Array(units[0].nalUnits.prefix(2))  // SPS and PPS only
        #expect(throws: PatternVideoSourceError.accessUnitWithoutPicture(index: 1)) {
            try PatternVideoSource(h264: withoutSlice, configuration: Self.configuration())
        }
        var emptyNAL = units
        emptyNAL[2].nalUnits.append([])
        #expect(throws: PatternVideoSourceError.frame(index: 2, .emptyNALUnit(index: 1))) {
            try PatternVideoSource(h264: emptyNAL, configuration: Self.configuration())
        }
    }
}
