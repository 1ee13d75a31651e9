import SimRTP
import Testing

@Suite struct VP8FrameHeaderTests {
    /// RFC 6386 §9.1 keyframe: tag |size 100|show 1|version 0|P 0| = 0x000C90 little-endian, start code,
    /// width 640 (with horizontal scale bits 01), height 360, then the 100-byte first partition.
    static let keyframe: [UInt8] = [0x90, 0x0C, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x42, 0x68, 0x01] + Array(repeating: 0, count: 100)
    /// Interframe: tag |size 5|show 1|version 1|P 1| = 0xB3, then the 5-byte first partition.
    static let interframe: [UInt8] = [0xB3, 0x00, 0x00, 1, 2, 3, 4, 5]

    @Test func keyframeHeader() throws {
        let header = try VP8FrameHeader(parsing: Self.keyframe)
        #expect(
            header
                == VP8FrameHeader(
                    isKeyframe: true, version: 0, showFrame: true, firstPartitionSize: 100, width: 640, height: 360))
        #expect(header.length == 10)
    }

    @Test func interframeHeader() throws {
        let header = try VP8FrameHeader(parsing: Self.interframe)
        #expect(
            header
                == VP8FrameHeader(
                    isKeyframe: false, version: 1, showFrame: true, firstPartitionSize: 5, width: nil, height: nil))
        #expect(header.length == 3)
    }

    @Test func hiddenFrame() throws {
        var bytes = Self.interframe
        bytes[0] &= ~0x10
        #expect(try VP8FrameHeader(parsing: bytes).showFrame == false)
    }

    @Test(arguments: [
        ([0x90, 0x0C], VP8FrameHeaderParseError.tooShort(length: 2, needed: 3)),
        (Array(keyframe[0..<9]), .tooShort(length: 9, needed: 10)),
        ([0x90, 0x0C, 0x00, 0x9D, 0x01, 0x2B, 0x80, 0x02, 0x68, 0x01], .badStartCode([0x9D, 0x01, 0x2B])),
        (Array(keyframe[0..<109]), .firstPartitionOverrun(size: 100, available: 99)),
        (Array(interframe[0..<7]), .firstPartitionOverrun(size: 5, available: 4)),
    ] as [([UInt8], VP8FrameHeaderParseError)])
    func errors(bytes: [UInt8], error: VP8FrameHeaderParseError) {
        #expect(throws: error) { try VP8FrameHeader(parsing: bytes) }
    }
}
