import SimFaults
import Testing
@testable import SimScenario

/// Every kind of mistake, with its exact message, position and hint.
@Suite struct LoaderErrorTests {
    func problems(_ text: String, file: String = "s.yaml", format: ScenarioFormat = .yaml) -> [String] {
        ScenarioLoader.validate(text, file: file, format: format).map(\.description)
    }

    /// A scenario whose only rule runs `action` (written at line 5, column 9).
    func rule(_ action: String, when: String = "{ event: participant.joined }") -> String {
        """
        name: t
        rules:
          - when: \(when)
            then:
              - \(action)
        """
    }

    @Test func errorFormatIsFileLineColumnMessageHint() {
        let error = ScenarioError(file: "a.yaml", line: 3, column: 7, message: "bad duration \"5 sec\" in \"for\"", hint: "use ms or s, e.g. 500ms")
        #expect(error.description == "a.yaml:3:7: error: bad duration \"5 sec\" in \"for\" (hint: use ms or s, e.g. 500ms)")
        #expect(ScenarioError(file: "a", line: 1, column: 1, message: "m").description == "a:1:1: error: m")
    }

    @Test func loadThrowsEveryErrorAsATypedFailure() {
        #expect(throws: ScenarioLoadFailure(errors: [
            ScenarioError(file: "s.yaml", line: 2, column: 1, message: "unknown key \"sumary\" in scenario", hint: "did you mean \"summary\"?"),
        ])) {
            try ScenarioLoader.load("name: x\nsumary: hi\n", file: "s.yaml")
        }
    }

    @Test func unknownTopLevelKeySuggestsTheNearestOne() {
        #expect(problems("name: x\nsumary: hi\n") == [#"s.yaml:2:1: error: unknown key "sumary" in scenario (hint: did you mean "summary"?)"#])
    }

    @Test func unknownActionKeyListsTheAllowedKeys() {
        #expect(problems(rule("hold: { tap: signal.out, for: 2s, zzzzzz: 1 }")) == [
            #"s.yaml:5:43: error: unknown key "zzzzzz" in hold (hint: allowed keys: tap, message, identity, participant, room, about, topic, device, for, until, count)"#,
        ])
    }

    @Test func badDurationUnitHintsAtMsOrS() {
        #expect(problems(rule("hold: { tap: signal.out, for: 5 sec }")) == [
            #"s.yaml:5:39: error: bad duration "5 sec" in "for" (hint: use ms or s, e.g. 500ms)"#,
        ])
        #expect(problems("name: x\ntimeline:\n  - at: 10\n    do: { ack_early: {} }\n") == [
            #"s.yaml:3:9: error: bad duration "10" in "at" (hint: use ms or s, e.g. 500ms)"#,
        ])
    }

    @Test func unknownEventKindSuggestsAKnownOne() {
        #expect(problems(rule("ack_early: {}", when: "{ event: participant.joind }")) == [
            #"s.yaml:3:20: error: unknown event kind "participant.joind" (hint: did you mean "participant.joined"?)"#,
        ])
        #expect(problems(rule("ack_early: {}", when: "{ event: signal.out.updat }")) == [
            #"s.yaml:3:20: error: unknown event kind "signal.out.updat" (hint: did you mean "signal.out.update"?)"#,
        ])
        #expect(problems(rule("ack_early: {}", when: "{ event: \"nothing.*\" }")) == [
            #"s.yaml:3:20: error: unknown event kind "nothing.*" (hint: a wildcard ends in ".*" after a known prefix, e.g. signal.out.*)"#,
        ])
    }

    @Test func httpErrorOnlyAtHTTPTapsWithAnErrorStatus() {
        #expect(problems(rule("http_error: { tap: signal.out, status: 503 }")).first?.contains("use it at tap http.in or http.out") == true)
        #expect(problems(rule("http_error: { tap: http.in, status: 200 }")).count == 1)
        #expect(problems(rule("http_error: { tap: http.in, message: synk, status: 503 }")).first?.contains("did you mean \"sync\"") == true)
        #expect(problems(rule("http_error: { tap: http.in, message: sync, status: 503 }")).isEmpty)
        #expect(problems(rule("http_truncate: { tap: http.in, message: sync }")).first?.contains("use it at tap http.out") == true)
        #expect(problems(rule("drop: { tap: signal.out, device: PHONE }")).first?.contains("use it at tap http.in or http.out") == true)
        #expect(problems(rule("drop: { tap: http.out, message: sync, device: PHONE }")).isEmpty)
        #expect(problems(rule("http_truncate: { tap: http.out, message: sync, count: 1 }")).isEmpty)
    }

    @Test func unknownActionSuggestsOrListsActions() {
        #expect(problems(rule("dorp: { tap: signal.out }")) == [#"s.yaml:5:9: error: unknown action "dorp" (hint: did you mean "drop"?)"#])
        #expect(problems(rule("explode: {}")) == [
            "s.yaml:5:9: error: unknown action \"explode\" (hint: actions: abort, ack_delay, ack_early, ack_never, ack_reject, bandwidth, "
                + "close, data_before_participant, delay, delay_track_published, delete_room, disconnect_after_new_info, drop, drop_device_lists, drop_keyframes, duplicate, "
                + "end_session, freeze, hold, hold_to_device, http_error, http_truncate, leave, loss, media_delay, order, queue, refuse_resume, rejoin_sid, reorder, room_info_delay, room_info_early, "
                + "room_info_url, simulate, stall)",
        ])
    }

    @Test func outOfRangeValuesAreRejected() {
        #expect(problems(rule("loss: { percent: 150 }")) == [#"s.yaml:5:26: error: "percent" must be between 0 and 100, got 150"#])
        #expect(problems(rule("duplicate: { tap: signal.out, copies: 0 }")) == [#"s.yaml:5:47: error: "copies" must be between 1 and 100, got 0"#])
        #expect(problems(rule("drop: { tap: signal.out, nth: 0 }")) == [#"s.yaml:5:39: error: "nth" must be at least 1, got 0"#])
        #expect(problems(rule("close: { socket: signal, code: 999 }")) == [
            #"s.yaml:5:40: error: "code" must be 1000-1003, 1007-1014 or 3000-4999, got 999"#,
        ])
    }

    @Test func wrongTypesNameTheExpectedType() {
        #expect(problems(rule(#"close: { socket: signal, code: "abc" }"#)) == [#"s.yaml:5:40: error: "code" must be an integer, got string "abc""#])
        #expect(problems("name: x\nrules: {}\n") == [#"s.yaml:2:8: error: "rules" must be a list, got a mapping"#])
        #expect(problems(#"{"name": "x", "seed": "7"}"#, file: "x.json", format: .json) == [
            #"x.json:1:23: error: "seed" must be an integer from 0 to 18446744073709551615, got string "7""#,
        ])
        #expect(problems(rule("ack_early: {}", when: "{ event: participant.joined, every: yes }")) == [
            #"s.yaml:3:47: error: "every" must be true or false, got string "yes""#,
        ])
    }

    @Test func closeCode1006IsNotSendableAndHintsAtAbort() {
        #expect(problems(rule("close: { socket: signal, code: 1006 }")) == [
            #"s.yaml:5:40: error: "code" 1006 cannot be sent in a close frame (hint: use abort to drop the connection without a close frame (the client sees 1006))"#,
        ])
    }

    @Test func unknownMessageAtATapSuggestsOne() {
        #expect(problems(rule("drop: { tap: signal.out, message: [join, updat] }")) == [
            #"s.yaml:5:50: error: unknown message "updat" at tap signal.out (hint: did you mean "update"?)"#,
        ])
        #expect(problems(rule("close: { socket: control, code: 1011, instead_of: room_info }")) == [
            #"s.yaml:5:59: error: unknown message "room_info" at tap control.out (hint: did you mean "livekit_room_info"?)"#,
        ])
        #expect(problems(rule("drop: { tap: signal.outt }")) == [
            #"s.yaml:5:22: error: unknown value "signal.outt" for "tap" (hint: did you mean "signal.out"?)"#,
        ])
        #expect(problems(rule("drop: { tap: media.rtp }")) == [
            #"s.yaml:5:22: error: drop does not apply at tap media.rtp (hint: for media use loss, media_delay, freeze, drop_keyframes or bandwidth)"#,
        ])
    }

    @Test func missingRequiredKeysPointAtTheirMapping() {
        #expect(problems(rule("delay: { tap: signal.out }")) == [#"s.yaml:5:16: error: delay is missing required key "by""#])
        #expect(problems("summary: nameless\n") == [#"s.yaml:1:1: error: scenario is missing required key "name""#])
        #expect(problems(rule("hold: { tap: signal.out }")) == [
            #"s.yaml:5:15: error: hold needs "for" or "until" (hint: e.g. hold: { tap: signal.out, message: update, for: 2s })"#,
        ])
    }

    @Test func duplicateAndConflictingKeys() {
        #expect(problems("name: x\nseed: 1\nseed: 2\n") == [#"s.yaml:3:1: error: duplicate key "seed" in scenario"#])
        #expect(problems(rule("ack_early: {}", when: "{ event: participant.joined, occurrence: 2, every: true }")) == [
            #"s.yaml:3:55: error: "occurrence" and "every" cannot be used together in when"#,
        ])
        #expect(problems(rule("drop: { tap: signal.out, nth: 2, percent: 5 }")) == [
            #"s.yaml:5:42: error: "nth" and "percent" cannot be used together in drop"#,
        ])
        #expect(problems(rule("end_session: { close: 1000, keep_open: true }")) == [
            #"s.yaml:5:24: error: "close" and "keep_open" cannot be used together in end_session"#,
        ])
        #expect(problems(rule("ack_early: {}", when: "{ event: fault.applied, every: true }")) == [
            #"s.yaml:3:35: error: "every" cannot be used on events matching fault.applied (hint: use occurrence, or a narrower event pattern)"#,
        ])
    }

    @Test func actionShapeMistakes() {
        #expect(problems(rule("{ drop: { tap: signal.out }, delay: { tap: signal.out, by: 1s } }")) == [
            #"s.yaml:5:9: error: an action must be a mapping with one key (the action name), got 2 keys: drop, delay (hint: write each action as its own list item)"#,
        ])
        #expect(problems(rule("ack_early")) == [
            #"s.yaml:5:9: error: an action must be a mapping with one key (the action name), got string "ack_early" (hint: e.g. - drop: { tap: signal.out, message: update })"#,
        ])
        #expect(problems(rule("hold: 2s")) == [#"s.yaml:5:15: error: "hold" takes a mapping of parameters, got string "2s" (hint: e.g. hold: { … })"#])
        #expect(problems("name: x\nrules:\n  - when: { event: participant.joined }\n    then: []\n") == [
            #"s.yaml:4:11: error: "then" needs at least one action"#,
        ])
    }

    @Test func enumValuesListTheChoices() {
        #expect(problems(rule("rejoin_sid: { mode: sometimes }")) == [
            #"s.yaml:5:29: error: unknown value "sometimes" for "mode" (hint: expected one of: reissue, keep)"#,
        ])
        #expect(problems(rule("leave: { reason: state_mismatc, action: reconnect }")) == [
            #"s.yaml:5:26: error: unknown value "state_mismatc" for "reason" (hint: did you mean "state_mismatch"?)"#,
        ])
        #expect(problems(rule("simulate: node_failur")) == [
            #"s.yaml:5:19: error: unknown value "node_failur" for "scenario" (hint: did you mean "node_failure"?)"#,
        ])
        #expect(problems(rule("simulate: { scenario: node_failure, seconds: 3 }")) == [
            #"s.yaml:5:45: error: "seconds" does not apply to simulate node_failure"#,
        ])
    }

    @Test func unitsOtherThanDurations() {
        #expect(problems(rule("bandwidth: { rate: fast }")) == [#"s.yaml:5:28: error: bad bit rate "fast" in "rate" (hint: use bps, kbps or mbps, e.g. 500kbps)"#])
        #expect(problems(rule("bandwidth: { rate: 1mbps, burst: lots }")) == [#"s.yaml:5:42: error: bad size "lots" in "burst" (hint: use bytes, KB or MB, e.g. 16KB)"#])
        #expect(problems(rule("loss: lots")) == [#"s.yaml:5:15: error: bad percentage "lots" in "percent" (hint: use a number from 0 to 100, e.g. 5 or 5%)"#])
        #expect(problems(rule("room_info_url: http://x")) == [
            #"s.yaml:5:24: error: "url" must be a ws:// or wss:// URL, got "http://x" (hint: e.g. ws://127.0.0.1:1 (nothing listens there))"#,
        ])
    }

    @Test func expectationMistakes() {
        #expect(problems("name: x\nexpect:\n  - { event: participant.active, never: true, occurrence: 2 }\n") == [
            #"s.yaml:3:47: error: "never" and "occurrence" cannot be used together in expectation"#,
        ])
        #expect(problems("name: x\nexpect:\n  - order: [{ event: participant.active }]\n") == [
            #"s.yaml:3:12: error: "order" must be a list of at least two events, got a list (hint: e.g. order: [{ event: control.out.livekit_room_info }, { event: control.out.set_image_ack }])"#,
        ])
        #expect(problems("name: x\nexpect:\n  - { order: [{ event: room.created }, { event: room.closed }], identity: bob }\n") == [
            #"s.yaml:3:65: error: "order" cannot be combined with "identity" (put it on a step)"#,
        ])
        #expect(problems("name: x\nexpect:\n  - { event: room.created, never: false }\n") == [
            #"s.yaml:3:35: error: "never" must be true (leave it out to expect that the event happened)"#,
        ])
        #expect(problems("name: x\nexpect:\n  - { event: room.created, at_least: 3, at_most: 1 }\n") == [
            #"s.yaml:3:50: error: "at_least" (3) is more than "at_most" (1)"#,
        ])
    }

    @Test func fileLevelMistakes() {
        #expect(problems("") == [#"s.yaml:1:1: error: empty scenario file (hint: a scenario needs at least a name, e.g. name: my-scenario)"#])
        #expect(problems("name: Has Spaces\n") == [
            #"s.yaml:1:7: error: bad scenario name "Has Spaces" (hint: use lowercase letters, digits, '-', '_' and '.', e.g. lk-rejoin-new-sid)"#,
        ])
        #expect(problems("- name: x\n") == [#"s.yaml:1:1: error: scenario must be a mapping, got a list"#])
        #expect(problems("[1]", file: "x.json", format: .json) == [#"x.json:1:1: error: a JSON scenario must be an object (hint: start the file with {)"#])
    }

    @Test func yamlSyntaxErrorsCarryTheParsersPosition() {
        let unclosed = problems("name: x\nrules:\n  - when: { event: participant.joined\n    then: []\n")
        #expect(unclosed.count == 1)
        #expect(unclosed.first?.hasPrefix("s.yaml:4:") == true)
        #expect(unclosed.first?.contains("error: YAML syntax error: ") == true)
        #expect(problems("name: x\nseed: @7\n") == [
            #"s.yaml:2:7: error: YAML syntax error: found character that cannot start any token (hint: quote values that start with @ or `)"#,
        ])
        #expect(problems("name: x\n\tseed: 1\n") == [
            #"s.yaml:2:1: error: YAML syntax error: found a tab character that violates indentation (hint: indent with spaces, not tabs)"#,
        ])
    }

    @Test func jsonErrorsHaveLinesAndColumnsToo() {
        let json = """
        {
        \t"name": "x",
        \t"rules": [
        \t\t{ "when": { "event": "participant.joind" }, "then": [ { "ack_early": {} } ] }
        \t]
        }
        """
        #expect(problems(json, file: "x.json", format: .json) == [
            #"x.json:4:24: error: unknown event kind "participant.joind" (hint: did you mean "participant.joined"?)"#,
        ])
    }

    @Test func everyErrorInAFileIsReportedInFileOrder() {
        let yaml = """
        name: many-mistakes
        seed: -1
        rules:
          - when: { event: participant.joind }
            then:
              - hold: { tap: signal.out, for: 2 seconds }
              - dorp: {}
        timeline:
          - at: 1m
            do: { close: { socket: signal, code: 1006 } }
        expect:
          - { event: participant.active, within: soon }
        """
        #expect(problems(yaml) == [
            #"s.yaml:2:7: error: "seed" must be an integer from 0 to 18446744073709551615, got integer -1"#,
            #"s.yaml:4:20: error: unknown event kind "participant.joind" (hint: did you mean "participant.joined"?)"#,
            #"s.yaml:6:39: error: bad duration "2 seconds" in "for" (hint: use ms or s, e.g. 500ms)"#,
            #"s.yaml:7:9: error: unknown action "dorp" (hint: did you mean "drop"?)"#,
            #"s.yaml:9:9: error: bad duration "1m" in "at" (hint: use ms or s, e.g. 500ms)"#,
            #"s.yaml:10:42: error: "code" 1006 cannot be sent in a close frame (hint: use abort to drop the connection without a close frame (the client sees 1006))"#,
            #"s.yaml:12:42: error: bad duration "soon" in "within" (hint: use ms or s, e.g. 500ms)"#,
        ])
    }
}
