/// What a client's answer says about one section of our subscriber offer.
public struct SubscriberAnswerSection: Hashable, Sendable {
    /// The section's mid.
    public var mid: MediaID
    /// The media kind.
    public var kind: MediaKind
    /// Whether the answerer accepted the section (port ≠ 0, RFC 3264 §6).
    public var accepted: Bool
    /// The answer's direction for the section, from the answerer's point of view (`recvonly` for a track it
    /// takes, `inactive` for a placeholder).
    public var direction: MediaDirection
    /// The answer's codecs as the answerer wrote them, in its m-line order (each payload type once, only those
    /// with an `a=rtpmap`); empty for a rejected section.
    public var codecs: [RTPMap]

    /// Makes a summary from its parts.
    public init(mid: MediaID, kind: MediaKind, accepted: Bool, direction: MediaDirection, codecs: [RTPMap]) {
        self.mid = mid
        self.kind = kind
        self.accepted = accepted
        self.direction = direction
        self.codecs = codecs
    }

    /// Whether the answerer accepted the section and receives media in it.
    public var receives: Bool { accepted && direction.receives }

    /// The answer's payload types by lower-cased encoding name, in m-line order (H.264 may have several).
    public var payloadTypes: [String: [PayloadType]] {
        var result: [String: [PayloadType]] = [:]
        for codec in codecs { result[codec.normalizedName, default: []].append(codec.payloadType) }
        return result
    }

    /// The answerer's first (preferred) payload type for `encodingName`, compared case-insensitively.
    public func payloadType(forEncoding encodingName: String) -> PayloadType? {
        let wanted = encodingName.lowercased()
        return codecs.first { $0.normalizedName == wanted }?.payloadType
    }
}
