import Foundation
import Testing
@testable import SimDecart

@Suite struct DecartMessageDecoderTests {
    let decoder = DecartMessageDecoder()

    func message(_ text: String) throws -> DecartClientMessage { try decoder.decode(text).message }

    func decodeError(_ text: String, decoder: DecartMessageDecoder = DecartMessageDecoder()) -> DecartDecodeError? {
        do {
            _ = try decoder.decode(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: livekit_join generations (reference §2)

    @Test func bareJoin() throws {
        #expect(try message(#"{"type":"livekit_join"}"#) == .livekitJoin(LiveKitJoinRequest(generation: .bare)))
    }

    @Test func bundledJoinWithSetImageObject() throws {
        let text = #"{"type":"livekit_join","initial_state":{"type":"set_image","image_data":"QUJD","prompt":"a cat","enhance_prompt":true}}"#
        guard case .livekitJoin(let join) = try message(text), case .bundled(let state?) = join.generation,
              case .setImage(let request) = state else {
            Issue.record("not a bundled set_image join"); return
        }
        #expect(request.imageData == .value("QUJD"))
        #expect(request.prompt == .value("a cat"))
        #expect(request.enhancePrompt == true)
        #expect(join.clientBuffersEarlyAcks)
    }

    @Test func bundledJoinWithNullInitialState() throws {
        #expect(try message(#"{"type":"livekit_join","initial_state":null}"#) == .livekitJoin(LiveKitJoinRequest(generation: .bundled(nil))))
    }

    @Test func bundledJoinWithNestedPrompt() throws {
        let join = try message(#"{"type":"livekit_join","initial_state":{"type":"prompt","prompt":"p","enhance_prompt":false}}"#)
        #expect(join == .livekitJoin(LiveKitJoinRequest(generation: .bundled(.prompt(PromptRequest(prompt: "p", enhancePrompt: false))))))
    }

    @Test func leanJoinWithCapabilities() throws {
        let frame = try decoder.decode(#"{"type":"livekit_join","passthrough":false,"client_capabilities":{"frame_timing":true}}"#)
        #expect(frame.message == .livekitJoin(LiveKitJoinRequest(generation: .lean(passthrough: false), frameTiming: true)))
        #expect(frame.ignoredKeys.isEmpty)
        guard case .livekitJoin(let join) = frame.message else { return }
        #expect(join.withholdsUntilInitialState)
    }

    @Test func leanPassthroughTrueDoesNotWithhold() throws {
        guard case .livekitJoin(let join) = try message(#"{"type":"livekit_join","passthrough":true}"#) else { Issue.record("no join"); return }
        #expect(join.generation == .lean(passthrough: true))
        #expect(!join.withholdsUntilInitialState)
    }

    @Test func pauseModeForcesWithholding() throws {
        guard case .livekitJoin(let join) = try message(#"{"type":"livekit_join","passthrough":true,"pause_mode":true}"#) else { Issue.record("no join"); return }
        #expect(join.pauseMode && join.withholdsUntilInitialState)
    }

    @Test func unknownJoinKeysAreIgnoredAndReported() throws {
        let frame = try decoder.decode(#"{"type":"livekit_join","future_flag":1,"other":"x"}"#)
        #expect(frame.message == .livekitJoin(LiveKitJoinRequest(generation: .bare)))
        #expect(frame.ignoredKeys == ["future_flag", "other"])
    }

    // MARK: set_image / prompt, nulls as each SDK sends them (reference §2)

    @Test func androidBootstrapOmitsPrompt() throws {
        guard case .state(.setImage(let request)) = try message(#"{"type":"set_image","image_data":null}"#) else { Issue.record("no set_image"); return }
        #expect(request.imageData == .null)
        #expect(request.prompt == .absent)
        #expect(request.isBootstrap)
    }

    @Test func jsAndIOSBootstrapWritesBothNulls() throws {
        guard case .state(.setImage(let request)) = try message(#"{"type":"set_image","image_data":null,"prompt":null}"#) else { Issue.record("no set_image"); return }
        #expect(request.imageData == .null && request.prompt == .null && request.isBootstrap)
    }

    @Test func pythonPromptOnlySetImage() throws {
        guard case .state(.setImage(let request)) = try message(#"{"type":"set_image","prompt":"sky"}"#) else { Issue.record("no set_image"); return }
        #expect(request.imageData == .absent && request.prompt == .value("sky") && request.enhancePrompt == nil)
        #expect(!request.isBootstrap)
    }

    @Test func imageRef() throws {
        guard case .state(.setImage(let request)) = try message(#"{"type":"set_image","image_ref":"file_123","image_data":null}"#) else { Issue.record("no set_image"); return }
        #expect(request.imageRef == "file_123" && request.imageData == .null)
    }

    @Test func promptDefaultsEnhanceToTrue() throws {
        #expect(try message(#"{"type":"prompt","prompt":"x"}"#) == .state(.prompt(PromptRequest(prompt: "x", enhancePrompt: true, enhancePromptSent: false))))
        #expect(try message(#"{"type":"prompt","prompt":"x","enhance_prompt":null}"#) == .state(.prompt(PromptRequest(prompt: "x", enhancePrompt: true, enhancePromptSent: false))))
        #expect(try message(#"{"type":"prompt","prompt":"x","enhance_prompt":false}"#) == .state(.prompt(PromptRequest(prompt: "x", enhancePrompt: false))))
    }

    @Test func jsPR119EnhanceKeyIsReported() throws {
        let frame = try decoder.decode(#"{"type":"prompt","prompt":"x","enhance":false}"#)
        #expect(frame.ignoredKeys == ["enhance"])
        #expect(frame.message == .state(.prompt(PromptRequest(prompt: "x", enhancePrompt: true, enhancePromptSent: false))))
    }

    // MARK: aiortc and the rest

    @Test func offerAnswerAndCandidates() throws {
        #expect(try message(#"{"type":"offer","sdp":"v=0\r\n"}"#) == .offer(sdp: "v=0\r\n"))
        #expect(try message(#"{"type":"answer","sdp":"v=0"}"#) == .answer(sdp: "v=0"))
        let candidate = #"{"type":"ice-candidate","candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uf"}}"#
        #expect(try message(candidate) == .iceCandidate(DecartICECandidate(candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "uf")))
        #expect(try message(#"{"type":"ice-candidate","candidate":null}"#) == .iceCandidate(nil))
        #expect(try message(#"{"type":"ice-candidate","candidate":{"candidate":"c","sdpMid":null,"sdpMLineIndex":1.0}}"#)
            == .iceCandidate(DecartICECandidate(candidate: "c", sdpMid: nil, sdpMLineIndex: 1)))
    }

    @Test func observabilityPauseResume() throws {
        #expect(try message(#"{"type":"observability","data":{"k":[1,2]}}"#) == .observability(.object(["k": .array([.int(1), .int(2)])])))
        #expect(try message(#"{"type":"pause"}"#) == .pause)
        #expect(try message(#"{"type":"resume"}"#) == .resume)
    }

    @Test func whitespaceAndKeyOrderDoNotMatter() throws {
        #expect(try message(" {\n \"prompt\" : \"x\" ,\t\"type\":\"prompt\" } \r\n") == .state(.prompt(PromptRequest(prompt: "x", enhancePrompt: true, enhancePromptSent: false))))
    }

    // MARK: bad input: each kind is a typed error

    @Test func notJSON() {
        guard case .notJSON(let error)? = decodeError("{type: livekit_join}") else { Issue.record("expected notJSON"); return }
        #expect(error.offset == 1)
        guard case .notJSON? = decodeError("") else { Issue.record("empty text"); return }
        guard case .notJSON? = decodeError(#"{"type":"prompt","prompt":"x"} trailing"#) else { Issue.record("trailing"); return }
    }

    @Test func notAnObject() {
        #expect(decodeError(#"["livekit_join"]"#) == .notAnObject(found: "array"))
        #expect(decodeError("42") == .notAnObject(found: "number"))
        #expect(decodeError(#""livekit_join""#) == .notAnObject(found: "string"))
    }

    @Test func missingAndMistypedType() {
        #expect(decodeError(#"{"prompt":"x"}"#) == .missingType)
        #expect(decodeError(#"{"type":7}"#) == .typeNotAString(found: "number"))
        #expect(decodeError(#"{"type":null}"#) == .typeNotAString(found: "null"))
    }

    @Test func unknownType() {
        #expect(decodeError(#"{"type":"session_started"}"#) == .unknownType("session_started"))
    }

    @Test func missingFields() {
        #expect(decodeError(#"{"type":"prompt"}"#) == .missingField(type: "prompt", field: "prompt"))
        #expect(decodeError(#"{"type":"offer"}"#) == .missingField(type: "offer", field: "sdp"))
        #expect(decodeError(#"{"type":"ice-candidate"}"#) == .missingField(type: "ice-candidate", field: "candidate"))
        #expect(decodeError(#"{"type":"ice-candidate","candidate":{"sdpMid":"0"}}"#) == .missingField(type: "ice-candidate.candidate", field: "candidate"))
    }

    @Test func mistypedFields() {
        #expect(decodeError(#"{"type":"prompt","prompt":null}"#) == .mistypedField(type: "prompt", field: "prompt", expected: "a string", found: "null"))
        #expect(decodeError(#"{"type":"prompt","prompt":"x","enhance_prompt":"yes"}"#) == .mistypedField(type: "prompt", field: "enhance_prompt", expected: "a boolean", found: "string"))
        #expect(decodeError(#"{"type":"set_image","image_data":12}"#) == .mistypedField(type: "set_image", field: "image_data", expected: "a string or null", found: "number"))
        #expect(decodeError(#"{"type":"livekit_join","passthrough":"false"}"#) == .mistypedField(type: "livekit_join", field: "passthrough", expected: "a boolean", found: "string"))
        #expect(decodeError(#"{"type":"livekit_join","initial_state":"x"}"#) == .mistypedField(type: "livekit_join", field: "initial_state", expected: "an object or null", found: "string"))
        #expect(decodeError(#"{"type":"ice-candidate","candidate":{"candidate":"c","sdpMLineIndex":0.5}}"#) == .mistypedField(type: "ice-candidate.candidate", field: "sdpMLineIndex", expected: "an integer", found: "number"))
    }

    @Test func invalidValues() {
        guard case .invalidValue(_, "image_ref", _)? = decodeError(#"{"type":"set_image","image_data":"QUJD","image_ref":"file_1"}"#) else {
            Issue.record("image_data + image_ref"); return
        }
        guard case .invalidValue("livekit_join", "initial_state", _)? = decodeError(#"{"type":"livekit_join","initial_state":{"type":"offer","sdp":"x"}}"#) else {
            Issue.record("nested offer"); return
        }
        guard case .invalidValue("livekit_join", "initial_state", _)? = decodeError(#"{"type":"livekit_join","initial_state":{"prompt":"x"}}"#) else {
            Issue.record("nested without type"); return
        }
        #expect(decodeError(#"{"type":"livekit_join","initial_state":{"type":"prompt"}}"#) == .missingField(type: "livekit_join.initial_state(prompt)", field: "prompt"))
    }

    @Test func tooLarge() {
        let small = DecartMessageDecoder(maximumFrameBytes: 64)
        let text = #"{"type":"prompt","prompt":""# + String(repeating: "a", count: 100) + #""}"#
        #expect(decodeError(text, decoder: small) == .tooLarge(byteCount: text.utf8.count, limit: 64))
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let deep = #"{"type":"observability","data":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        guard case .notJSON(let error)? = decodeError(deep) else { Issue.record("expected notJSON"); return }
        #expect(error.reason == .tooDeep(limit: JSONParser.defaultMaximumDepth))
    }

    /// Error texts must not contain the SDKs' permanent substrings (reference §7.1), or a malformed frame would
    /// stop a client from retrying.
    @Test func decodeErrorTextsAvoidPermanentSubstrings() {
        let permanent = ["permission denied", "not allowed", "invalid session", "401", "invalid api key", "unauthorized", "403", "session expired"]
        let errors: [DecartDecodeError] = [
            .tooLarge(byteCount: 40_100_000, limit: 33_554_432), .binaryFrame(byteCount: 401), .notJSON(JSONParseError(.unexpectedEnd, at: 401)),
            .notAnObject(found: "array"), .missingType, .typeNotAString(found: "number"), .unknownType("x"),
            .missingField(type: "prompt", field: "prompt"), .mistypedField(type: "a", field: "b", expected: "c", found: "d"),
            .invalidValue(type: "a", field: "b", reason: "c"), .unknownType("Unauthorized"), .unknownType("permission denied"),
        ]
        for error in errors {
            let text = error.errorText.lowercased()
            #expect(!text.isEmpty)
            for substring in permanent { #expect(!text.contains(substring), "\(error.tag): \(text)") }
        }
        // Neutralizing keeps the text readable: only zero-width spaces are added.
        let neutral = DecartDecodeError.binaryFrame(byteCount: 401).errorText
        #expect(neutral.replacingOccurrences(of: "\u{200B}", with: "") == DecartDecodeError.binaryFrame(byteCount: 401).rawText)
        #expect(DecartErrorText.neutralized("nothing to fix") == "nothing to fix")
        #expect(DecartErrorText.excerpt(String(repeating: "x", count: 1_000)).count == 65)
    }

    // MARK: large frames

    /// A 4 MB base64 `set_image` decodes intact and quickly (reference §9.1: images are several MB in one frame).
    @Test func fourMegabyteSetImageDecodesFast() throws {
        let base64 = String(repeating: "QUJD", count: 1_048_576)  // 4 MiB of base64
        let text = #"{"type":"set_image","image_data":""# + base64 + #"","prompt":"big","enhance_prompt":true}"#
        let started = ContinuousClock.now
        let frame = try decoder.decode(text)
        let elapsed = ContinuousClock.now - started
        guard case .state(.setImage(let request)) = frame.message else { Issue.record("no set_image"); return }
        #expect(request.imageData.wrapped?.utf8.count == 4 * 1_048_576)
        #expect(request.imageData.wrapped == base64)
        #expect(frame.byteCount == text.utf8.count)
        #expect(try DecartImageCheck.decodedByteCount(base64) == 3 * 1_048_576)
        // Debug build, shared CI core: generous, but a byte-by-byte escaped-string path would blow it.
        #expect(elapsed < .seconds(2), "4 MB decode took \(elapsed)")
    }

    /// Android's org.json-style `\/` escapes force the slow path; it must still decode correctly.
    @Test func escapedSlashesInLargeImage() throws {
        let chunk = #"ab\/cd+="#
        let text = #"{"type":"set_image","image_data":""# + String(repeating: chunk, count: 20_000) + #""}"#
        guard case .state(.setImage(let request)) = try message(text) else { Issue.record("no set_image"); return }
        #expect(request.imageData.wrapped == String(repeating: "ab/cd+=", count: 20_000))
    }
}
