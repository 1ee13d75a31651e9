/// One H.264 access unit: the NAL units (without start codes) that make one picture, in stream order.
public struct H264AccessUnit: Sendable, Equatable {
    /// H.264 Table 7-1 NAL unit types this package looks at.
    public enum NALType {
        /// Coded slice of a non-IDR picture.
        public static let nonIDRSlice: UInt8 = 1
        /// Coded slice of an IDR picture: a keyframe.
        public static let idrSlice: UInt8 = 5
        /// Supplemental enhancement information.
        public static let sei: UInt8 = 6
        /// Sequence parameter set.
        public static let sps: UInt8 = 7
        /// Picture parameter set.
        public static let pps: UInt8 = 8
        /// Access unit delimiter.
        public static let accessUnitDelimiter: UInt8 = 9
    }

    /// The NAL units, each starting with its 1-byte header; views into the parsed stream.
    public var nalUnits: [ArraySlice<UInt8>]

    /// An access unit from its NAL units.
    public init(nalUnits: [ArraySlice<UInt8>]) {
        self.nalUnits = nalUnits
    }

    /// The nal_unit_type (low 5 bits of the header) of each NAL unit; 0 for an empty one.
    public var nalTypes: [UInt8] { nalUnits.map { $0.first.map { $0 & 0x1F } ?? 0 } }

    /// True when the access unit holds an IDR slice, so a decoder can start here.
    public var isKeyframe: Bool { contains(NALType.idrSlice) }

    /// True when it also carries the SPS and PPS a fresh decoder needs before the IDR slice.
    public var hasParameterSets: Bool { contains(NALType.sps) && contains(NALType.pps) }

    /// True when a NAL unit of `type` is present.
    public func contains(_ type: UInt8) -> Bool {
        nalUnits.contains { $0.first.map { $0 & 0x1F == type } ?? false }
    }
}
