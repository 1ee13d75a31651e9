/// An `a=rtpmap` value (RFC 8866 §6.6): `<payload type> <encoding name>/<clock rate>[/<channels>]`.
public struct RTPMap: Hashable, Sendable {
    /// The payload type the mapping is for.
    public var payloadType: PayloadType
    /// The encoding name as written (`opus`, `VP8`, `H264`, `rtx`…); compare case-insensitively.
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The channel count for audio, if written.
    public var channels: Int?

    /// Makes a mapping from its parts.
    public init(payloadType: PayloadType, encodingName: String, clockRate: UInt32, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Parses an attribute value such as `111 opus/48000/2`; nil when any part is malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpTokens
        guard fields.count == 2, let payloadType = PayloadType(token: fields[0]) else { return nil }
        let parts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), !parts[0].isEmpty,
              let clockRate = parts[1].sdpNumber(UInt32.self)
        else { return nil }
        var channels: Int?
        if parts.count == 3 {
            guard let count = parts[2].sdpNumber(Int.self) else { return nil }
            channels = count
        }
        self.init(payloadType: payloadType, encodingName: String(parts[0]), clockRate: clockRate, channels: channels)
    }

    /// The attribute value.
    public var attributeValue: String {
        let base = "\(payloadType) \(encodingName)/\(clockRate)"
        guard let channels else { return base }
        return base + "/\(channels)"
    }

    /// The lower-cased encoding name, for comparisons (`vp8`, `opus`, `rtx`).
    public var normalizedName: String { encodingName.lowercased() }

    /// The MIME type LiveKit reports for this codec, such as `video/VP8` or `audio/opus`.
    public func mimeType(kind: MediaKind) -> String { "\(kind.token)/\(encodingName)" }
}
