import SimCore

/// The claims of a LiveKit access token (`protocol/auth/grants.go` `ClaimGrants` plus the registered JWT
/// claims). JSON keys are LiveKit's; times are whole seconds since 1970 as in the JWT.
public struct AccessTokenClaims: Codable, Hashable, Sendable {
    /// `iss`: the API key that signed the token.
    public var iss: APIKey?
    /// `sub`: the participant identity.
    public var sub: String?
    /// `jti`: token id; legacy tokens carry the identity here.
    public var jti: String?
    /// `nbf`: not valid before (seconds since 1970).
    public var nbf: Int64?
    /// `exp`: expiry (seconds since 1970); required by the verifier.
    public var exp: Int64?
    /// `iat`: issued at (seconds since 1970); informational, never checked.
    public var iat: Int64?
    /// `name`: display name, becomes `ParticipantInfo.name`.
    public var name: String?
    /// `metadata`: becomes `ParticipantInfo.metadata`.
    public var metadata: String?
    /// `attributes`: becomes `ParticipantInfo.attributes`.
    public var attributes: [String: String]?
    /// `kind`: `standard`, `ingress`, `egress`, `sip`, `agent`, `connector` or `bridge`.
    public var kind: String?
    /// `video`: the room grant.
    public var video: VideoGrant?
    /// `roomPreset`: the room preset name.
    public var roomPreset: String?
    /// `roomConfig`: a protojson `RoomConfiguration`, kept uninterpreted.
    public var roomConfig: JSONValue?
    /// `sha256`: body hash (webhooks).
    public var sha256: String?

    /// The JSON keys, exactly as LiveKit names them.
    enum CodingKeys: String, CodingKey {
        case iss, sub, jti, nbf, exp, iat, name, metadata, attributes, kind, video, roomPreset, roomConfig, sha256
    }

    /// Creates claims; every omitted field stays absent.
    public init(
        iss: APIKey? = nil,
        sub: String? = nil,
        jti: String? = nil,
        nbf: Int64? = nil,
        exp: Int64? = nil,
        iat: Int64? = nil,
        name: String? = nil,
        metadata: String? = nil,
        attributes: [String: String]? = nil,
        kind: String? = nil,
        video: VideoGrant? = nil,
        roomPreset: String? = nil,
        roomConfig: JSONValue? = nil,
        sha256: String? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.jti = jti
        self.nbf = nbf
        self.exp = exp
        self.iat = iat
        self.name = name
        self.metadata = metadata
        self.attributes = attributes
        self.kind = kind
        self.video = video
        self.roomPreset = roomPreset
        self.roomConfig = roomConfig
        self.sha256 = sha256
    }

    /// Decodes claims; times may be integers or (as go-jose accepts) fractional numbers, truncated to seconds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decodeIfPresent(APIKey.self, forKey: .iss)
        sub = try container.decodeIfPresent(String.self, forKey: .sub)
        jti = try container.decodeIfPresent(String.self, forKey: .jti)
        nbf = try Self.decodeNumericDate(container, .nbf)
        exp = try Self.decodeNumericDate(container, .exp)
        iat = try Self.decodeNumericDate(container, .iat)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        metadata = try container.decodeIfPresent(String.self, forKey: .metadata)
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        video = try container.decodeIfPresent(VideoGrant.self, forKey: .video)
        roomPreset = try container.decodeIfPresent(String.self, forKey: .roomPreset)
        roomConfig = try container.decodeIfPresent(JSONValue.self, forKey: .roomConfig)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
    }

    /// The participant identity: `sub`, else (legacy tokens) `jti`; `nil` when both are absent or empty.
    public var identity: Identity? {
        if let sub, !sub.isEmpty { return Identity(sub) }
        if let jti, !jti.isEmpty { return Identity(jti) }
        return nil
    }

    /// Reads a JWT NumericDate: an integer, or a finite number within `Int64` range truncated toward
    /// negative infinity; `null` counts as absent. Anything else is a decoding error, never a trap.
    private static func decodeNumericDate(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> Int64? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let whole = try? container.decode(Int64.self, forKey: key) { return whole }
        let seconds = try container.decode(Double.self, forKey: key).rounded(.down)
        // 2^63 is exactly representable; anything at or past it (or NaN) has no Int64 value.
        guard seconds.isFinite, seconds >= -0x1p63, seconds < 0x1p63 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "time out of range")
        }
        return Int64(seconds)
    }
}
