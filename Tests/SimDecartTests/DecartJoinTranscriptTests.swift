import SimCore
import Testing
@testable import SimDecart

/// Step-by-step transcripts of the three `livekit_join` generations (reference §4.2) and the ack ordering rules
/// (§4.3, §8 R1).
@Suite struct DecartJoinTranscriptTests {
    static let image = #"{"type":"set_image","image_data":"QUJDRA==","prompt":"a cat","enhance_prompt":true}"#

    // MARK: G1 bare

    @Test func bareJoinThenStateAfterRoomInfo() {
        var h = DecartHarness()
        #expect(h.open(1).logged == ["decart.session.opened"])
        let join = h.text(1, #"{"type":"livekit_join"}"#)
        #expect(join.types(to: 1).isEmpty)
        #expect(join.roomRequests(ConnectionID(1)).count == 1)
        let room = h.roomCreated(1)
        #expect(room.types(to: 1) == ["livekit_room_info", "session_id"])
        guard case .livekitRoomInfo(let info)? = room.messages(to: 1).first else { Issue.record("no room_info"); return }
        #expect(info.livekitURL == "ws://127.0.0.1:7880" && info.token == "jwt-1")
        #expect(info.sessionID == h.machine.sessionID(of: ConnectionID(1)))
        #expect(info.roomName.rawValue == "decart-" + info.sessionID.rawValue)
        guard case .sessionID(let session)? = room.messages(to: 1).last else { Issue.record("no session_id"); return }
        #expect(session == DecartSessionInfo(sessionID: info.sessionID, serverIP: "127.0.0.1", serverPort: 8443))
        let state = h.text(1, Self.image)
        #expect(state.messages(to: 1) == [.setImageAck(success: true, error: nil)])
        let publish = h.published(1)
        #expect(publish.types(to: 1) == ["generation_started"])
        #expect(publish.startsInference(1))
        guard case .startInference(_, let parameters)? = publish.first(where: { if case .startInference = $0 { true } else { false } }) else { return }
        #expect(parameters.state == DecartGenerationState(image: .data(base64: "QUJDRA==", byteCount: 4), prompt: "a cat", enhancePrompt: true))
        #expect(parameters.room == info.roomName && parameters.resolution == "720p" && parameters.model == "lucy-2.1")
    }

    /// A bare-join client (JS v0.1.0–0.1.5) has no early-ack buffer: an ack for a state sent before room_info is
    /// held and follows room_info.
    @Test func bareJoinHoldsAnEarlyAckUntilAfterRoomInfo() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"livekit_join"}"#)
        let early = h.text(1, Self.image)
        #expect(early.types(to: 1).isEmpty)
        #expect(early.logged.contains("decart.ack.held"))
        let second = h.text(1, #"{"type":"prompt","prompt":"second"}"#)
        #expect(second.types(to: 1).isEmpty)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id", "set_image_ack", "prompt_ack"])
    }

    // MARK: G2 bundled

    /// JS f49f547: `initial_state` in the join means the client buffers an early ack, so the ack goes at once —
    /// before room_info.
    @Test func bundledJoinWithObjectAcksBeforeRoomInfo() {
        var h = DecartHarness()
        h.open(1)
        let join = h.text(1, #"{"type":"livekit_join","initial_state":"# + Self.image + "}")
        #expect(join.messages(to: 1) == [.setImageAck(success: true, error: nil)])
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        #expect(h.transcript.types(to: 1) == ["set_image_ack", "livekit_room_info", "session_id"])
        #expect(h.published(1).types(to: 1) == ["generation_started"])
    }

    @Test func bundledJoinWithNullInitialStateSendsNoAck() {
        var h = DecartHarness()
        h.open(1)
        #expect(h.text(1, #"{"type":"livekit_join","initial_state":null}"#).types(to: 1).isEmpty)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        let publish = h.published(1)
        #expect(publish.types(to: 1) == ["generation_started"])
        guard case .startInference(_, let parameters)? = publish.first(where: { if case .startInference = $0 { true } else { false } }) else {
            Issue.record("no startInference"); return
        }
        #expect(parameters.state == nil)
        // A later set_image is a runtime update, acked once, and reaches the running generator.
        let update = h.text(1, #"{"type":"set_image","image_data":null}"#)
        #expect(update.types(to: 1) == ["set_image_ack"])
    }

    /// AND-main always bundles the null-image bootstrap and waits for its ack within 15 s (reference §4.2 G2).
    @Test func bundledAndroidBootstrapIsAcked() {
        var h = DecartHarness()
        h.open(1, query: "api_key=k&model=lucy-2.1&user_agent=decart-android-sdk/0.7.10")
        let join = h.text(1, #"{"type":"livekit_join","initial_state":{"type":"set_image","image_data":null}}"#)
        #expect(join.messages(to: 1) == [.setImageAck(success: true, error: nil)])
    }

    // MARK: G3 lean

    @Test func leanJoinThenSeparateSetImage() {
        var h = DecartHarness()
        h.open(1)
        #expect(h.text(1, #"{"type":"livekit_join","passthrough":false}"#).types(to: 1).isEmpty)
        // The second frame, same tick: acked at once (the lean client buffers; PR #168).
        #expect(h.text(1, Self.image).messages(to: 1) == [.setImageAck(success: true, error: nil)])
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        let publish = h.published(1)
        #expect(publish.types(to: 1) == ["generation_started"])
        #expect(publish.startsInference(1))
    }

    @Test func leanJoinThenPromptEchoesPrompt() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"livekit_join","passthrough":false}"#)
        let prompt = h.text(1, #"{"type":"prompt","prompt":"neon \u00e9 city","enhance_prompt":true}"#)
        #expect(prompt.frames(to: 1) == [#"{"type":"prompt_ack","prompt":"neon \u00e9 city","success":true,"error":null}"#])
        h.roomCreated(1)
        #expect(h.published(1).startsInference(1))
        #expect(h.machine.generationState(of: ConnectionID(1))?.prompt == "neon é city")
    }

    /// PR #166: with `passthrough:false` nothing is generated until the initial state arrives, even after publish.
    @Test func leanPassthroughFalseWithholdsGenerationUntilInitialState() {
        var h = DecartHarness()
        h.joined(1, join: #"{"type":"livekit_join","passthrough":false}"#)
        let publish = h.published(1)
        #expect(!publish.startsInference(1))
        #expect(publish.types(to: 1).isEmpty)
        #expect(h.advance(by: .seconds(5)).types(to: 1).isEmpty)
        // A refused state keeps the gate closed.
        let bad = h.text(1, #"{"type":"set_image","image_data":"not base64!"}"#)
        #expect(bad.types(to: 1) == ["set_image_ack"])
        #expect(!bad.startsInference(1))
        let good = h.text(1, Self.image)
        #expect(good.types(to: 1) == ["set_image_ack", "generation_started"])
        #expect(good.startsInference(1))
    }

    @Test func leanPassthroughTrueGeneratesWithoutState() {
        var h = DecartHarness()
        h.joined(1, join: #"{"type":"livekit_join","passthrough":true}"#)
        let publish = h.published(1)
        #expect(publish.types(to: 1) == ["generation_started"])
    }

    // MARK: initial state at each of the four points (reference §9.2)

    enum Point: CaseIterable { case insideJoin, rightAfterJoin, afterRoomInfo, afterPublish }

    @Test(arguments: Point.allCases)
    func initialStateAcceptedAndAckedOnceAt(_ point: Point) {
        var h = DecartHarness()
        h.open(1)
        switch point {
        case .insideJoin:
            h.text(1, #"{"type":"livekit_join","initial_state":"# + Self.image + "}")
            h.roomCreated(1)
            h.published(1)
        case .rightAfterJoin:
            h.text(1, #"{"type":"livekit_join","passthrough":false}"#)
            h.text(1, Self.image)
            h.roomCreated(1)
            h.published(1)
        case .afterRoomInfo:
            h.text(1, #"{"type":"livekit_join"}"#)
            h.roomCreated(1)
            h.text(1, Self.image)
            h.published(1)
        case .afterPublish:
            // Python passthrough: connect + publish first, then the state; the generator already runs.
            h.text(1, #"{"type":"livekit_join"}"#)
            h.roomCreated(1)
            h.published(1)
            let late = h.text(1, Self.image)
            #expect(late.contains(1) { if case .setInitialState = $0 { true } else { false } })
        }
        let acks = h.transcript.types(to: 1).filter { $0 == "set_image_ack" }
        #expect(acks.count == 1)
        #expect(h.transcript.types(to: 1).filter { $0 == "livekit_room_info" }.count == 1)
        #expect(h.machine.isGenerating(ConnectionID(1)))
        #expect(h.machine.generationState(of: ConnectionID(1))?.prompt == "a cat")
        #expect(h.transcript.records("decart.state").first?.detail["initial"] == .bool(true))
    }

    @Test func runtimeUpdateAfterGenerationStartedUpdatesState() {
        var h = DecartHarness()
        h.joined(1, join: #"{"type":"livekit_join","initial_state":"# + Self.image + "}")
        h.published(1)
        let update = h.text(1, #"{"type":"prompt","prompt":"new"}"#)
        #expect(update.types(to: 1) == ["prompt_ack"])
        #expect(update.contains(1) { if case .updateState(_, let state) = $0 { state.prompt == "new" && state.image != nil } else { false } })
        // set_image with image_data:null clears the image and keeps the prompt.
        let clear = h.text(1, #"{"type":"set_image","image_data":null}"#)
        #expect(clear.contains(1) { if case .updateState(_, let state) = $0 { state.image == nil && state.prompt == "new" } else { false } })
    }

    // MARK: ack rules as data

    @Test func afterRoomInfoPolicyHoldsEvenBundledAcks() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyAcks = .afterRoomInfo
        h.open(1, rules: rules)
        #expect(h.text(1, #"{"type":"livekit_join","initial_state":"# + Self.image + "}").types(to: 1).isEmpty)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id", "set_image_ack"])
    }

    @Test func immediatelyPolicyAcksBareEarly() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyAcks = .immediately
        h.open(1, rules: rules)
        h.text(1, #"{"type":"livekit_join"}"#)
        #expect(h.text(1, Self.image).types(to: 1) == ["set_image_ack"])
    }

    @Test func initialStateRejectionRuleRefusesOnlyTheInitialState() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.initialStateRejection = "moderation: image refused"
        h.open(1, rules: rules)
        let join = h.text(1, #"{"type":"livekit_join","initial_state":"# + Self.image + "}")
        #expect(join.messages(to: 1) == [.setImageAck(success: false, error: "moderation: image refused")])
        #expect(h.text(1, Self.image).messages(to: 1).last == .setImageAck(success: true, error: nil))
    }

    @Test func sessionIDAfterRoomInfoCanBeSwitchedOff() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.sessionIDInLiveKitMode = false
        h.open(1, rules: rules)
        h.text(1, #"{"type":"livekit_join"}"#)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info"])
    }

    // MARK: early room info (reference §1, §8 R9)

    @Test func withoutFlagNothingHappensBeforeJoin() {
        var h = DecartHarness()
        #expect(h.open(1).roomRequests(ConnectionID(1)).isEmpty)
    }

    /// Default: the flag starts the room at open, but room_info still waits for the join (PY-main drops an earlier
    /// one).
    @Test func earlyRoomInfoPreparesAtOpenButSendsAfterJoin() {
        var h = DecartHarness()
        let open = h.open(1, query: "api_key=k&model=m&livekit_early_room_info=true")
        #expect(open.roomRequests(ConnectionID(1)).count == 1)
        #expect(h.roomCreated(1).types(to: 1).isEmpty)
        let join = h.text(1, #"{"type":"livekit_join"}"#)
        #expect(join.types(to: 1) == ["livekit_room_info", "session_id"])
        #expect(join.roomRequests(ConnectionID(1)).isEmpty)
    }

    @Test func earlyRoomInfoSendAtOpenSendsBeforeJoin() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyRoomInfo = .sendAtOpen
        h.open(1, query: "api_key=k&model=m&livekit_early_room_info=true", rules: rules)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        #expect(h.text(1, #"{"type":"livekit_join"}"#).types(to: 1).isEmpty)
        #expect(h.published(1).types(to: 1) == ["generation_started"])
    }

    @Test func earlyRoomInfoIgnoredByRule() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyRoomInfo = .ignore
        #expect(h.open(1, query: "api_key=k&model=m&livekit_early_room_info=true", rules: rules).roomRequests(ConnectionID(1)).isEmpty)
    }

    @Test func sendAtOpenWithoutFlagStillWaitsForJoin() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyRoomInfo = .sendAtOpen
        h.open(1, rules: rules)
        #expect(h.transcript.roomRequests(ConnectionID(1)).isEmpty)
    }

    @Test func forceAtOpenSendsRoomInfoBeforeTheJoinWithoutTheFlag() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.earlyRoomInfo = .forceAtOpen
        #expect(h.open(1, rules: rules).roomRequests(ConnectionID(1)).count == 1)
        #expect(h.roomCreated(1).types(to: 1) == ["livekit_room_info", "session_id"])
        #expect(h.text(1, #"{"type":"livekit_join"}"#).types(to: 1).isEmpty)  // nothing again after the join
    }
}
