/// Finds the first packet of a keyframe from an RTP payload, for keyframe-gated layer switches and for
/// answering PLIs. Reads only the payload descriptor; never allocates; malformed payloads are not keyframes.
public enum KeyframeDetector {
    /// True when `payload` (the RTP payload, after header and padding) starts a keyframe of `codec`.
    public static func isKeyframeStart(payload: ArraySlice<UInt8>, codec: VideoCodec) -> Bool {
        switch codec {
        case .vp8: isVP8KeyframeStart(payload)
        case .vp9: isVP9KeyframeStart(payload)
        case .h264: isH264KeyframeStart(payload)
        case .av1: isAV1KeyframeStart(payload)
        }
    }

    /// True when `payload` starts a keyframe of `codec`.
    public static func isKeyframeStart(payload: [UInt8], codec: VideoCodec) -> Bool {
        isKeyframeStart(payload: payload[...], codec: codec)
    }

    /// RFC 7741 §4.2–4.3: S=1 and PID=0 mark the first partition's start; the VP8 payload header's P bit
    /// (inverse key frame flag, bit 0 of its first byte) is 0 for a keyframe.
    static func isVP8KeyframeStart(_ payload: ArraySlice<UInt8>) -> Bool {
        var index = payload.startIndex
        guard index < payload.endIndex else { return false }
        let first = payload[index]
        let startOfPartition = first & 0x10 != 0
        let partitionID = first & 0x07
        guard startOfPartition, partitionID == 0 else { return false }
        index += 1
        if first & 0x80 != 0 {
            // X: extension byte |I|L|T|K|RSV|.
            guard index < payload.endIndex else { return false }
            let extensions = payload[index]
            index += 1
            if extensions & 0x80 != 0 {
                // I: PictureID, 15 bits when its M bit is set.
                guard index < payload.endIndex else { return false }
                index += payload[index] & 0x80 != 0 ? 2 : 1
            }
            if extensions & 0x40 != 0 { index += 1 }  // L: TL0PICIDX.
            if extensions & 0x30 != 0 { index += 1 }  // T or K: |TID|Y|KEYIDX|.
        }
        guard index < payload.endIndex else { return false }
        return payload[index] & 0x01 == 0
    }

    /// RFC 9628 §4.2: P=0 (no inter-picture prediction) with B=1 (start of a layer frame) starts a keyframe;
    /// with layer indices present, only the base spatial layer (SID 0) starts the picture.
    static func isVP9KeyframeStart(_ payload: ArraySlice<UInt8>) -> Bool {
        var index = payload.startIndex
        guard index < payload.endIndex else { return false }
        let first = payload[index]
        let interPicturePredicted = first & 0x40 != 0
        let startOfFrame = first & 0x08 != 0
        guard !interPicturePredicted, startOfFrame else { return false }
        index += 1
        if first & 0x80 != 0 {
            // I: picture ID, 15 bits when its M bit is set.
            guard index < payload.endIndex else { return false }
            index += payload[index] & 0x80 != 0 ? 2 : 1
        }
        if first & 0x20 != 0 {
            // L: |TID|U|SID|D|.
            guard index < payload.endIndex else { return false }
            let spatialID = payload[index] >> 1 & 0x07
            return spatialID == 0
        }
        return true
    }

    /// RFC 6184 NAL unit types that make a decodable start: IDR slice (5) and sequence parameter set (7).
    private static func isH264KeyNAL(_ type: UInt8) -> Bool { type == 5 || type == 7 }

    /// RFC 6184 §5.6–5.8: a single IDR/SPS NAL unit, a STAP-A (type 24) aggregating one, or the start
    /// fragment (S bit) of an FU-A (type 28) carrying one.
    static func isH264KeyframeStart(_ payload: ArraySlice<UInt8>) -> Bool {
        let start = payload.startIndex
        guard start < payload.endIndex else { return false }
        let type = payload[start] & 0x1F
        switch type {
        case 24:
            // STAP-A: repeated |size (16)|NAL unit|.
            var index = start + 1
            while payload.has(3, at: index) {
                let size = Int(payload.uint16(at: index))
                guard size > 0, payload.has(size, at: index + 2) else { return false }
                if isH264KeyNAL(payload[index + 2] & 0x1F) { return true }
                index += 2 + size
            }
            return false
        case 28:
            // FU-A: FU indicator, then FU header |S|E|R|type|.
            guard payload.has(2, at: start) else { return false }
            let header = payload[start + 1]
            return header & 0x80 != 0 && isH264KeyNAL(header & 0x1F)
        default:
            return isH264KeyNAL(type)
        }
    }

    /// AV1 RTP spec §4.4: the aggregation header |Z|Y|W|W|N|…| has N=1 on the first packet of a coded video
    /// sequence, which begins with a keyframe.
    static func isAV1KeyframeStart(_ payload: ArraySlice<UInt8>) -> Bool {
        guard let header = payload.first else { return false }
        return header & 0x08 != 0
    }
}
