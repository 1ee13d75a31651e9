/// One media section: an `m=` line and the `i=`, `c=`, `b=`, `k=` and `a=` lines under it (RFC 8866 §5.14).
///
/// Attributes stay in the order written and unparsed; typed accessors (`mid`, `direction`, `rtpMaps`, …) in
/// `MediaDescription+Attributes.swift` read them on demand, so a parsed section serializes back byte for byte.
public struct MediaDescription: Hashable, Sendable {
    /// The media type.
    public var kind: MediaKind
    /// The transport port; 9 (discard) is WebRTC's placeholder, 0 marks a rejected section.
    public var port: UInt16
    /// The `/<number of ports>` suffix of the port, if written.
    public var portCount: Int?
    /// The transport protocol, such as `UDP/TLS/RTP/SAVPF` or `UDP/DTLS/SCTP`.
    public var proto: String
    /// The media formats: RTP payload types as decimal strings, or `webrtc-datachannel`.
    public var formats: [String]
    /// The `c=` lines of the section (usually one, `IN IP4 0.0.0.0`).
    public var connections: [SDPConnection]
    /// The `b=` lines of the section.
    public var bandwidths: [SDPBandwidth]
    /// The `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// Lines without a typed field (`i=`, `k=`, unknown types); see ``SDPLine`` for where they are written.
    public var otherLines: [SDPLine]

    /// Makes a section from its parts.
    public init(
        kind: MediaKind,
        port: UInt16 = 9,
        portCount: Int? = nil,
        proto: String,
        formats: [String],
        connections: [SDPConnection] = [],
        bandwidths: [SDPBandwidth] = [],
        attributes: [SDPAttribute] = [],
        otherLines: [SDPLine] = []
    ) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connections = connections
        self.bandwidths = bandwidths
        self.attributes = attributes
        self.otherLines = otherLines
    }

    /// The first `c=` line, if any.
    public var connection: SDPConnection? { connections.first }

    /// The text after `m=`.
    public var mediaLineValue: String {
        var text = "\(kind.token) \(port)"
        if let portCount { text += "/\(portCount)" }
        text += " \(proto)"
        for format in formats { text += " \(format)" }
        return text
    }

    /// The formats that are valid RTP payload types, in order.
    public var payloadTypes: [PayloadType] { formats.compactMap { PayloadType(token: $0) } }

    /// Whether the section is rejected or stopped: port 0 without `a=bundle-only` (RFC 3264 §6, RFC 8843 §6).
    public var isRejected: Bool { port == 0 && !attributes.contains(named: "bundle-only") }

    /// Appends an attribute.
    public mutating func addAttribute(_ name: String, _ value: String? = nil) {
        attributes.append(SDPAttribute(name, value))
    }
}
