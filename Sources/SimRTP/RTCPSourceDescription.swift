/// A source description packet (RFC 3550 §6.5, packet type 202): per-source items such as CNAME.
public struct RTCPSourceDescription: Hashable, Sendable {
    /// One source's items.
    public struct Chunk: Hashable, Sendable {
        /// The source described.
        public var ssrc: SSRC
        /// Its items, in wire order.
        public var items: [Item]

        /// Makes a chunk.
        public init(ssrc: SSRC, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// The first CNAME item decoded as UTF-8 (invalid sequences replaced), if any.
        public var cname: String? {
            items.first { $0.type == Item.cnameType }.map { String(decoding: $0.value, as: UTF8.self) }
        }
    }

    /// One SDES item: a type and up to 255 bytes of (usually UTF-8) text.
    public struct Item: Hashable, Sendable {
        /// RFC 3550 §6.5.1: CNAME, the canonical end-point identifier.
        public static let cnameType: UInt8 = 1
        /// The item type (1 CNAME, 2 NAME, … 8 PRIV).
        public var type: UInt8
        /// The item text; longer than 255 bytes is truncated when serialized.
        public var value: [UInt8]

        /// Makes an item from raw bytes.
        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        /// A CNAME item.
        public static func cname(_ text: String) -> Item { Item(type: cnameType, value: Array(text.utf8)) }
    }

    /// The chunks; more than 31 are serialized into several SDES packets.
    public var chunks: [Chunk]

    /// Makes an SDES packet from chunks.
    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// Makes an SDES packet carrying one CNAME.
    public init(ssrc: SSRC, cname: String) {
        self.init(chunks: [Chunk(ssrc: ssrc, items: [.cname(cname)])])
    }

    /// Parses the body; a chunk's item list ends at a null item (or, leniently, at the end of the body).
    init(_ bytes: ArraySlice<UInt8>, header: RTCPHeader) throws(RTCPParseError) {
        let body = header.body
        var position = body.lowerBound
        var chunks: [Chunk] = []
        for _ in 0..<header.count {
            try Self.need(4, at: position, header: header)
            let ssrc = SSRC(bytes.uint32(at: position))
            position += 4
            var items: [Item] = []
            while position < body.upperBound {
                let type = bytes[position]
                if type == 0 {
                    // RFC 3550 §6.5: null octets end the list and pad the chunk to a 32-bit boundary.
                    position += 1
                    let misalignment = (position - header.packet.lowerBound) % 4
                    if misalignment != 0 { position += 4 - misalignment }
                    break
                }
                try Self.need(2, at: position, header: header)
                let length = Int(bytes[position + 1])
                try Self.need(2 + length, at: position, header: header)
                items.append(Item(type: type, value: Array(bytes[(position + 2)..<(position + 2 + length)])))
                position += 2 + length
            }
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
        self.chunks = chunks
    }

    private static func need(_ count: Int, at position: Int, header: RTCPHeader) throws(RTCPParseError) {
        guard position + count <= header.body.upperBound else {
            throw .truncatedBody(
                offset: header.offset, packetType: header.packetType,
                needed: position + count - header.body.lowerBound, available: header.body.count)
        }
    }

    /// Appends the wire form (several SDES packets when there are more than 31 chunks).
    public func append(to out: inout [UInt8]) {
        var rest = chunks[...]
        repeat {
            let group = rest.prefix(RTCPHeader.maxCount)
            rest = rest.dropFirst(group.count)
            let start = RTCPHeader.begin(count: group.count, packetType: RTCPHeader.sourceDescription, in: &out)
            for chunk in group {
                out.appendUInt32(chunk.ssrc.value)
                for item in chunk.items {
                    let value = item.value.prefix(255)
                    out.append(item.type)
                    out.append(UInt8(value.count))
                    out.append(contentsOf: value)
                }
                // At least one null octet, then pad to the next word.
                out.append(0)
                out.padToWord()
            }
            RTCPHeader.finish(at: start, in: &out)
        } while !rest.isEmpty
    }
}
