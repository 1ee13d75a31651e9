import SimRTP
import Testing

@Suite struct H264AnnexBParserTests {
    @Test func nalUnitsWithThreeAndFourByteStartCodes() throws {
        let stream: [UInt8] = [
            0x00, 0x00, 0x00, 0x01, 0x67, 0x42,  // 4-byte start code, SPS
            0x00, 0x00, 0x01, 0x68, 0xCE,  // 3-byte start code, PPS
            0x00, 0x00, 0x00, 0x01, 0x65, 0x88, 0x00, 0x00,  // IDR, then trailing zero bytes
        ]
        let units = try H264AnnexBParser.nalUnits(in: stream)
        #expect(units.map(Array.init) == [[0x67, 0x42], [0x68, 0xCE], [0x65, 0x88]])
        #expect(units.map(\.startIndex) == [4, 9, 15])
    }

    @Test func extraLeadingZerosAreAllowed() throws {
        let units = try H264AnnexBParser.nalUnits(in: [0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09, 0xF0])
        #expect(units.map(Array.init) == [[0x09, 0xF0]])
    }

    @Test(arguments: [
        ([UInt8](), H264AnnexBParseError.missingStartCode),
        ([0x67, 0x42], .missingStartCode),
        ([0x00, 0x01, 0x67], .missingStartCode),
        ([0x00, 0x00, 0x00], .missingStartCode),
        ([0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x67], .emptyNALUnit(offset: 3)),
        ([0x00, 0x00, 0x01, 0x67, 0x00, 0x00, 0x01], .emptyNALUnit(offset: 7)),
        ([0x00, 0x00, 0x01, 0x67, 0x00, 0x00, 0x01, 0xE5, 0x88], .forbiddenBitSet(offset: 7)),
        ([0x00, 0x00, 0x01, 0x65], .truncatedSlice(offset: 3)),
    ] as [([UInt8], H264AnnexBParseError)])
    func errors(bytes: [UInt8], error: H264AnnexBParseError) {
        #expect(throws: error) { try H264AnnexBParser.accessUnits(in: bytes) }
    }

    /// §7.4.1.2.3: a slice with first_mb_in_slice 0 (first header bit 1) or a parameter set after a slice
    /// starts the next access unit; a second slice of the same picture (first bit 0) does not.
    @Test func accessUnitBoundaries() throws {
        let stream: [UInt8] = [
            0x00, 0x00, 0x00, 0x01, 0x67, 0x42,  // SPS
            0x00, 0x00, 0x00, 0x01, 0x68, 0xCE,  // PPS
            0x00, 0x00, 0x00, 0x01, 0x65, 0x88,  // IDR slice, first_mb_in_slice 0
            0x00, 0x00, 0x00, 0x01, 0x65, 0x40,  // IDR slice, first_mb_in_slice ≠ 0: same picture
            0x00, 0x00, 0x00, 0x01, 0x41, 0x9A,  // non-IDR slice, first_mb 0: next picture
            0x00, 0x00, 0x00, 0x01, 0x06, 0x05,  // SEI: next picture
            0x00, 0x00, 0x00, 0x01, 0x41, 0x9A,  // … whose slice follows
        ]
        let units = try H264AnnexBParser.accessUnits(in: stream)
        #expect(units.map(\.nalTypes) == [[7, 8, 5, 5], [1], [6, 1]])
        #expect(units.map(\.isKeyframe) == [true, false, false])
        #expect(units.map(\.hasParameterSets) == [true, false, false])
    }

    @Test func realFixture() throws {
        let units = try PatternFixture.accessUnits()
        #expect(units.count == PatternFixture.frameCount)
        #expect(units.indices.filter { units[$0].isKeyframe } == PatternFixture.keyframes)
        for index in units.indices {
            let expected: [UInt8] = PatternFixture.keyframes.contains(index) ? [7, 8, 5] : [1]
            #expect(units[index].nalTypes == expected, "access unit \(index)")
        }
        // H.264 §7.4.1: a NAL unit never ends in a zero byte (start-code zeros are not part of it).
        #expect(units.allSatisfy { $0.nalUnits.allSatisfy { $0.last != 0 } })
        // SPS: profile_idc 66 (baseline), constraint_set0+1 (constrained baseline), level 3.1.
        #expect(Array(units[0].nalUnits[0].prefix(4)) == [0x67, 0x42, 0xC0, 0x1F])
    }
}
