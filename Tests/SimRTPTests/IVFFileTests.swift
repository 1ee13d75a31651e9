import SimCore
import SimRTP
import Testing

@Suite struct IVFFileTests {
    /// A two-frame file written out by hand from the IVF layout (all little-endian).
    static let golden: [UInt8] = [
        0x44, 0x4B, 0x49, 0x46,  // "DKIF"
        0x00, 0x00,  // version 0
        0x20, 0x00,  // header length 32
        0x56, 0x50, 0x38, 0x30,  // "VP80"
        0x80, 0x02,  // width 640
        0x68, 0x01,  // height 360
        0x1E, 0x00, 0x00, 0x00,  // timebase denominator 30
        0x01, 0x00, 0x00, 0x00,  // timebase numerator 1
        0x02, 0x00, 0x00, 0x00,  // 2 frames
        0x00, 0x00, 0x00, 0x00,  // unused
        0x03, 0x00, 0x00, 0x00,  // frame 0: 3 bytes
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // timestamp 0
        0xAA, 0xBB, 0xCC,
        0x01, 0x00, 0x00, 0x00,  // frame 1: 1 byte
        0x05, 0x04, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00,  // timestamp 0x0102030405
        0xDD,
    ]

    @Test func goldenFile() throws {
        let file = try IVFFile(parsing: Self.golden)
        #expect(
            file.header
                == IVFHeader(
                    version: 0, headerLength: 32, fourCC: "VP80", width: 640, height: 360, timebaseDenominator: 30,
                    timebaseNumerator: 1, frameCount: 2))
        #expect(file.frames.map(\.timestamp) == [0, 0x01_0203_0405])
        #expect(file.frames.map { Array($0.data) } == [[0xAA, 0xBB, 0xCC], [0xDD]])
    }

    @Test func sliceWithOffsetParsesTheSame() throws {
        let shifted = ([0xFF, 0xFE] + Self.golden).dropFirst(2)
        let file = try IVFFile(parsing: shifted)
        #expect(file.frames.map { Array($0.data) } == [[0xAA, 0xBB, 0xCC], [0xDD]])
        #expect(file.frames[0].data.startIndex == 2 + 32 + 12)
    }

    @Test func longerHeaderIsSkipped() throws {
        var bytes = Self.golden
        bytes[6] = 36
        bytes.insert(contentsOf: [0xEE, 0xEE, 0xEE, 0xEE], at: 32)
        let file = try IVFFile(parsing: bytes)
        #expect(file.header.headerLength == 36)
        #expect(file.frames.map { Array($0.data) } == [[0xAA, 0xBB, 0xCC], [0xDD]])
    }

    @Test func declaredFrameCountIsNotTrusted() throws {
        var bytes = Self.golden
        bytes.replaceSubrange(24..<28, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let file = try IVFFile(parsing: bytes)
        #expect(file.header.frameCount == UInt32.max)
        #expect(file.frames.count == 2)
    }

    @Test func realFixture() throws {
        let file = try PatternFixture.ivf()
        #expect(
            file.header
                == IVFHeader(
                    version: 0, headerLength: 32, fourCC: "VP80", width: 640, height: 360, timebaseDenominator: 30,
                    timebaseNumerator: 1, frameCount: 60))
        #expect(file.frames.count == PatternFixture.frameCount)
        #expect(file.frames.map(\.timestamp) == Array(0..<60))
        let headers = try file.frames.map { try VP8FrameHeader(parsing: $0.data) }
        #expect(headers[0].isKeyframe && headers[0].width == 640 && headers[0].height == 360)
        #expect(headers.indices.filter { headers[$0].isKeyframe } == PatternFixture.keyframes)
        #expect(headers.allSatisfy { $0.showFrame })
    }

    @Test(arguments: [
        ([UInt8](), IVFParseError.headerTooShort(length: 0)),
        (Array(golden[0..<31]), .headerTooShort(length: 31)),
        ([0x52, 0x49, 0x46, 0x46] + golden[4...], .badSignature([0x52, 0x49, 0x46, 0x46])),
        (golden[0..<6] + [0x1F, 0x00] + golden[8...], .badHeaderLength(31, fileLength: 60)),
        (golden[0..<6] + [0x3D, 0x00] + golden[8...], .badHeaderLength(61, fileLength: 60)),
        (Array(golden[0..<40]), .truncatedFrameHeader(index: 0, offset: 32)),
        (Array(golden[0..<46]), .truncatedFrame(index: 0, declaredLength: 3, available: 2)),
        (Array(golden[0..<58]), .truncatedFrameHeader(index: 1, offset: 47)),
        (Array(golden[0..<59]), .truncatedFrame(index: 1, declaredLength: 1, available: 0)),
        (
            golden[0..<32] + [0xFF, 0xFF, 0xFF, 0xFF] + golden[36...],
            .truncatedFrame(index: 0, declaredLength: 0xFFFF_FFFF, available: 16)
        ),
    ] as [([UInt8], IVFParseError)])
    func errors(bytes: [UInt8], error: IVFParseError) {
        #expect(throws: error) { try IVFFile(parsing: bytes) }
    }

    /// Every prefix of the real fixture: a cut between frames parses as the frames before it, any other cut
    /// names the frame it cut into.
    @Test func everyTruncationOfTheFixture() throws {
        let bytes = try PatternFixture.vp8.bytes()
        let full = try IVFFile(parsing: bytes)
        var frameStarts = [32]
        for frame in full.frames { frameStarts.append(frameStarts.last! + 12 + frame.data.count) }
        #expect(frameStarts.last == bytes.count)

        for cut in 0..<bytes.count {
            let prefix = bytes[0..<cut]
            if cut < 32 {
                #expect(throws: IVFParseError.headerTooShort(length: cut)) { try IVFFile(parsing: prefix) }
            } else if let whole = frameStarts.firstIndex(of: cut) {
                let file = try IVFFile(parsing: prefix)
                #expect(file.frames == Array(full.frames[0..<whole]), "cut \(cut)")
            } else {
                let index = frameStarts.lastIndex { $0 < cut }!
                let start = frameStarts[index]
                let expected: IVFParseError =
                    cut - start < 12
                    ? .truncatedFrameHeader(index: index, offset: start)
                    : .truncatedFrame(index: index, declaredLength: full.frames[index].data.count, available: cut - start - 12)
                #expect(throws: expected, "cut \(cut)") { try IVFFile(parsing: prefix) }
            }
        }
    }

    /// Seeded random mutations of the fixture and random bytes: nothing traps, and whatever parses accounts
    /// for every byte of its input.
    @Test func mutatedInputNeverTraps() throws {
        let seed: UInt64 = 0x1BF0_0001
        var random = SeededRandom(seed: seed)
        let original = try PatternFixture.vp8.bytes()
        var parsed = 0
        for iteration in 0..<5_000 {
            var bytes = original
            if Int.random(in: 0..<8, using: &random) == 0 {
                bytes = (0..<Int.random(in: 0..<80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if bytes.count >= 4, Bool.random(using: &random) { bytes.replaceSubrange(0..<4, with: IVFHeader.signature) }
            }
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
                case 1: bytes[index] = 0xFF
                case 2: bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
                default: bytes[index] = UInt8.random(in: 0...255, using: &random)
                }
            }
            guard let file = try? IVFFile(parsing: bytes) else { continue }
            parsed += 1
            let accounted = file.header.headerLength + file.frames.reduce(0) { $0 + 12 + $1.data.count }
            #expect(accounted == bytes.count, "seed \(seed) iteration \(iteration)")
            for frame in file.frames {
                _ = try? VP8FrameHeader(parsing: frame.data)
                _ = try? VP8Packetizer(maxPayloadSize: 100).packetize(frame.data, pictureID: 1)
            }
        }
        #expect(parsed > 100, "seed \(seed): only \(parsed) inputs parsed")
    }
}
