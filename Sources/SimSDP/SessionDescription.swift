/// An SDP session description (RFC 8866): the session-level lines and the media sections, in order.
///
/// `SessionDescription.parse(_:)` followed by ``serialized()`` gives back the input byte for byte when the input
/// is well-formed CRLF SDP with its lines in RFC 8866 §5 order (what every browser and libwebrtc writes).
public struct SessionDescription: Hashable, Sendable {
    /// The protocol version from `v=`; always 0.
    public var version: Int
    /// The `o=` line.
    public var origin: SDPOrigin
    /// The `s=` line; browsers send `-`.
    public var sessionName: String
    /// The session-level `c=` line, if any.
    public var connection: SDPConnection?
    /// The session-level `b=` lines.
    public var bandwidths: [SDPBandwidth]
    /// The time descriptions (`t=` with their `r=` lines).
    public var timings: [SDPTiming]
    /// The session-level `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// Session-level lines without a typed field (`i u e p z k`, unknown types); see ``SDPLine``.
    public var otherLines: [SDPLine]
    /// The media sections, in order.
    public var media: [MediaDescription]

    /// Makes a description from its parts; the defaults give the `v=0`, `s=-`, `t=0 0` of WebRTC.
    public init(
        version: Int = 0,
        origin: SDPOrigin,
        sessionName: String = "-",
        connection: SDPConnection? = nil,
        bandwidths: [SDPBandwidth] = [],
        timings: [SDPTiming] = [SDPTiming()],
        attributes: [SDPAttribute] = [],
        otherLines: [SDPLine] = [],
        media: [MediaDescription] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.attributes = attributes
        self.otherLines = otherLines
        self.media = media
    }

    /// Parses SDP text (CRLF or LF line ends); see ``SDPParser``.
    ///
    /// - Throws: ``SDPParseError`` with the 1-based line number of the first problem.
    public static func parse(_ text: String) throws(SDPParseError) -> SessionDescription {
        try SDPParser.parse(text)
    }

    /// The description as SDP text with CRLF line ends; see ``SDPSerializer``.
    public func serialized() -> String {
        SDPSerializer.serialize(self)
    }
}
