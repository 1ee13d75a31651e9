/// Splits encoded VP8 frames into RTP payloads (RFC 7741 §4), each starting with the payload descriptor
/// libwebrtc sends for a single-layer stream.
///
/// The 4-byte descriptor is |X=1|R|N=0|S|R|PID=0| |I=1|L=0|T=0|K=0|RSV| |M=1|PictureID (15 bits)|: an
/// extension byte announcing a 15-bit PictureID. S is 1 on the first payload of the frame only; PID stays 0
/// because the whole frame is sent as one sequence of bytes (partition boundaries are not tracked, §4.4).
/// Payload sizes are balanced: a frame needing k payloads gets k of nearly equal size.
public struct VP8Packetizer: Sendable, Equatable {
    /// The length of the payload descriptor this packetizer writes.
    public static let descriptorLength = 4
    /// Where the 2-byte |M|PictureID| field lies in each payload.
    public static let pictureIDOffset = 2
    /// RFC 7741 §4.2: PictureID with M=1 has 15 bits.
    public static let pictureIDMask: UInt16 = 0x7FFF

    /// RFC 7741 §4.2 descriptor bits.
    private static let extendedControlBit: UInt8 = 0x80  // X
    private static let startOfPartitionBit: UInt8 = 0x10  // S
    private static let pictureIDPresentBit: UInt8 = 0x80  // I
    private static let longPictureIDBit: UInt8 = 0x80  // M

    /// The largest payload produced, descriptor included.
    public let maxPayloadSize: Int

    /// A packetizer whose payloads are at most `maxPayloadSize` bytes.
    /// - Throws: `PacketizerError.maxPayloadSizeTooSmall` unless it exceeds the 4-byte descriptor.
    public init(maxPayloadSize: Int) throws(PacketizerError) {
        let minimum = Self.descriptorLength + 1
        guard maxPayloadSize >= minimum else { throw .maxPayloadSizeTooSmall(maxPayloadSize, minimum: minimum) }
        self.maxPayloadSize = maxPayloadSize
    }

    /// Splits one encoded frame into payloads carrying `pictureID` (its low 15 bits).
    /// - Throws: `PacketizerError.emptyFrame`, or `.malformedVP8Frame` when the frame header (which tells
    ///   whether it is a keyframe) does not parse.
    public func packetize(_ frame: ArraySlice<UInt8>, pictureID: UInt16) throws(PacketizerError) -> PacketizedFrame {
        guard !frame.isEmpty else { throw .emptyFrame }
        let header: VP8FrameHeader
        do {
            header = try VP8FrameHeader(parsing: frame)
        } catch {
            throw .malformedVP8Frame(error)
        }
        let id = pictureID & Self.pictureIDMask
        let split = PayloadSplit(total: frame.count, capacity: maxPayloadSize - Self.descriptorLength)
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(split.count)
        for chunk in split {
            var payload: [UInt8] = []
            payload.reserveCapacity(Self.descriptorLength + chunk.count)
            payload.append(Self.extendedControlBit | (chunk.lowerBound == 0 ? Self.startOfPartitionBit : 0))
            payload.append(Self.pictureIDPresentBit)
            payload.append(Self.longPictureIDBit | UInt8(truncatingIfNeeded: id >> 8))
            payload.append(UInt8(truncatingIfNeeded: id))
            let base = frame.startIndex
            payload.append(contentsOf: frame[(base + chunk.lowerBound)..<(base + chunk.upperBound)])
            payloads.append(payload)
        }
        return PacketizedFrame(payloads: payloads, isKeyframe: header.isKeyframe)
    }

    /// Splits one encoded frame into payloads carrying `pictureID` (its low 15 bits).
    /// - Throws: `PacketizerError` (see the slice overload).
    public func packetize(_ frame: [UInt8], pictureID: UInt16) throws(PacketizerError) -> PacketizedFrame {
        try packetize(frame[...], pictureID: pictureID)
    }

    /// Writes `pictureID` (its low 15 bits, M=1) into a payload this packetizer made, at `offset` in `bytes`
    /// (the payload's start within an RTP packet).
    static func setPictureID(_ pictureID: UInt16, in bytes: inout [UInt8], payloadOffset offset: Int) {
        let id = pictureID & pictureIDMask
        bytes[offset + pictureIDOffset] = longPictureIDBit | UInt8(truncatingIfNeeded: id >> 8)
        bytes[offset + pictureIDOffset + 1] = UInt8(truncatingIfNeeded: id)
    }
}
