#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One ICE candidate in SDP form (RFC 8839 §5.1), validated and normalised before it reaches libnice.
///
/// Accepts `candidate:…` or `a=candidate:…`, with or without a trailing CRLF, and collapses runs of spaces.
/// libnice's own parser reads past missing fields (NULL transport/foundation), so every line is checked here
/// first; peer input never traps, it becomes an ``ICECandidateLineError``.
public struct ICECandidateLine: Sendable, Equatable {
    /// The candidate's transport protocol.
    public enum Transport: String, Sendable, Equatable {
        /// UDP (`UDP` in SDP, any case).
        case udp
        /// TCP (RFC 6544), which also needs a `tcptype`.
        case tcp
    }

    /// The candidate type (RFC 8445 §5.1.1).
    public enum CandidateType: String, Sendable, Equatable {
        /// A host candidate: a local interface address.
        case host
        /// A server-reflexive candidate (STUN).
        case srflx
        /// A peer-reflexive candidate.
        case prflx
        /// A relayed candidate (TURN).
        case relay
    }

    /// The longest line accepted, in UTF-8 bytes (real candidate lines are ~100–250 bytes).
    public static let maximumLength = 1024

    /// The foundation: 1–32 `ice-char`s.
    public var foundation: String
    /// The component ID (1…256); 1 is RTP (with rtcp-mux, the only one).
    public var componentID: Int
    /// The transport.
    public var transport: Transport
    /// The candidate priority.
    public var priority: UInt32
    /// The connection address: an IPv4 or IPv6 literal.
    public var address: String
    /// The port.
    public var port: UInt16
    /// The candidate type.
    public var type: CandidateType
    /// The related address (`raddr`), if present.
    public var relatedAddress: String?
    /// The related port (`rport`), if present.
    public var relatedPort: UInt16?
    /// The TCP candidate type (`tcptype`: `active`, `passive` or `so`), if present.
    public var tcpType: String?
    /// The normalised attribute value, `candidate:…` with single spaces and no `a=` prefix.
    public var attributeValue: String

    /// The SDP attribute line libnice parses: `a=` + ``attributeValue``.
    public var sdpAttribute: String { "a=" + attributeValue }

    /// Parses and validates one candidate line.
    ///
    /// - Throws: ``ICECandidateLineError`` naming the first problem found.
    public init(parsing line: String) throws(ICECandidateLineError) {
        guard line.utf8.count <= Self.maximumLength else { throw .tooLong }
        var text = Substring(line)
        while let last = text.last, last == "\r" || last == "\n" || last == " " || last == "\r\n" {
            text = text.dropLast()
        }
        while text.first == " " { text = text.dropFirst() }
        if text.hasPrefix("a=") { text = text.dropFirst(2) }
        guard text.hasPrefix("candidate:") else { throw .missingPrefix }
        text = text.dropFirst("candidate:".count)
        // Visible ASCII and spaces only: no NUL (which would truncate the C string), tabs or control bytes.
        guard text.utf8.allSatisfy({ $0 == 0x20 || (0x21...0x7E).contains($0) }) else { throw .invalidCharacters }

        let tokens = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        // foundation component transport priority address port "typ" type
        guard tokens.count >= 8 else { throw .tooFewFields }

        let foundation = tokens[0]
        guard (1...32).contains(foundation.utf8.count), foundation.utf8.allSatisfy(Self.isICEChar) else {
            throw .invalidFoundation
        }
        guard tokens[1].utf8.count <= 3, let componentID = Int(tokens[1]), (1...256).contains(componentID) else {
            throw .invalidComponent
        }
        guard let transport = Transport(rawValue: tokens[2].lowercased()) else { throw .invalidTransport }
        guard tokens[3].utf8.count <= 10, let priority = UInt32(tokens[3]) else { throw .invalidPriority }
        guard Self.isIPLiteral(tokens[4]) else { throw .invalidAddress }
        guard let port = UInt16(tokens[5]) else { throw .invalidPort }
        guard tokens[6] == "typ" else { throw .missingType }
        guard let type = CandidateType(rawValue: tokens[7]) else { throw .invalidType }

        var relatedAddress: String?
        var relatedPort: UInt16?
        var tcpType: String?
        var index = 8
        while index < tokens.count {
            guard index + 1 < tokens.count else { throw .unpairedExtension }
            let value = tokens[index + 1]
            switch tokens[index] {
            case "raddr":
                guard Self.isIPLiteral(value) else { throw .invalidRelatedAddress }
                relatedAddress = value
            case "rport":
                guard let parsed = UInt16(value) else { throw .invalidRelatedPort }
                relatedPort = parsed
            case "tcptype":
                guard ["active", "passive", "so"].contains(value.lowercased()) else { throw .invalidTCPType }
                tcpType = value
            default:
                break  // RFC 8839 §5.1 cand-extension (generation, ufrag, network-id, …): kept verbatim.
            }
            index += 2
        }
        if transport == .tcp, tcpType == nil { throw .invalidTCPType }

        self.foundation = foundation
        self.componentID = componentID
        self.transport = transport
        self.priority = priority
        self.address = tokens[4]
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.tcpType = tcpType
        self.attributeValue = "candidate:" + tokens.joined(separator: " ")
    }

    /// RFC 8839 §5.1 `ice-char = ALPHA / DIGIT / "+" / "/"`.
    private static func isICEChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }

    /// Whether `text` is an IPv4 or IPv6 address literal (libnice resolves no names; mDNS `.local` names fail).
    static func isIPLiteral(_ text: String) -> Bool {
        var storage = in6_addr()
        return text.withCString { cString in
            inet_pton(AF_INET, cString, &storage) == 1 || inet_pton(AF_INET6, cString, &storage) == 1
        }
    }
}

/// Why a remote candidate line was rejected.
public enum ICECandidateLineError: Error, Equatable, Sendable {
    /// Longer than ``ICECandidateLine/maximumLength``.
    case tooLong
    /// Does not start with `candidate:` (optionally after `a=`).
    case missingPrefix
    /// Contains bytes other than visible ASCII and spaces.
    case invalidCharacters
    /// Fewer than the eight mandatory fields (foundation … `typ` type).
    case tooFewFields
    /// The foundation is empty, longer than 32 or not `ice-char`s.
    case invalidFoundation
    /// The component ID is not a number in 1…256.
    case invalidComponent
    /// The transport is neither UDP nor TCP.
    case invalidTransport
    /// The priority is not a 32-bit unsigned number.
    case invalidPriority
    /// The connection address is not an IP literal (this includes mDNS `.local` names, which we do not resolve).
    case invalidAddress
    /// The port is not a number in 0…65535.
    case invalidPort
    /// The seventh field is not `typ`.
    case missingType
    /// The candidate type is not host, srflx, prflx or relay.
    case invalidType
    /// An extension name has no value.
    case unpairedExtension
    /// `raddr` is not an IP literal.
    case invalidRelatedAddress
    /// `rport` is not a port number.
    case invalidRelatedPort
    /// A TCP candidate without a valid `tcptype` (active, passive, so).
    case invalidTCPType
    /// The line passed these checks but libnice's parser still refused it.
    case rejectedByLibnice
}
