import Foundation
import SimRTP
import Testing

/// The test-pattern videos made by `scripts/make-test-pattern` (copied from `Fixtures/` into the test bundle).
enum PatternFixture: String, CaseIterable, CustomTestStringConvertible {
    /// 640x360 VP8 in IVF: 60 frames at 30 fps, keyframes at 0 and 30.
    case vp8 = "test-pattern-360p.vp8.ivf"
    /// 640x360 H.264 constrained baseline, Annex-B: 60 access units, IDR (with SPS and PPS) at 0 and 30.
    case h264 = "test-pattern-360p.h264"

    /// The frames in each fixture.
    static let frameCount = 60
    /// The fixtures' keyframe indices.
    static let keyframes = [0, 30]

    /// The file's exact bytes.
    func bytes() throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: rawValue, withExtension: nil, subdirectory: "Fixtures"))
        return try [UInt8](Data(contentsOf: url))
    }

    /// The VP8 fixture, parsed.
    static func ivf() throws -> IVFFile { try IVFFile(parsing: PatternFixture.vp8.bytes()) }

    /// The H.264 fixture's access units.
    static func accessUnits() throws -> [H264AccessUnit] {
        try H264AnnexBParser.accessUnits(in: PatternFixture.h264.bytes())
    }

    /// The file name, for test output.
    var testDescription: String { rawValue }
}

/// Reassembly of payloads, the inverse of the packetizers, written from the RFCs independently of them.
enum Depacketizer {
    /// RFC 7741 §4.2: the frame bytes after each payload's descriptor, concatenated.
    static func vp8(_ payloads: [[UInt8]]) -> [UInt8] {
        var frame: [UInt8] = []
        for payload in payloads {
            var index = 1
            if payload[0] & 0x80 != 0 {  // X
                let extensions = payload[1]
                index = 2
                if extensions & 0x80 != 0 { index += payload[index] & 0x80 != 0 ? 2 : 1 }  // I (M: 15 bits)
                if extensions & 0x40 != 0 { index += 1 }  // L
                if extensions & 0x30 != 0 { index += 1 }  // T or K
            }
            frame += payload[index...]
        }
        return frame
    }

    /// RFC 6184 §5.6/§5.8: single NAL unit packets as they are, FU-A fragments joined under a rebuilt header.
    static func h264(_ payloads: [[UInt8]]) -> [[UInt8]] {
        var units: [[UInt8]] = []
        for payload in payloads {
            if payload[0] & 0x1F == 28 {
                let header = payload[1]
                if header & 0x80 != 0 { units.append([payload[0] & 0xE0 | header & 0x1F]) }
                units[units.count - 1] += payload[2...]
            } else {
                units.append(payload)
            }
        }
        return units
    }
}
