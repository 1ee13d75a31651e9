/// Why frames cannot become a looping pattern video source.
public enum PatternVideoSourceError: Error, Equatable, Sendable {
    /// No frames (or access units) were given.
    case noFrames
    /// The IVF file holds another codec than VP8 (its fourcc is not `VP80`).
    case unsupportedFourCC(String)
    /// The RTP payload type does not fit its 7 bits (0…127).
    case payloadTypeOutOfRange(UInt8)
    /// The frame rate is outside `Configuration.framesPerSecondRange`.
    case framesPerSecondOutOfRange(Int)
    /// The packetizer rejected the configuration (its maximum payload size).
    case packetizer(PacketizerError)
    /// Frame `index` could not be packetized.
    case frame(index: Int, PacketizerError)
    /// Frame 0 is not a keyframe, so neither the first subscriber nor the loop's wrap-around could decode.
    case firstFrameNotKeyframe
    /// VP8 frame `index` is not shown (show_frame 0): it would occupy a frame slot without a picture.
    case hiddenFrame(index: Int)
    /// H.264 access unit `index` holds no slice, so it is no picture.
    case accessUnitWithoutPicture(index: Int)
    /// H.264 keyframe `index` lacks an SPS or PPS, so a subscriber starting there could not decode it.
    case keyframeWithoutParameterSets(index: Int)
}
