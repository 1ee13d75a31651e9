import SimRTP
import Testing

@Suite struct KeyframeDetectorTests {
    @Test(arguments: [
        ([0x10, 0x00], true),  // X=0 N=0 S=1 PID=0 | VP8 header P=0 (keyframe)
        ([0x10, 0x9D], false),  // P=1: interframe
        ([0x00, 0x00], false),  // S=0: not the start of a partition
        ([0x11, 0x00], false),  // PID=1: not the first partition
        ([0x90, 0x80, 0x81, 0x23, 0x00], true),  // X | I | M=1 15-bit PictureID 0x0123 | P=0
        ([0x90, 0xE0, 0x05, 0x01, 0x40, 0x00], true),  // X | I L T | PictureID 5 | TL0PICIDX | TID | P=0
        ([0x90, 0xE0, 0x05, 0x01, 0x40, 0x01], false),  // same, P=1
        ([0x90, 0xE0, 0x05, 0x01, 0x40], false),  // descriptor only, no VP8 header
        ([0x90], false),  // X set, extension byte missing
        ([0x90, 0x80], false),  // I set, PictureID missing
        ([], false),
    ] as [([UInt8], Bool)])
    func vp8(payload: [UInt8], keyframe: Bool) {
        #expect(KeyframeDetector.isKeyframeStart(payload: payload, codec: .vp8) == keyframe)
    }

    @Test(arguments: [
        ([0x65, 0x88], true),  // NRI=3 type 5: IDR slice
        ([0x67, 0x42], true),  // type 7: SPS
        ([0x41, 0x9A], false),  // type 1: non-IDR slice
        ([0x68, 0xCE], false),  // type 8: PPS alone
        // STAP-A (24): |size 2|SPS|size 2|PPS|
        ([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE], true),
        // STAP-A with only a non-IDR slice.
        ([0x78, 0x00, 0x02, 0x41, 0x9A], false),
        // STAP-A whose size runs past the payload.
        ([0x78, 0x00, 0x09, 0x67, 0x42], false),
        ([0x7C, 0x85, 0x88], true),  // FU-A (28), FU header S=1 type 5
        ([0x7C, 0x05, 0x88], false),  // FU-A continuation of an IDR
        ([0x7C, 0x45, 0x88], false),  // FU-A end fragment
        ([0x7C, 0x81, 0x9A], false),  // FU-A start of a non-IDR slice
        ([0x7C], false),  // FU-A without its header
        ([], false),
    ] as [([UInt8], Bool)])
    func h264(payload: [UInt8], keyframe: Bool) {
        #expect(KeyframeDetector.isKeyframeStart(payload: payload, codec: .h264) == keyframe)
    }

    @Test(arguments: [
        ([0x08, 0x00], true),  // I=0 P=0 L=0 F=0 B=1
        ([0x88, 0x05, 0x00], true),  // I | B, 7-bit picture ID
        ([0x8C, 0x80, 0x05, 0x00], true),  // I | B E, 15-bit picture ID
        ([0x48, 0x00], false),  // P=1: inter-predicted
        ([0x04, 0x00], false),  // B=0: not the start of a frame
        ([0xA8, 0x05, 0x00, 0x00], true),  // I L B | PID | TID=0 U=0 SID=0 D=0 | TL0PICIDX
        ([0xA8, 0x05, 0x02, 0x00], false),  // SID=1: an upper spatial layer, not the picture start
        ([0xA8, 0x05], false),  // layer byte missing
        ([0x80], false),  // I set, no B
        ([], false),
    ] as [([UInt8], Bool)])
    func vp9(payload: [UInt8], keyframe: Bool) {
        #expect(KeyframeDetector.isKeyframeStart(payload: payload, codec: .vp9) == keyframe)
    }

    @Test(arguments: [
        ([0x18, 0x0A], true),  // Z=0 Y=0 W=1 N=1: new coded video sequence
        ([0x10, 0x32], false),  // N=0
        ([0x48, 0x00], true),  // Y=1 W=0 N=1
        ([], false),
    ] as [([UInt8], Bool)])
    func av1(payload: [UInt8], keyframe: Bool) {
        #expect(KeyframeDetector.isKeyframeStart(payload: payload, codec: .av1) == keyframe)
    }

    @Test func worksOnAPacketPayloadSlice() throws {
        let bytes: [UInt8] = [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x00, 0x9D, 0x01, 0x2A]
        let packet = try RTPPacket(parsing: bytes)
        #expect(KeyframeDetector.isKeyframeStart(payload: packet.payload, codec: .vp8))
    }

    @Test func codecFromMimeType() {
        #expect(VideoCodec(mimeType: "video/VP8") == .vp8)
        #expect(VideoCodec(mimeType: "video/vp9") == .vp9)
        #expect(VideoCodec(mimeType: "H264") == .h264)
        #expect(VideoCodec(mimeType: "video/AV1") == .av1)
        #expect(VideoCodec(mimeType: "audio/opus") == nil)
        #expect(VideoCodec.h264.mimeType == "video/H264")
    }
}
