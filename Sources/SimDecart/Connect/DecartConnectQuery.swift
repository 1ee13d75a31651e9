/// The query of `GET /v1/stream` (reference §1), parsed from the raw query string.
///
/// `api_key` may arrive un-encoded (iOS concatenates it raw), so a literal `+`, `/` or `=` in it is kept as is:
/// pairs split at the first `=` only, and `+` means a space in every parameter except `api_key`.
public struct DecartConnectQuery: Sendable, Equatable {
    /// `api_key`, percent-decoded (a literal `+` kept), or nil when absent.
    public var apiKey: String?
    /// `api_key` exactly as it appeared in the query (for matching keys that contain `%`).
    public var rawAPIKey: String?
    /// `model`.
    public var model: String?
    /// `resolution` (`720p` or `1080p`; the server default is 720p).
    public var resolution: String?
    /// `user_agent` (JS, Android, Python; iOS sends none).
    public var userAgent: String?
    /// `emit_server_metrics=1`: periodic `server_metrics` (reference §3).
    public var emitServerMetrics: Bool
    /// `livekit_server_codec` (JS on desktop Safari asks for `vp8`).
    public var livekitServerCodec: String?
    /// `pixel_latency=1`: re-stamp pixel markers (reference §7.3).
    public var pixelLatency: Bool
    /// `livekit_early_room_info=true` (PY-main always; reference §1, §8 R9).
    public var livekitEarlyRoomInfo: Bool
    /// `livekit_eager_join=true` (JS-errors branch; meaning undocumented, recorded only).
    public var livekitEagerJoin: Bool
    /// Every parameter, decoded, in order (including the ones above).
    public var parameters: [(name: String, value: String)]

    /// A query from its fields (tests); `parameters` is left empty.
    public init(apiKey: String? = nil, model: String? = nil, resolution: String? = nil, userAgent: String? = nil,
                emitServerMetrics: Bool = false, livekitServerCodec: String? = nil, pixelLatency: Bool = false,
                livekitEarlyRoomInfo: Bool = false, livekitEagerJoin: Bool = false) {
        self.apiKey = apiKey
        rawAPIKey = apiKey
        self.model = model
        self.resolution = resolution
        self.userAgent = userAgent
        self.emitServerMetrics = emitServerMetrics
        self.livekitServerCodec = livekitServerCodec
        self.pixelLatency = pixelLatency
        self.livekitEarlyRoomInfo = livekitEarlyRoomInfo
        self.livekitEagerJoin = livekitEagerJoin
        parameters = []
    }

    /// Parses a raw query string (the part after `?`, without `#fragment`); a leading `?` is ignored.
    /// Never fails: undecodable escapes are kept literally.
    public init(rawQuery: String) {
        self.init()
        var query = Substring(rawQuery)
        if query.first == "?" { query = query.dropFirst() }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let rawValue: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                rawValue = pair[pair.index(after: equals)...]
            } else {
                name = pair
                rawValue = ""
            }
            let decodedName = Self.percentDecode(name, plusIsSpace: true)
            // A base64-style key keeps its `+` (iOS sends it raw; JS/Android/Python send %2B).
            let isKey = decodedName == "api_key"
            let value = Self.percentDecode(rawValue, plusIsSpace: !isKey)
            parameters.append((name: decodedName, value: value))
            switch decodedName {
            case "api_key":
                apiKey = value
                rawAPIKey = String(rawValue)
            case "model": model = value
            case "resolution": resolution = value
            case "user_agent": userAgent = value
            case "emit_server_metrics": emitServerMetrics = Self.flag(value)
            case "livekit_server_codec": livekitServerCodec = value
            case "pixel_latency": pixelLatency = Self.flag(value)
            case "livekit_early_room_info": livekitEarlyRoomInfo = Self.flag(value)
            case "livekit_eager_join": livekitEagerJoin = Self.flag(value)
            default: break
            }
        }
    }

    /// The decoded value of the last parameter named `name`.
    public func value(_ name: String) -> String? { parameters.last { $0.name == name }?.value }

    /// `1`/`true`/`yes` (any case) are on.
    static func flag(_ value: String) -> Bool { ["1", "true", "yes"].contains(value.lowercased()) }

    /// Percent-decodes UTF-8; a `%` not followed by two hex digits, or bytes that are not UTF-8, are kept raw.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String {
        guard text.contains(where: { $0 == "%" || (plusIsSpace && $0 == "+") }) else { return String(text) }
        let source = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "%"), index + 2 < source.count,
               let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                out.append(UInt8(ascii: " "))
                index += 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(text)
    }

    /// The value of one hex digit.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Field-wise equality, parameters included.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.apiKey == rhs.apiKey && lhs.rawAPIKey == rhs.rawAPIKey && lhs.model == rhs.model && lhs.resolution == rhs.resolution
            && lhs.userAgent == rhs.userAgent && lhs.emitServerMetrics == rhs.emitServerMetrics
            && lhs.livekitServerCodec == rhs.livekitServerCodec && lhs.pixelLatency == rhs.pixelLatency
            && lhs.livekitEarlyRoomInfo == rhs.livekitEarlyRoomInfo && lhs.livekitEagerJoin == rhs.livekitEagerJoin
            && lhs.parameters.elementsEqual(rhs.parameters) { $0.name == $1.name && $0.value == $1.value }
    }
}
