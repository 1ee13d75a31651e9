/// Decodes control text frames into typed client messages (reference §2), rejecting bad input with a typed
/// `DecartDecodeError` instead of trapping.
public struct DecartMessageDecoder: Sendable {
    /// Default frame limit: 32 MiB, well above a multi-MB base64 image (reference §9.1: WebSocket libraries
    /// default to 16 KiB, which real `set_image` frames exceed).
    public static let defaultMaximumFrameBytes = 32 * 1024 * 1024

    /// The largest text frame accepted, in bytes.
    public var maximumFrameBytes: Int

    /// A decoder with a frame limit.
    public init(maximumFrameBytes: Int = DecartMessageDecoder.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    /// Known top-level keys per message type (anything else is reported in `ignoredKeys`).
    static let knownKeys: [String: Set<String>] = [
        "livekit_join": ["type", "initial_state", "passthrough", "client_capabilities", "pause_mode"],
        "set_image": ["type", "image_data", "image_ref", "prompt", "enhance_prompt"],
        "prompt": ["type", "prompt", "enhance_prompt"],
        "offer": ["type", "sdp"],
        "answer": ["type", "sdp"],
        "ice-candidate": ["type", "candidate"],
        "observability": ["type", "data"],
        "pause": ["type"],
        "resume": ["type"],
    ]

    /// Decodes one text frame.
    /// - Throws: `DecartDecodeError` naming what is wrong.
    public func decode(_ text: String) throws(DecartDecodeError) -> DecartDecodedFrame {
        let byteCount = text.utf8.count
        guard byteCount <= maximumFrameBytes else { throw .tooLarge(byteCount: byteCount, limit: maximumFrameBytes) }
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw .notJSON(error) }
        var frame = try decode(value)
        frame.byteCount = byteCount
        return frame
    }

    /// Decodes an already-parsed JSON value.
    /// - Throws: `DecartDecodeError` naming what is wrong.
    public func decode(_ value: JSONValue) throws(DecartDecodeError) -> DecartDecodedFrame {
        guard case .object(let object) = value else { throw .notAnObject(found: value.typeName) }
        let type = try Self.type(of: object)
        guard let known = Self.knownKeys[type] else { throw .unknownType(type) }
        let fields = MessageFields(object: object, type: type)
        let message = try message(type: type, fields: fields)
        return DecartDecodedFrame(message: message, ignoredKeys: fields.unknownKeys(known: known))
    }

    /// The `type` of a message object.
    static func type(of object: JSONObject) throws(DecartDecodeError) -> String {
        guard let value = object["type"] else { throw .missingType }
        guard case .string(let type) = value else { throw .typeNotAString(found: value.typeName) }
        return type.value
    }

    /// The message of a known `type`.
    func message(type: String, fields: MessageFields) throws(DecartDecodeError) -> DecartClientMessage {
        switch type {
        case "livekit_join": return .livekitJoin(try join(fields))
        case "set_image": return .state(.setImage(try setImage(fields)))
        case "prompt": return .state(.prompt(try prompt(fields)))
        case "offer": return .offer(sdp: try fields.requiredString("sdp").value)
        case "answer": return .answer(sdp: try fields.requiredString("sdp").value)
        case "ice-candidate": return .iceCandidate(try candidate(fields))
        case "observability": return .observability(fields.object["data"])
        case "pause": return .pause
        case "resume": return .resume
        default: throw .unknownType(type)
        }
    }

    /// `livekit_join`: the `initial_state` key makes it bundled (even with `null`), else `passthrough` makes it
    /// lean, else it is bare (reference §2). With both keys, `initial_state` wins.
    func join(_ fields: MessageFields) throws(DecartDecodeError) -> LiveKitJoinRequest {
        let generation: LiveKitJoinRequest.Generation
        switch fields.object["initial_state"] {
        case .null?:
            generation = .bundled(nil)
        case .object(let nested)?:
            generation = .bundled(try initialState(nested))
        case let other?:
            throw fields.mistyped("initial_state", "an object or null", other)
        case nil:
            if fields.object.contains("passthrough") {
                guard let passthrough = try fields.optionalBool("passthrough") else {
                    throw .mistypedField(type: fields.type, field: "passthrough", expected: "a boolean", found: "null")
                }
                generation = .lean(passthrough: passthrough)
            } else {
                generation = .bare
            }
        }
        var frameTiming = false
        switch fields.object["client_capabilities"] {
        case nil, .null?: break
        case .object(let capabilities)?:
            frameTiming = try MessageFields(object: capabilities, type: "livekit_join.client_capabilities").optionalBool("frame_timing") ?? false
        case let other?:
            throw fields.mistyped("client_capabilities", "an object", other)
        }
        let pauseMode = try fields.optionalBool("pause_mode") ?? false
        return LiveKitJoinRequest(generation: generation, frameTiming: frameTiming, pauseMode: pauseMode)
    }

    /// The object inside a bundled join: a complete `set_image` or `prompt` message with its own `type`.
    func initialState(_ object: JSONObject) throws(DecartDecodeError) -> DecartStateMessage {
        let type: String
        do { type = try Self.type(of: object) } catch {
            throw .invalidValue(type: "livekit_join", field: "initial_state", reason: "must be a set_image or prompt message with a \"type\"")
        }
        let fields = MessageFields(object: object, type: "livekit_join.initial_state(\(type))")
        switch type {
        case "set_image": return .setImage(try setImage(fields))
        case "prompt": return .prompt(try prompt(fields))
        default:
            throw .invalidValue(type: "livekit_join", field: "initial_state", reason: "has type \"\(type)\"; expected set_image or prompt")
        }
    }

    /// `set_image`: nullable fields as sent; `image_data` and `image_ref` are exclusive.
    func setImage(_ fields: MessageFields) throws(DecartDecodeError) -> SetImageRequest {
        let imageData = try fields.nullableString("image_data")
        let imageRef = try fields.nullableString("image_ref").wrapped?.value
        if imageData.wrapped != nil, imageRef != nil {
            throw .invalidValue(type: fields.type, field: "image_ref", reason: "cannot be combined with a non-null image_data")
        }
        let prompt: JSONField<PromptText> = switch try fields.nullableString("prompt") {
        case .absent: .absent
        case .null: .null
        case .value(let string): .value(PromptText(json: string))
        }
        let data: JSONField<String> = switch imageData {
        case .absent: .absent
        case .null: .null
        case .value(let string): .value(string.value)
        }
        return SetImageRequest(imageData: data, imageRef: imageRef, prompt: prompt, enhancePrompt: try fields.optionalBool("enhance_prompt"))
    }

    /// `prompt`: a required string; `enhance_prompt` defaults to true.
    func prompt(_ fields: MessageFields) throws(DecartDecodeError) -> PromptRequest {
        let text = try fields.requiredString("prompt")
        let enhance = try fields.optionalBool("enhance_prompt")
        return PromptRequest(prompt: PromptText(json: text), enhancePrompt: enhance ?? true, enhancePromptSent: enhance != nil)
    }

    /// `ice-candidate`: `candidate` must be present; `null` ends gathering (JS, reference §2).
    func candidate(_ fields: MessageFields) throws(DecartDecodeError) -> DecartICECandidate? {
        switch fields.object["candidate"] {
        case nil: throw .missingField(type: fields.type, field: "candidate")
        case .null?: return nil
        case .object(let object)?:
            let inner = MessageFields(object: object, type: "ice-candidate.candidate")
            return DecartICECandidate(
                candidate: try inner.requiredString("candidate").value,
                sdpMid: try inner.nullableString("sdpMid").wrapped?.value,
                sdpMLineIndex: try inner.optionalInt("sdpMLineIndex"),
                usernameFragment: try inner.nullableString("usernameFragment").wrapped?.value
            )
        case let other?: throw fields.mistyped("candidate", "an object or null", other)
        }
    }
}
