/// A goodbye packet (RFC 3550 §6.6, packet type 203): the listed sources are leaving.
public struct RTCPBye: Hashable, Sendable {
    /// The sources leaving; more than 31 are serialized into several BYE packets.
    public var ssrcs: [SSRC]
    /// The optional reason text (UTF-8, at most 255 bytes on the wire).
    public var reason: [UInt8]?

    /// Makes a BYE.
    public init(ssrcs: [SSRC], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason.map { Array($0.utf8) }
    }

    /// The reason decoded as UTF-8 (invalid sequences replaced), if any.
    public var reasonText: String? { reason.map { String(decoding: $0, as: UTF8.self) } }

    /// Parses the body: SC sources, then an optional length-prefixed reason.
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        let count = Int(header.count)
        try header.require(4 * count)
        let body = header.body.lowerBound
        ssrcs = (0..<count).map { SSRC(bytes.uint32(at: body + 4 * $0)) }
        let reasonStart = body + 4 * count
        if reasonStart < header.body.upperBound {
            let length = Int(bytes[reasonStart])
            try header.require(4 * count + 1 + length)
            reason = Array(bytes[(reasonStart + 1)..<(reasonStart + 1 + length)])
        } else {
            reason = nil
        }
    }

    /// Appends the wire form; the reason goes into the last packet when the sources need several.
    public func append(to out: inout [UInt8]) {
        var rest = ssrcs[...]
        repeat {
            let group = rest.prefix(RTCPHeader.maxCount)
            rest = rest.dropFirst(group.count)
            let start = RTCPHeader.begin(count: group.count, packetType: RTCPHeader.bye, in: &out)
            for ssrc in group { out.appendUInt32(ssrc.value) }
            if rest.isEmpty, let reason {
                let text = reason.prefix(255)
                out.append(UInt8(text.count))
                out.append(contentsOf: text)
            }
            RTCPHeader.finish(at: start, in: &out)
        } while !rest.isEmpty
    }
}
