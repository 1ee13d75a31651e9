import SimCore

/// Why bytes are not an SCTP packet we accept.
public enum SCTPParseError: Error, Sendable, Equatable {
    /// Shorter than the 12-byte common header.
    case tooShort
    /// The CRC32c does not match.
    case badChecksum
    /// A chunk or parameter length runs past the packet or is below its minimum.
    case malformed(String)
}

/// An SCTP packet (RFC 9260 §3): the common header and its chunks. Over DTLS (RFC 8261) there is no IP or UDP
/// header; the ports are the SDP's `a=sctp-port` values.
public struct SCTPPacket: Sendable, Equatable {
    /// The sender's port.
    public var sourcePort: UInt16
    /// The receiver's port.
    public var destinationPort: UInt16
    /// The receiver's tag (0 only on a packet carrying INIT).
    public var verificationTag: UInt32
    /// The chunks, in order.
    public var chunks: [SCTPChunk]

    /// A packet.
    public init(sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32, chunks: [SCTPChunk]) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.verificationTag = verificationTag
        self.chunks = chunks
    }

    /// Parses and checks a packet.
    public init(parsing bytes: [UInt8]) throws(SCTPParseError) {
        guard bytes.count >= 12 else { throw .tooShort }
        let received = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        guard received == CRC32c.packetChecksum(bytes) else { throw .badChecksum }
        let slice = bytes[...]
        sourcePort = slice.uint16(at: 0)
        destinationPort = slice.uint16(at: 2)
        verificationTag = slice.uint32(at: 4)
        var chunks: [SCTPChunk] = []
        var index = 12
        while index + 4 <= bytes.count {
            let type = bytes[index], flags = bytes[index + 1]
            let length = Int(slice.uint16(at: index + 2))
            guard length >= 4, index + length <= bytes.count else { throw .malformed("chunk \(type) length \(length)") }
            let value = Array(bytes[(index + 4)..<(index + length)])
            chunks.append(try SCTPChunk(type: type, flags: flags, value: value))
            index += (length + 3) & ~3
        }
        self.chunks = chunks
    }

    /// The packet's bytes, checksum included (CRC32c, least significant byte first: RFC 9260 App. A).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        out.appendUInt16(sourcePort)
        out.appendUInt16(destinationPort)
        out.appendUInt32(verificationTag)
        out.appendUInt32(0)
        for chunk in chunks { chunk.append(to: &out) }
        let crc = CRC32c.packetChecksum(out)
        out[8] = UInt8(truncatingIfNeeded: crc)
        out[9] = UInt8(truncatingIfNeeded: crc >> 8)
        out[10] = UInt8(truncatingIfNeeded: crc >> 16)
        out[11] = UInt8(truncatingIfNeeded: crc >> 24)
        return out
    }
}

extension SCTPChunk {
    /// Decodes one chunk's value.
    init(type: UInt8, flags: UInt8, value: [UInt8]) throws(SCTPParseError) {
        let v = value[...]
        switch Kind(rawValue: type) {
        case .data:
            guard value.count > 12 else { throw .malformed("DATA of \(value.count) bytes") }
            self = .data(SCTPDataChunk(
                tsn: v.uint32(at: 0), stream: v.uint16(at: 4), ssn: v.uint16(at: 6), ppid: v.uint32(at: 8),
                unordered: flags & 0x04 != 0, beginning: flags & 0x02 != 0, ending: flags & 0x01 != 0,
                immediate: flags & 0x08 != 0, payload: Array(value[12...])
            ))
        case .initiation, .initiationAck:
            let parsed = try SCTPInit(value: value)
            self = type == Kind.initiation.rawValue ? .initiation(parsed) : .initiationAck(parsed)
        case .sack:
            guard value.count >= 12 else { throw .malformed("SACK of \(value.count) bytes") }
            let gaps = Int(v.uint16(at: 8)), duplicates = Int(v.uint16(at: 10))
            guard value.count >= 12 + 4 * gaps + 4 * duplicates else { throw .malformed("SACK blocks past its end") }
            var sack = SCTPSack(cumulativeTSNAck: v.uint32(at: 0), advertisedReceiverWindow: v.uint32(at: 4))
            for index in 0..<gaps {
                let start = v.uint16(at: 12 + 4 * index), end = v.uint16(at: 14 + 4 * index)
                guard start <= end, start > 0 else { throw .malformed("SACK gap block \(start)…\(end)") }
                sack.gapBlocks.append(start...end)
            }
            for index in 0..<duplicates { sack.duplicateTSNs.append(v.uint32(at: 12 + 4 * gaps + 4 * index)) }
            self = .sack(sack)
        case .heartbeat: self = .heartbeat(value)
        case .heartbeatAck: self = .heartbeatAck(value)
        case .abort: self = .abort(reflectedTag: flags & 0x01 != 0, causes: value)
        case .shutdown:
            guard value.count >= 4 else { throw .malformed("SHUTDOWN of \(value.count) bytes") }
            self = .shutdown(cumulativeTSNAck: v.uint32(at: 0))
        case .shutdownAck: self = .shutdownAck
        case .error: self = .error(value)
        case .cookieEcho: self = .cookieEcho(value)
        case .cookieAck: self = .cookieAck
        case .shutdownComplete: self = .shutdownComplete(reflectedTag: flags & 0x01 != 0)
        case .reconfig:
            var parameters: [SCTPReconfigParameter] = []
            for (kind, body) in try SCTPParameters.split(value) { parameters.append(try SCTPReconfigParameter(type: kind, value: body)) }
            self = .reconfig(parameters)
        case .forwardTSN:
            guard value.count >= 4, (value.count - 4) % 4 == 0 else { throw .malformed("FORWARD-TSN of \(value.count) bytes") }
            var forward = SCTPForwardTSN(newCumulativeTSN: v.uint32(at: 0))
            var index = 4
            while index + 4 <= value.count {
                forward.streams.append((v.uint16(at: index), v.uint16(at: index + 2)))
                index += 4
            }
            self = .forwardTSN(forward)
        case nil:
            self = .unknown(type: type, flags: flags, value: value)
        }
    }

    /// Appends the chunk (header, value, padding to 4 bytes).
    func append(to out: inout [UInt8]) {
        let start = out.count
        var flags: UInt8 = 0
        let type: UInt8
        out += [0, 0, 0, 0]
        switch self {
        case .data(let data):
            type = Kind.data.rawValue
            flags = (data.unordered ? 0x04 : 0) | (data.beginning ? 0x02 : 0) | (data.ending ? 0x01 : 0) | (data.immediate ? 0x08 : 0)
            out.appendUInt32(data.tsn)
            out.appendUInt16(data.stream)
            out.appendUInt16(data.ssn)
            out.appendUInt32(data.ppid)
            out += data.payload
        case .initiation(let initiation):
            type = Kind.initiation.rawValue
            initiation.append(to: &out)
        case .initiationAck(let initiation):
            type = Kind.initiationAck.rawValue
            initiation.append(to: &out)
        case .sack(let sack):
            type = Kind.sack.rawValue
            out.appendUInt32(sack.cumulativeTSNAck)
            out.appendUInt32(sack.advertisedReceiverWindow)
            out.appendUInt16(UInt16(sack.gapBlocks.count))
            out.appendUInt16(UInt16(sack.duplicateTSNs.count))
            for block in sack.gapBlocks {
                out.appendUInt16(block.lowerBound)
                out.appendUInt16(block.upperBound)
            }
            for tsn in sack.duplicateTSNs { out.appendUInt32(tsn) }
        case .heartbeat(let info):
            type = Kind.heartbeat.rawValue
            out += info
        case .heartbeatAck(let info):
            type = Kind.heartbeatAck.rawValue
            out += info
        case .abort(let reflected, let causes):
            type = Kind.abort.rawValue
            flags = reflected ? 1 : 0
            out += causes
        case .shutdown(let ack):
            type = Kind.shutdown.rawValue
            out.appendUInt32(ack)
        case .shutdownAck:
            type = Kind.shutdownAck.rawValue
        case .error(let causes):
            type = Kind.error.rawValue
            out += causes
        case .cookieEcho(let cookie):
            type = Kind.cookieEcho.rawValue
            out += cookie
        case .cookieAck:
            type = Kind.cookieAck.rawValue
        case .shutdownComplete(let reflected):
            type = Kind.shutdownComplete.rawValue
            flags = reflected ? 1 : 0
        case .reconfig(let parameters):
            type = Kind.reconfig.rawValue
            for parameter in parameters { parameter.append(to: &out) }
        case .forwardTSN(let forward):
            type = Kind.forwardTSN.rawValue
            out.appendUInt32(forward.newCumulativeTSN)
            for entry in forward.streams {
                out.appendUInt16(entry.stream)
                out.appendUInt16(entry.ssn)
            }
        case .unknown(let unknownType, let unknownFlags, let value):
            type = unknownType
            flags = unknownFlags
            out += value
        }
        out[start] = type
        out[start + 1] = flags
        out.setUInt16(UInt16(out.count - start), at: start + 2)
        while out.count % 4 != 0 { out.append(0) }
    }
}

/// TLV parameters (RFC 9260 §3.2.1): type, length, value, padded to 4 bytes.
enum SCTPParameters {
    /// The parameters of `bytes`, in order.
    static func split(_ bytes: [UInt8]) throws(SCTPParseError) -> [(UInt16, [UInt8])] {
        var out: [(UInt16, [UInt8])] = []
        let slice = bytes[...]
        var index = 0
        while index + 4 <= bytes.count {
            let type = slice.uint16(at: index), length = Int(slice.uint16(at: index + 2))
            guard length >= 4, index + length <= bytes.count else { throw .malformed("parameter \(type) length \(length)") }
            out.append((type, Array(bytes[(index + 4)..<(index + length)])))
            index += (length + 3) & ~3
        }
        return out
    }

    /// Appends one parameter, padded.
    static func append(type: UInt16, value: [UInt8], to out: inout [UInt8]) {
        out.appendUInt16(type)
        out.appendUInt16(UInt16(4 + value.count))
        out += value
        while out.count % 4 != 0 { out.append(0) }
    }
}

extension SCTPInit {
    /// Parameter types we read or write (RFC 9260 §3.3.2.1, RFC 3758 §3.1, RFC 5061 §4.2.7).
    static let stateCookie: UInt16 = 7
    static let forwardTSNSupportedParameter: UInt16 = 0xC000
    static let supportedExtensionsParameter: UInt16 = 0x8008

    init(value: [UInt8]) throws(SCTPParseError) {
        guard value.count >= 16 else { throw .malformed("INIT of \(value.count) bytes") }
        let v = value[...]
        self.init(initiateTag: v.uint32(at: 0), advertisedReceiverWindow: v.uint32(at: 4), outboundStreams: v.uint16(at: 8),
                  inboundStreams: v.uint16(at: 10), initialTSN: v.uint32(at: 12), forwardTSNSupported: false, supportedExtensions: [])
        for (type, body) in try SCTPParameters.split(Array(value[16...])) {
            switch type {
            case Self.stateCookie: cookie = body
            case Self.forwardTSNSupportedParameter: forwardTSNSupported = true
            case Self.supportedExtensionsParameter: supportedExtensions = body
            default: continue  // other parameters (addresses, ECN, …) do not apply over DTLS
            }
        }
    }

    func append(to out: inout [UInt8]) {
        out.appendUInt32(initiateTag)
        out.appendUInt32(advertisedReceiverWindow)
        out.appendUInt16(outboundStreams)
        out.appendUInt16(inboundStreams)
        out.appendUInt32(initialTSN)
        if let cookie { SCTPParameters.append(type: Self.stateCookie, value: cookie, to: &out) }
        if forwardTSNSupported { SCTPParameters.append(type: Self.forwardTSNSupportedParameter, value: [], to: &out) }
        if !supportedExtensions.isEmpty { SCTPParameters.append(type: Self.supportedExtensionsParameter, value: supportedExtensions, to: &out) }
    }
}

extension SCTPReconfigParameter {
    init(type: UInt16, value: [UInt8]) throws(SCTPParseError) {
        let v = value[...]
        switch type {
        case 13:
            guard value.count >= 12, value.count % 2 == 0 else { throw .malformed("reset request of \(value.count) bytes") }
            var streams: [UInt16] = []
            var index = 12
            while index + 2 <= value.count {
                streams.append(v.uint16(at: index))
                index += 2
            }
            self = .outgoingReset(requestSequence: v.uint32(at: 0), responseSequence: v.uint32(at: 4), lastTSN: v.uint32(at: 8), streams: streams)
        case 16:
            guard value.count >= 8 else { throw .malformed("reconfig response of \(value.count) bytes") }
            self = .response(responseSequence: v.uint32(at: 0), result: v.uint32(at: 4))
        default:
            self = .unknown(type: type, value: value)
        }
    }

    func append(to out: inout [UInt8]) {
        var value: [UInt8] = []
        let type: UInt16
        switch self {
        case .outgoingReset(let request, let response, let lastTSN, let streams):
            type = 13
            value.appendUInt32(request)
            value.appendUInt32(response)
            value.appendUInt32(lastTSN)
            for stream in streams { value.appendUInt16(stream) }
        case .response(let sequence, let result):
            type = 16
            value.appendUInt32(sequence)
            value.appendUInt32(result)
        case .unknown(let unknownType, let body):
            type = unknownType
            value = body
        }
        SCTPParameters.append(type: type, value: value, to: &out)
    }
}
