/// Splits H.264 access units into RTP payloads in packetization mode 1 (RFC 6184 §5.6, §5.8): a NAL unit
/// that fits is sent as a single NAL unit packet, a larger one as FU-A fragments.
///
/// An FU-A payload is |FU indicator: F, NRI of the NAL unit, type 28| |FU header: S|E|R=0|NAL type| then a
/// fragment of the NAL unit without its header byte. Fragment sizes are balanced. Start codes never appear
/// in RTP payloads (§5.1). No STAP-A aggregation: SPS and PPS travel as their own single NAL unit packets.
public struct H264Packetizer: Sendable, Equatable {
    /// RFC 6184 §5.8: the FU-A NAL unit type.
    public static let fuAType: UInt8 = 28
    /// The FU indicator and FU header in front of every fragment.
    public static let fuAHeaderLength = 2

    /// RFC 6184 §5.8 FU header bits.
    private static let startBit: UInt8 = 0x80
    private static let endBit: UInt8 = 0x40

    /// The largest payload produced.
    public let maxPayloadSize: Int

    /// A packetizer whose payloads are at most `maxPayloadSize` bytes.
    /// - Throws: `PacketizerError.maxPayloadSizeTooSmall` unless an FU-A can carry at least one byte.
    public init(maxPayloadSize: Int) throws(PacketizerError) {
        let minimum = Self.fuAHeaderLength + 1
        guard maxPayloadSize >= minimum else { throw .maxPayloadSizeTooSmall(maxPayloadSize, minimum: minimum) }
        self.maxPayloadSize = maxPayloadSize
    }

    /// Splits one access unit into payloads, NAL units in order.
    /// - Throws: `PacketizerError.emptyFrame` for an access unit without NAL units, `.emptyNALUnit` for a NAL
    ///   unit without its header byte.
    public func packetize(_ accessUnit: H264AccessUnit) throws(PacketizerError) -> PacketizedFrame {
        guard !accessUnit.nalUnits.isEmpty else { throw .emptyFrame }
        var count = 0
        for (index, unit) in accessUnit.nalUnits.enumerated() {
            guard !unit.isEmpty else { throw .emptyNALUnit(index: index) }
            count += unit.count <= maxPayloadSize ? 1 : fragmentSplit(unit).count
        }
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(count)
        for unit in accessUnit.nalUnits {
            if unit.count <= maxPayloadSize {
                payloads.append(Array(unit))  // §5.6 single NAL unit packet
                continue
            }
            let header = unit[unit.startIndex]
            let body = unit.startIndex + 1
            let split = fragmentSplit(unit)
            let last = split.count - 1
            for (index, chunk) in split.enumerated() {
                var payload: [UInt8] = []
                payload.reserveCapacity(Self.fuAHeaderLength + chunk.count)
                payload.append(header & 0xE0 | Self.fuAType)  // F and NRI of the fragmented NAL unit
                payload.append((index == 0 ? Self.startBit : 0) | (index == last ? Self.endBit : 0) | header & 0x1F)
                payload.append(contentsOf: unit[(body + chunk.lowerBound)..<(body + chunk.upperBound)])
                payloads.append(payload)
            }
        }
        return PacketizedFrame(payloads: payloads, isKeyframe: accessUnit.isKeyframe)
    }

    /// The fragments of a NAL unit's body (after its header byte).
    private func fragmentSplit(_ unit: ArraySlice<UInt8>) -> PayloadSplit {
        PayloadSplit(total: unit.count - 1, capacity: maxPayloadSize - Self.fuAHeaderLength)
    }
}
