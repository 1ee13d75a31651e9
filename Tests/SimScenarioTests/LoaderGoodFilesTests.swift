import SimCore
import SimFaults
import SimTestKit
import Testing
@testable import SimScenario

@Suite struct LoaderGoodFilesTests {
    @Test func trackBeforeMetadataDecodesCompletely() throws {
        let scenario = try ScenarioLoader.load(try fixture("lk-track-before-metadata.yaml"), file: "lk-track-before-metadata.yaml")
        let bobPublished = Trigger(pattern: EventPattern(kind: .exact("track.published"), identity: "bob"))
        let expected = Scenario(
            name: "lk-track-before-metadata",
            summary: "When bob publishes, alice receives the offer carrying bob's track before the update that announces it.",
            seed: 11,
            rules: [ScenarioRule(
                name: "media-first",
                when: Trigger(pattern: EventPattern(kind: .exact("participant.active"), identity: "alice")),
                then: [.order(OrderParameters(ordering: .mediaBeforeMetadata, publisher: "bob", subscriber: "alice", timeout: .seconds(3)))],
                location: SourceLocation(file: "lk-track-before-metadata.yaml", line: 8, column: 5)
            )],
            expect: [
                Expectation(name: "alice gets the offer before bob's metadata", assertion: .ordered([
                    .init(pattern: EventPattern(kind: .exact("signal.out.offer"), identity: "alice")),
                    .init(pattern: EventPattern(kind: .exact("signal.out.update"), identity: "alice")),
                ]), after: bobPublished, location: SourceLocation(file: "lk-track-before-metadata.yaml", line: 13, column: 5)),
                Expectation(assertion: .happened(EventPattern(kind: .exact("track.subscribed"), identity: "alice", trackKind: .video), occurrence: 1),
                            within: .seconds(5), after: bobPublished,
                            location: SourceLocation(file: "lk-track-before-metadata.yaml", line: 18, column: 5)),
                Expectation(assertion: .never(EventPattern(kind: .exact("signal.in.leave"), identity: "alice")),
                            location: SourceLocation(file: "lk-track-before-metadata.yaml", line: 23, column: 5)),
            ]
        )
        #expect(scenario == expected)
        #expect(scenario.expect[1].name == "happened track.subscribed identity=alice track_kind=video within 5s after track.published identity=bob")
    }

    @Test func ackBeforeRoomInfoDecodes() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-ack-before-room-info.yaml"), file: "f.yaml")
        #expect(scenario.name == "dc-ack-before-room-info")
        #expect(scenario.seed == 3)
        #expect(scenario.timeline == [TimelineEntry(at: .zero, actions: [.ackEarly], location: SourceLocation(file: "f.yaml", line: 8, column: 5))])
        #expect(scenario.rules.count == 1)
        #expect(scenario.rules[0].when == Trigger(pattern: EventPattern(kind: .exact("control.in.livekit_join"))))
        #expect(scenario.rules[0].then == [.roomInfoDelay(DelayParameters(
            selector: MessageSelector(tap: .controlOut, kinds: ["livekit_room_info"]), by: .milliseconds(800), jitter: .milliseconds(100)
        ))])
        #expect(scenario.expect.map(\.assertion) == [
            .ordered([.init(pattern: EventPattern(kind: .exact("control.out.set_image_ack"))),
                      .init(pattern: EventPattern(kind: .exact("control.out.livekit_room_info")))]),
            .happened(EventPattern(kind: .exact("control.out.livekit_room_info")), occurrence: 1),
            .never(EventPattern(kind: .exact("control.out.error"))),
            .count(EventPattern(kind: .exact("fault.applied"), detail: ["fault": "room_info_delay"]), min: 1, max: 1),
        ])
        #expect(scenario.expect[1].within == .seconds(2))
        #expect(scenario.expect[1].after == Trigger(pattern: EventPattern(kind: .exact("control.in.livekit_join"))))
    }

    @Test func rejoinNewSIDDecodesTimelineShorthandsAndCounts() throws {
        let scenario = try ScenarioLoader.load(try fixture("lk-rejoin-new-sid.yaml"), file: "f.yaml")
        #expect(scenario.timeline.map(\.at) == [.zero, .seconds(10)])
        #expect(scenario.timeline[0].actions == [.rejoinSID(.reissue, identity: nil)])
        #expect(scenario.timeline[1].actions == [.close(CloseParameters(socket: .signal, identity: "alice", code: CloseCode(1001), reason: "going away"))])
        #expect(scenario.rules[0].when == Trigger(pattern: EventPattern(kind: .exact("participant.joining"), identity: "bob"), firing: .occurrence(2)))
        #expect(scenario.rules[0].then == [.hold(HoldParameters(
            selector: MessageSelector(tap: .signalOut, kinds: ["update"], about: "bob"), duration: .seconds(2)
        ))])
        #expect(scenario.rules[1].name == nil)
        #expect(scenario.rules[1].then == [.order(OrderParameters(ordering: .mediaBeforeMetadata))])
        #expect(scenario.expect[0].assertion == .happened(EventPattern(kind: .exact("participant.active"), identity: "bob"), occurrence: 2))
        #expect(scenario.expect[0].within == .seconds(8))
        #expect(scenario.expect[2].assertion == .count(EventPattern(kind: .exact("signal.out.leave"), identity: "alice"), min: 0, max: 1))
    }

    @Test func signalFlapDecodesEveryPercentagesAndMedia() throws {
        let scenario = try ScenarioLoader.load(try fixture("lk-signal-flap.yaml"), file: "f.yaml")
        #expect(scenario.rules[0].then == [.abort(AbortParameters(socket: .signal))])
        #expect(scenario.rules[1].when.firing == .every)
        #expect(scenario.rules[1].then == [
            .stall(StallParameters(selector: MessageSelector(tap: .signalOut, identity: "alice"), duration: .milliseconds(1500))),
            .drop(DropParameters(selector: MessageSelector(tap: .signalIn, kinds: ["ping_req"], identity: "alice"),
                                 selection: .percent(Percentage(50)), limits: FaultLimits(during: .seconds(5)))),
        ])
        #expect(scenario.timeline[0].actions[1] == .loss(LossParameters(
            selector: MessageSelector(tap: .mediaRTP, identity: "alice", trackKind: .video), percent: Percentage(5),
            limits: FaultLimits(during: .seconds(10))
        )))
        #expect(scenario.expect[0].assertion == .count(EventPattern(kind: .exact("participant.resumed"), identity: "alice"), min: 2, max: nil))
    }

    @Test func jsonScenarioDecodesWithTheSameModel() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-error-after-handshake.json"), file: "x.json", format: ScenarioFormat(path: "x.json"))
        #expect(scenario.name == "dc-error-after-handshake")
        #expect(scenario.rules[0].then == [.endSession(DecartEnding(
            error: "Insufficient credits", reason: .insufficientCredits, seconds: 12, closeCode: CloseCode(1000)
        ))])
        #expect(scenario.rules[0].location == SourceLocation(file: "x.json", line: 6, column: 5))
        guard case .ordered(let steps) = scenario.expect[0].assertion else {
            Issue.record("expected an ordering")
            return
        }
        #expect(steps.map(\.pattern.kind) == [.exact("control.out.error"), .exact("control.out.generation_ended"), .exact("control.close")])
    }

    @Test func everyActionParsesWithItsParameters() throws {
        let yaml = """
        name: all-actions
        rules:
          - when: { event: "signal.out.*" }
            then:
              - delay: { tap: signal.out, message: [update, join], by: 1.5s, jitter: 20ms, count: 3, during: 4s }
              - drop: { tap: control.in, message: prompt, nth: 2 }
              - drop: { tap: control.out, every: 3 }
              - duplicate: { tap: signal.out, message: track_published, copies: 2 }
              - hold: { tap: signal.out, message: join, until: { event: transport.connected, occurrence: 2 }, count: 1 }
              - reorder: { tap: control.out, message: set_image_ack, after: livekit_room_info, pairs: 2, timeout: 1s }
              - close: { socket: control, code: 1011, reason: boom, instead_of: livekit_room_info }
              - stall: { tap: control.in, for: 2s }
              - abort: { socket: control }
              - rejoin_sid: { mode: keep, identity: bob }
              - order: metadata_before_media
              - disconnect_after_new_info: bob
              - delay_track_published: { identity: bob, by: 3s }
              - leave: { identity: bob, reason: state_mismatch, action: reconnect }
              - simulate: node_failure
              - simulate: { scenario: speaker_update, seconds: 4 }
              - simulate: { scenario: switch_candidate_protocol, protocol: tcp }
              - simulate: { scenario: subscriber_bandwidth, bitrate: 300kbps }
              - refuse_resume: { identity: bob }
              - queue: { positions: [3, 2, 1], interval: 1s, admit: false }
              - ack_delay: 2s
              - ack_reject: "bad image"
              - ack_early:
              - ack_never: { ack: prompt_ack }
              - room_info_delay: 1s
              - room_info_early: {}
              - room_info_url: "ws://127.0.0.1:1"
              - end_session: { keep_open: true }
              - loss: 2.5
              - media_delay: { tap: media.rtcp, direction: out, by: 80ms, jitter: 20ms }
              - freeze: 3s
              - drop_keyframes: { track: TR_VCabc, count: 2 }
              - bandwidth: { rate: 2mbps, burst: 16KB, participant: PA_x }
              - data_before_participant: 5s
              - delay: { tap: data.out, message: stream_chunk, topic: lk.rpc_response, by: 1s }
              - http_error: { tap: http.out, message: [sync, keys_claim], identity: "@bob:hs", status: 429, retry_after: 2s, count: 2 }
              - hold_to_device: { identity: "@bob:hs", syncs: 3 }
              - drop_device_lists: 2
              - http_truncate: { tap: http.out, message: sync }
              - delete_room: { room: r9 }
        """
        let scenario = try ScenarioLoader.load(yaml, file: "a.yaml")
        let actions = scenario.rules[0].then
        #expect(actions.map(\.name) == [
            "delay", "drop", "drop", "duplicate", "hold", "reorder", "close", "stall", "abort", "rejoin_sid", "order", "disconnect_after_new_info",
            "delay_track_published", "leave", "simulate", "simulate", "simulate", "simulate", "refuse_resume", "queue", "ack_delay",
            "ack_reject", "ack_early", "ack_never", "room_info_delay", "room_info_early", "room_info_url", "end_session", "loss",
            "media_delay", "freeze", "drop_keyframes", "bandwidth", "data_before_participant", "delay", "http_error",
            "hold_to_device", "drop_device_lists", "http_truncate", "delete_room",
        ])
        #expect(actions.last == .deleteRoom(room: "r9"))
        let matrixActions = actions.dropLast()
        #expect(matrixActions.suffix(3).dropLast() == [.holdToDevice(identity: "@bob:hs", syncs: 3), .dropDeviceLists(identity: nil, syncs: 2)])
        #expect(matrixActions.last == .httpError(HTTPErrorParameters(selector: MessageSelector(tap: .httpOut, kinds: ["sync"]), failure: .truncatedBody)))
        #expect(actions[actions.count - 5] == .httpError(HTTPErrorParameters(
            selector: MessageSelector(tap: .httpOut, kinds: ["sync", "keys_claim"], identity: "@bob:hs"),
            failure: HTTPFailure(status: 429, errcode: "M_LIMIT_EXCEEDED", retryAfter: .seconds(2)), limits: FaultLimits(count: 2))))
        #expect(Set(actions.map(\.name)) == Set(ScenarioDecoder.actionNames))
        #expect(scenario.rules[0].when.pattern.kind == .prefix("signal.out."))
        #expect(actions[0] == .delay(DelayParameters(selector: MessageSelector(tap: .signalOut, kinds: ["update", "join"]), by: .milliseconds(1500),
                                                     jitter: .milliseconds(20), limits: FaultLimits(count: 3, during: .seconds(4)))))
        #expect(actions[1] == .drop(DropParameters(selector: MessageSelector(tap: .controlIn, kinds: ["prompt"]), selection: .nth(2))))
        #expect(actions[2] == .drop(DropParameters(selector: MessageSelector(tap: .controlOut), selection: .every(3))))
        #expect(actions[4] == .hold(HoldParameters(selector: MessageSelector(tap: .signalOut, kinds: ["join"]),
                                                   until: Trigger(pattern: EventPattern(kind: .exact("transport.connected")), firing: .occurrence(2)), count: 1)))
        #expect(actions[5] == .reorder(ReorderParameters(held: MessageSelector(tap: .controlOut, kinds: ["set_image_ack"]),
                                                         releasedBy: MessageSelector(tap: .controlOut, kinds: ["livekit_room_info"]),
                                                         pairs: 2, timeout: .seconds(1))))
        #expect(actions[6] == .close(CloseParameters(socket: .control, code: CloseCode(1011), reason: "boom", insteadOf: "livekit_room_info")))
        #expect(actions[7] == .stall(StallParameters(selector: MessageSelector(tap: .controlIn), duration: .seconds(2))))
        #expect(actions[13] == .leave(LeaveParameters(identity: "bob", reason: .stateMismatch, action: .reconnect)))
        #expect(actions[15] == .simulate(.speakerUpdate(seconds: 4), identity: nil))
        #expect(actions[16] == .simulate(.switchCandidateProtocol(CandidateProtocol.tcp.protoValue), identity: nil))
        #expect(actions[17] == .simulate(.subscriberBandwidth(Bitrate(bitsPerSecond: 300_000).bitsPerSecond), identity: nil))
        #expect(actions[19] == .queue(DecartQueuePlan(positions: [3, 2, 1], interval: .seconds(1), admit: false)))
        #expect(actions[20] == .ackDelay(DelayParameters(selector: MessageSelector(tap: .controlOut, kinds: ["set_image_ack", "prompt_ack"]), by: .seconds(2))))
        #expect(actions[23] == .ackNever(DropParameters(selector: MessageSelector(tap: .controlOut, kinds: ["prompt_ack"]))))
        #expect(actions[27] == .endSession(DecartEnding(closeCode: nil)))
        #expect(actions[28] == .loss(LossParameters(selector: MessageSelector(tap: .mediaRTP), percent: Percentage(2.5))))
        #expect(actions[29] == .mediaDelay(DelayParameters(selector: MessageSelector(tap: .mediaRTCP, direction: .outbound), by: .milliseconds(80),
                                                           jitter: .milliseconds(20))))
        #expect(actions[32] == .bandwidth(BandwidthParameters(selector: MessageSelector(tap: .mediaRTP, participant: "PA_x"),
                                                              rate: Bitrate(bitsPerSecond: 2_000_000), burst: ByteCount(16_000))))
        #expect(actions[33] == .dataBeforeParticipant(identity: nil, for: .seconds(5)))
        var topical = MessageSelector(tap: .dataOut, kinds: ["stream_chunk"])
        topical.topic = "lk.rpc_response"
        #expect(actions[34] == .delay(DelayParameters(selector: topical, by: .seconds(1))))
    }

    @Test func aTopicSelectsOnlyAtTheDataTaps() {
        let yaml = """
        name: t
        timeline:
          - at: 0s
            do:
              - drop: { tap: signal.out, topic: chat }
        """
        #expect(ScenarioLoader.validate(yaml, file: "t.yaml", format: .yaml).map(\.description).contains { $0.contains("use it at tap data.in or data.out") })
    }

    @Test func validateReturnsNothingForEveryFixture() throws {
        for name in ["lk-track-before-metadata.yaml", "dc-ack-before-room-info.yaml", "lk-rejoin-new-sid.yaml", "lk-signal-flap.yaml",
                     "dc-error-after-handshake.json"] {
            #expect(ScenarioLoader.validate(try fixture(name), file: name, format: ScenarioFormat(path: name)) == [], "\(name)")
        }
    }
}
