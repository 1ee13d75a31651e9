/// A looping video track made from pre-encoded frames, as RTP packets: what the simulated inference server
/// publishes when a session's client sends no video.
///
/// Pure and clock-free: the caller numbers frames n = 0, 1, 2, … (frame n shows file frame n mod
/// `frameCount`) and sends frame n at `presentationTime(forFrame: n)` after its start. Every frame is
/// packetized once, at init; `packets(forFrame:)` only stamps headers. Across frames and loops:
/// - sequence numbers run on without gaps (wrapping at 2^16),
/// - RTP timestamps advance by 90000 / framesPerSecond per frame (wrapping at 2^32),
/// - the marker bit is set on the last packet of each frame,
/// - the VP8 PictureID increments by one per frame (wrapping at 2^15).
public struct PatternVideoSource: Sendable {
    /// RFC 7741 §6.1, RFC 6184 §8.1: video RTP timestamps run at 90 kHz.
    public static let clockRate = 90_000

    /// The codec of the frames.
    public let codec: VideoCodec
    /// The stamping configuration.
    public let configuration: Configuration

    /// Each file frame's payloads (VP8 ones with PictureID 0, patched when sent).
    private let templates: [PacketizedFrame]
    /// `firstPacket[i]`: packets before file frame i in one loop; the last entry is the loop's total.
    private let firstPacket: [Int]
    /// `keyframeDistance[i]`: frames from file frame i to the next keyframe at or after it (frame 0 of the
    /// next loop counts, as it is always a keyframe).
    private let keyframeDistance: [Int]

    /// A VP8 source from the frames of an IVF file.
    /// - Throws: `PatternVideoSourceError.unsupportedFourCC` unless the file is VP8, and whatever
    ///   `init(vp8Frames:configuration:)` throws.
    public init(ivf file: IVFFile, configuration: Configuration) throws(PatternVideoSourceError) {
        guard file.header.fourCC == "VP80" else { throw .unsupportedFourCC(file.header.fourCC) }
        try self.init(vp8Frames: file.frames.map(\.data), configuration: configuration)
    }

    /// A VP8 source from encoded frames (RFC 6386), packetized per RFC 7741.
    /// - Throws: `PatternVideoSourceError` for an invalid configuration, no frames, a frame that does not
    ///   packetize or is not shown, or a first frame that is not a keyframe.
    public init(vp8Frames frames: [ArraySlice<UInt8>], configuration: Configuration) throws(PatternVideoSourceError) {
        try Self.validate(configuration, frameCount: frames.count)
        let packetizer: VP8Packetizer
        do {
            packetizer = try VP8Packetizer(maxPayloadSize: configuration.maxPayloadSize)
        } catch {
            throw .packetizer(error)
        }
        var templates: [PacketizedFrame] = []
        templates.reserveCapacity(frames.count)
        for (index, frame) in frames.enumerated() {
            do {
                templates.append(try packetizer.packetize(frame, pictureID: 0))
            } catch {
                throw .frame(index: index, error)
            }
            // The packetizer parsed the header, so this cannot fail; a hidden frame has no picture.
            if let header = try? VP8FrameHeader(parsing: frame), !header.showFrame { throw .hiddenFrame(index: index) }
        }
        try self.init(codec: .vp8, configuration: configuration, templates: templates)
    }

    /// An H.264 source from access units (for example `H264AnnexBParser.accessUnits(in:)` of a fixture),
    /// packetized per RFC 6184 mode 1.
    /// - Throws: `PatternVideoSourceError` for an invalid configuration, no access units, one without a
    ///   slice, one that does not packetize, a keyframe without SPS and PPS, or a first access unit that is
    ///   not a keyframe.
    public init(h264 accessUnits: [H264AccessUnit], configuration: Configuration) throws(PatternVideoSourceError) {
        try Self.validate(configuration, frameCount: accessUnits.count)
        let packetizer: H264Packetizer
        do {
            packetizer = try H264Packetizer(maxPayloadSize: configuration.maxPayloadSize)
        } catch {
            throw .packetizer(error)
        }
        var templates: [PacketizedFrame] = []
        templates.reserveCapacity(accessUnits.count)
        for (index, unit) in accessUnits.enumerated() {
            let types = unit.nalTypes
            guard types.contains(where: { (1...5).contains($0) }) else { throw .accessUnitWithoutPicture(index: index) }
            if unit.isKeyframe, !unit.hasParameterSets { throw .keyframeWithoutParameterSets(index: index) }
            do {
                templates.append(try packetizer.packetize(unit))
            } catch {
                throw .frame(index: index, error)
            }
        }
        try self.init(codec: .h264, configuration: configuration, templates: templates)
    }

    /// Precomputes the per-loop tables from packetized frames.
    private init(codec: VideoCodec, configuration: Configuration, templates: [PacketizedFrame])
        throws(PatternVideoSourceError)
    {
        guard templates[0].isKeyframe else { throw .firstFrameNotKeyframe }
        self.codec = codec
        self.configuration = configuration
        self.templates = templates
        var firstPacket: [Int] = []
        firstPacket.reserveCapacity(templates.count + 1)
        var total = 0
        for template in templates {
            firstPacket.append(total)
            total += template.payloads.count
        }
        firstPacket.append(total)
        self.firstPacket = firstPacket
        var keyframeDistance = [Int](repeating: 0, count: templates.count)
        var next = templates.count  // frame 0 of the next loop
        for index in templates.indices.reversed() {
            if templates[index].isKeyframe { next = index }
            keyframeDistance[index] = next - index
        }
        self.keyframeDistance = keyframeDistance
    }

    /// Checks what does not depend on the codec.
    private static func validate(_ configuration: Configuration, frameCount: Int) throws(PatternVideoSourceError) {
        guard frameCount > 0 else { throw .noFrames }
        guard configuration.payloadType <= 127 else { throw .payloadTypeOutOfRange(configuration.payloadType) }
        guard Configuration.framesPerSecondRange.contains(configuration.framesPerSecond) else {
            throw .framesPerSecondOutOfRange(configuration.framesPerSecond)
        }
    }

    /// The number of frames in one loop.
    public var frameCount: Int { templates.count }

    /// The number of RTP packets in one loop.
    public var packetsPerLoop: Int { firstPacket[templates.count] }

    /// The number of RTP packets of frame `n` (n ≥ 0).
    public func packetCount(forFrame n: Int) -> Int {
        templates[fileIndex(n)].payloads.count
    }

    /// True when frame `n` (n ≥ 0) is a keyframe.
    public func isKeyframe(_ n: Int) -> Bool {
        templates[fileIndex(n)].isKeyframe
    }

    /// The first keyframe at or after frame `n` (n ≥ 0): where to start a new subscriber. At most one loop
    /// ahead, as frame 0 of every loop is a keyframe.
    public func nextKeyframe(atOrAfter n: Int) -> Int {
        n + keyframeDistance[fileIndex(n)]
    }

    /// When frame `n` (n ≥ 0) is due, counted from frame 0: ⌊n · 1 s / framesPerSecond⌋, exact, no drift.
    public func presentationTime(forFrame n: Int) -> Duration {
        let fps = configuration.framesPerSecond
        precondition(n >= 0, "frame numbers start at 0")
        return .seconds(n / fps) + .nanoseconds((n % fps) * 1_000_000_000 / fps)
    }

    /// The RTP timestamp of frame `n` (n ≥ 0): `firstTimestamp + ⌊n · 90000 / framesPerSecond⌋` mod 2^32.
    public func rtpTimestamp(forFrame n: Int) -> UInt32 {
        let fps = configuration.framesPerSecond
        precondition(n >= 0, "frame numbers start at 0")
        // Split so that n · 90000 cannot overflow: ⌊n·c/f⌋ = ⌊n/f⌋·c + ⌊(n mod f)·c/f⌋.
        let ticks = (n / fps) &* Self.clockRate &+ (n % fps) * Self.clockRate / fps
        return configuration.firstTimestamp &+ UInt32(truncatingIfNeeded: ticks)
    }

    /// The sequence number of the first packet of frame `n` (n ≥ 0), mod 2^16.
    public func firstSequenceNumber(forFrame n: Int) -> UInt16 {
        let index = fileIndex(n)
        // Wrapping arithmetic is exact mod 2^16, which divides 2^64.
        let before = (n / templates.count) &* packetsPerLoop &+ firstPacket[index]
        return configuration.firstSequenceNumber &+ UInt16(truncatingIfNeeded: before)
    }

    /// The VP8 PictureID of frame `n` (n ≥ 0): `firstPictureID + n` mod 2^15.
    public func pictureID(forFrame n: Int) -> UInt16 {
        precondition(n >= 0, "frame numbers start at 0")
        return (configuration.firstPictureID &+ UInt16(truncatingIfNeeded: n)) & VP8Packetizer.pictureIDMask
    }

    /// The RTP packets of frame `n` (n ≥ 0), serialized, in sending order; the last one has the marker bit.
    public func packets(forFrame n: Int) -> [[UInt8]] {
        let template = templates[fileIndex(n)]
        let timestamp = rtpTimestamp(forFrame: n)
        let pictureID = pictureID(forFrame: n)
        var sequenceNumber = firstSequenceNumber(forFrame: n)
        let last = template.payloads.count - 1
        var packets: [[UInt8]] = []
        packets.reserveCapacity(template.payloads.count)
        for (index, payload) in template.payloads.enumerated() {
            var bytes = packet(payload, sequenceNumber: sequenceNumber, timestamp: timestamp, marker: index == last)
            if codec == .vp8 {
                VP8Packetizer.setPictureID(pictureID, in: &bytes, payloadOffset: RTPPacket.fixedHeaderLength)
            }
            packets.append(bytes)
            sequenceNumber &+= 1
        }
        return packets
    }

    /// One serialized RTP packet without CSRCs or header extensions (a 12-byte header, then `payload`).
    private func packet(_ payload: [UInt8], sequenceNumber: UInt16, timestamp: UInt32, marker: Bool) -> [UInt8] {
        do {
            return try RTPPacket(
                payloadType: configuration.payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
                ssrc: configuration.ssrc, marker: marker, payload: payload
            ).serialized()
        } catch {
            // RTPBuildError only concerns CSRCs and header extensions, which these packets do not have.
            preconditionFailure("pattern packet failed to build: \(error)")
        }
    }

    /// The file frame shown as frame `n`.
    private func fileIndex(_ n: Int) -> Int {
        precondition(n >= 0, "frame numbers start at 0")
        return n % templates.count
    }
}
