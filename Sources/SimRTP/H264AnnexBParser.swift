/// Splits an H.264 Annex-B byte stream into NAL units and access units, without copying.
///
/// NAL units follow `00 00 01` start codes; a zero byte before a start code (the 4-byte form) and trailing
/// zero bytes belong to no NAL unit (H.264 B.1: a NAL unit never ends in 0x00, and emulation prevention keeps
/// `00 00 01` out of its body).
public enum H264AnnexBParser {
    /// The NAL units of `bytes`, each starting with its header byte.
    /// - Throws: `H264AnnexBParseError` when the input does not start with a start code, a NAL unit is empty
    ///   or has its forbidden bit set.
    public static func nalUnits(in bytes: ArraySlice<UInt8>) throws(H264AnnexBParseError) -> [ArraySlice<UInt8>] {
        let start = bytes.startIndex
        var index = start
        while index < bytes.endIndex, bytes[index] == 0 { index += 1 }
        // B.2: leading zero bytes, then 00 00 01 (its last two zeros were skipped above).
        guard index < bytes.endIndex, bytes[index] == 1, index - start >= 2 else { throw .missingStartCode }
        var units: [ArraySlice<UInt8>] = []
        var unitStart = index + 1
        index = unitStart
        while true {
            let next = nextStartCode(in: bytes, from: index)
            var unitEnd = next ?? bytes.endIndex
            while unitEnd > unitStart, bytes[unitEnd - 1] == 0 { unitEnd -= 1 }
            guard unitEnd > unitStart else { throw .emptyNALUnit(offset: unitStart - start) }
            guard bytes[unitStart] & 0x80 == 0 else { throw .forbiddenBitSet(offset: unitStart - start) }
            units.append(bytes[unitStart..<unitEnd])
            guard let next else { return units }
            unitStart = next + 3
            index = unitStart
        }
    }

    /// The NAL units of `bytes` (see the slice overload).
    /// - Throws: `H264AnnexBParseError`.
    public static func nalUnits(in bytes: [UInt8]) throws(H264AnnexBParseError) -> [ArraySlice<UInt8>] {
        try nalUnits(in: bytes[...])
    }

    /// The access units of `bytes`, per the first-NAL rules of H.264 §7.4.1.2.3: once an access unit holds a
    /// slice, the next AUD, SEI, SPS, PPS, type 14…18 NAL unit, or slice with first_mb_in_slice 0 starts a
    /// new one. (Slices of one picture always follow a slice with first_mb_in_slice 0 when slices are sent in
    /// order, which is all this needs to handle: our own fixtures.)
    /// - Throws: `H264AnnexBParseError`, including `.truncatedSlice` for a slice without a header.
    public static func accessUnits(in bytes: ArraySlice<UInt8>) throws(H264AnnexBParseError) -> [H264AccessUnit] {
        var accessUnits: [H264AccessUnit] = []
        var current: [ArraySlice<UInt8>] = []
        var currentHasSlice = false
        for unit in try nalUnits(in: bytes) {
            let type = unit[unit.startIndex] & 0x1F
            let isSlice = (1...5).contains(type)
            var startsPicture = false
            if isSlice {
                guard unit.count >= 2 else { throw .truncatedSlice(offset: unit.startIndex - bytes.startIndex) }
                // first_mb_in_slice is ue(v); its value is 0 exactly when its first bit is 1.
                startsPicture = unit[unit.startIndex + 1] & 0x80 != 0
            }
            let startsAccessUnit: Bool
            switch type {
            case 6...9, 14...18: startsAccessUnit = true  // SEI, SPS, PPS, AUD, prefix/subset/reserved
            default: startsAccessUnit = startsPicture
            }
            if currentHasSlice, startsAccessUnit {
                accessUnits.append(H264AccessUnit(nalUnits: current))
                current = []
                currentHasSlice = false
            }
            current.append(unit)
            currentHasSlice = currentHasSlice || isSlice
        }
        if !current.isEmpty { accessUnits.append(H264AccessUnit(nalUnits: current)) }
        return accessUnits
    }

    /// The access units of `bytes` (see the slice overload).
    /// - Throws: `H264AnnexBParseError`.
    public static func accessUnits(in bytes: [UInt8]) throws(H264AnnexBParseError) -> [H264AccessUnit] {
        try accessUnits(in: bytes[...])
    }

    /// The index of the next `00 00 01` at or after `index`, if any.
    private static func nextStartCode(in bytes: ArraySlice<UInt8>, from index: Int) -> Int? {
        var i = index
        while i + 2 < bytes.endIndex {
            if bytes[i + 2] > 1 {
                i += 3
            } else if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                return i
            } else {
                i += 1
            }
        }
        return nil
    }
}
