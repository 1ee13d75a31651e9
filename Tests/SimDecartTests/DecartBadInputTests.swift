import SimCore
import Testing
@testable import SimDecart

/// Every bad input gets a clear `error` frame, never a crash or a close, and leaves the session and every other
/// session working.
@Suite struct DecartBadInputTests {
    enum BadInput: String, CaseIterable, CustomTestStringConvertible {
        case notJSON, notAnObject, missingType, typeNotAString, unknownType, missingField, mistypedField, invalidValue
        case oversizeText, oversizeReported, binary

        var testDescription: String { rawValue }

        func event(_ connection: ConnectionID) -> DecartEvent {
            switch self {
            case .notJSON: .textFrameReceived(connection, "{\"type\":\"livekit_join\"")
            case .notAnObject: .textFrameReceived(connection, "[1,2,3]")
            case .missingType: .textFrameReceived(connection, #"{"prompt":"x"}"#)
            case .typeNotAString: .textFrameReceived(connection, #"{"type":["prompt"]}"#)
            case .unknownType: .textFrameReceived(connection, #"{"type":"setup_timing"}"#)
            case .missingField: .textFrameReceived(connection, #"{"type":"prompt","enhance_prompt":true}"#)
            case .mistypedField: .textFrameReceived(connection, #"{"type":"set_image","image_data":{"b64":"x"}}"#)
            case .invalidValue: .textFrameReceived(connection, #"{"type":"set_image","image_data":"QUJD","image_ref":"file_1"}"#)
            case .oversizeText: .textFrameReceived(connection, #"{"type":"prompt","prompt":""# + String(repeating: "x", count: 2_000) + #""}"#)
            case .oversizeReported: .oversizeFrameReceived(connection, byteCount: 50_000_000)
            case .binary: .binaryFrameReceived(connection, byteCount: 12)
            }
        }

        var expectedText: String {
            switch self {
            case .notJSON: "not valid JSON"
            case .notAnObject: "expected a JSON object"
            case .missingType: "missing \"type\""
            case .typeNotAString: "\"type\" must be a string"
            case .unknownType: "unknown message type \"setup_timing\""
            case .missingField: "missing field \"prompt\""
            case .mistypedField: "field \"image_data\" must be a string or null"
            case .invalidValue: "image_ref"
            case .oversizeText, .oversizeReported: "message too large"
            case .binary: "binary frames are not supported"
            }
        }
    }

    static var configuration: DecartConfiguration {
        var configuration = DecartConfiguration()
        configuration.maximumFrameBytes = 1_024
        return configuration
    }

    @Test(arguments: BadInput.allCases)
    func badInputBeforeJoinGetsErrorAndSessionContinues(_ input: BadInput) {
        var h = DecartHarness(configuration: Self.configuration)
        h.joined(2)
        h.published(2)
        h.open(1)
        let bad = h.handle(input.event(ConnectionID(1)))
        #expect(bad.errors(to: 1).count == 1)
        #expect(bad.errors(to: 1).first?.contains(input.expectedText) == true, "\(bad.errors(to: 1))")
        #expect(bad.closes.isEmpty)
        #expect(bad.records("control.in.invalid").first?.tap == .controlIn)
        #expect(bad.types(to: 2).isEmpty)
        // Session 1 still joins normally.
        h.text(1, #"{"type":"livekit_join","initial_state":{"type":"prompt","prompt":"p"}}"#)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        // Session 2 still answers and ticks.
        #expect(h.text(2, #"{"type":"prompt","prompt":"q"}"#).types(to: 2) == ["prompt_ack"])
        #expect(h.advance(by: .seconds(1)).types(to: 2) == ["generation_tick"])
    }

    @Test(arguments: BadInput.allCases)
    func badInputWhileGeneratingDoesNotDisturbGeneration(_ input: BadInput) {
        var h = DecartHarness(configuration: Self.configuration)
        h.joined(1)
        h.published(1)
        let bad = h.handle(input.event(ConnectionID(1)))
        #expect(bad.types(to: 1) == ["error"])
        #expect(!bad.contains(1) { if case .stopInference = $0 { true } else { false } })
        #expect(h.machine.isGenerating(ConnectionID(1)))
        #expect(h.advance(by: .seconds(2)).messages(to: 1) == [.generationTick(seconds: 1), .generationTick(seconds: 2)])
    }

    @Test func outOfPlaceMessagesAreRefusedWithoutStateChange() {
        var h = DecartHarness()
        h.joined(1)
        #expect(h.text(1, #"{"type":"livekit_join"}"#).errors(to: 1) == ["livekit_join already received on this connection"])
        #expect(h.text(1, #"{"type":"offer","sdp":"v=0"}"#).errors(to: 1).first?.hasPrefix("offer on a livekit_join session") == true)
        #expect(h.text(1, #"{"type":"ice-candidate","candidate":null}"#).errors(to: 1) == ["ice-candidate before offer"])
        #expect(h.text(1, #"{"type":"answer","sdp":"v=0"}"#).errors(to: 1).first?.hasPrefix("unexpected answer") == true)
        #expect(h.transcript.roomRequests(ConnectionID(1)).count == 1)
        #expect(h.published(1).types(to: 1) == ["generation_started"])
    }

    @Test func semanticImageErrorsAreAckFailures() {
        var h = DecartHarness()
        h.joined(1)
        let cases: [(String, String)] = [
            (#"{"type":"set_image","image_data":"data:image/png;base64,QUJD"}"#, "without a data: URL prefix"),
            (#"{"type":"set_image","image_data":"QU*D"}"#, "bad character at offset 2"),
            (#"{"type":"set_image","image_data":"QUJDR"}"#, "bad length"),
            (#"{"type":"set_image","image_data":""}"#, "empty"),
            (#"{"type":"set_image","image_ref":"https://x/y.png"}"#, "file reference"),
        ]
        for (frame, text) in cases {
            let messages = h.text(1, frame).messages(to: 1)
            guard case .setImageAck(false, let error?)? = messages.first, messages.count == 1 else {
                Issue.record("\(frame): \(messages)"); continue
            }
            #expect(error.contains(text), "\(error)")
        }
        #expect(h.machine.generationState(of: ConnectionID(1)) == nil)
    }

    @Test func unknownKeysAreLoggedNotRefused() {
        var h = DecartHarness()
        h.joined(1)
        let prompt = h.text(1, #"{"type":"prompt","prompt":"x","enhance":false}"#)
        #expect(prompt.types(to: 1) == ["prompt_ack"])
        #expect(prompt.records("control.in.ignored_keys").first?.detail["keys"] == .strings(["enhance"]))
    }

    @Test func framesForUnknownConnectionsAreIgnored() {
        var h = DecartHarness()
        #expect(h.text(9, "garbage").isEmpty)
        #expect(h.handle(.binaryFrameReceived(ConnectionID(9), byteCount: 1)).isEmpty)
        #expect(h.handle(.connectionClosed(ConnectionID(9), code: nil, reason: "")).isEmpty)
        #expect(h.handle(.timerFired(.generationTick(ConnectionID(9)))).isEmpty)
        #expect(h.handle(.publisherVideoPublished(ConnectionID(9))).isEmpty)
    }

    @Test func fourMegabyteSetImageIsAcked() {
        var h = DecartHarness()
        h.joined(1)
        let base64 = String(repeating: "QUJD", count: 1_048_576)
        let ack = h.text(1, #"{"type":"set_image","image_data":""# + base64 + #"","prompt":"big"}"#)
        #expect(ack.messages(to: 1) == [.setImageAck(success: true, error: nil)])
        #expect(ack.records("decart.state").first?.detail["image_bytes"] == .int(3 * 1_048_576))
    }

    @Test func pauseAndObservabilityAreHandled() {
        var h = DecartHarness()
        h.joined(1)
        #expect(h.text(1, #"{"type":"pause"}"#).types(to: 1) == ["pause_ack"])
        #expect(h.text(1, #"{"type":"resume"}"#).types(to: 1) == ["resume_ack"])
        let observability = h.text(1, #"{"type":"observability","data":{"ice":"checking"}}"#)
        #expect(observability.types(to: 1).isEmpty)
        #expect(observability.logged.contains("decart.observability"))
    }
}
