import SimCore
import SimTestKit
import SimFaults
import Testing
@testable import SimScenario

/// Step-by-step transcripts: event in, expected actions out.
@Suite struct ScenarioEngineTests {
    func engine(_ yaml: String, seed: UInt64? = nil) throws -> ScenarioEngine {
        ScenarioEngine(scenario: try ScenarioLoader.load(yaml, file: "t.yaml"), seed: seed)
    }

    func faultRecord(_ detail: [String: EventValue], tap: TapPoint, connection: UInt64? = nil, identity: Identity? = nil) -> EventRecord {
        EventRecord(kind: "fault.applied", connection: connection.map(ConnectionID.init), identity: identity, tap: tap, detail: detail)
    }

    @Test func startLogsRunsZeroTimeEntriesAndArmsTheRest() throws {
        var engine = try engine("""
        name: t
        seed: 9
        timeline:
          - at: 0s
            do: { ack_early: {} }
          - at: 10s
            do: { close: { socket: signal, identity: alice, code: 1001 } }
        """)
        #expect(engine.start(now: at(100)) == [
            .log(EventRecord(kind: "scenario.started", detail: ["name": "t", "seed": "9"])),
            .command(.decartPolicy(.acksBeforeRoomInfo)),
            .log(EventRecord(kind: "fault.applied", detail: [
                "action": "decart_policy", "fault": "ack_early", "why": "timeline at 0s", "policy": "acks_before_room_info",
            ])),
            .armTimer(.timeline(1), at: at(10_100)),
        ])
        #expect(engine.start(now: at(200)) == [])
        #expect(engine.timerFired(.timeline(1), now: at(10_100)) == [
            .command(.close(.signal, .identity("alice"), code: CloseCode(1001), reason: "")),
            .log(faultRecord(["action": "close", "fault": "close", "why": "timeline at 10s", "target": "identity=alice", "code": 1001],
                             tap: .signalOut, identity: "alice")),
        ])
        #expect(engine.timerFired(.timeline(1), now: at(10_200)) == [])
    }

    @Test func ruleFiresOnItsOccurrenceOnlyAndTheFilterDelays() throws {
        var engine = try engine("""
        name: t
        rules:
          - name: slow-ack
            when: { event: control.in.livekit_join, occurrence: 2 }
            then:
              - ack_delay: { by: 500ms }
        """)
        _ = engine.start(now: .zero)
        let ack = TapContext(tap: .controlOut, kind: "set_image_ack", connection: ConnectionID(2))
        #expect(engine.eventLogged(event(1, 10, "control.in.livekit_join", connection: 1), now: at(10)) == [])
        #expect(engine.decide(ack, now: at(11)).verdict == .pass)
        #expect(!engine.hasFilters(at: .controlOut))
        #expect(engine.eventLogged(event(2, 20, "control.in.livekit_join", connection: 2), now: at(20)) == [
            .installFilter(FilterID(1), tap: .controlOut, summary: "delay 500ms control.out prompt_ack,set_image_ack"),
        ])
        let decision = engine.decide(ack, now: at(21))
        #expect(decision.verdict == .delay(.milliseconds(500)))
        #expect(decision.actions == [.log(faultRecord([
            "action": "delay", "fault": "ack_delay", "filter": "f1", "why": "rule \"slow-ack\" (when control.in.livekit_join #2)",
            "message": "set_image_ack", "delay_ms": 500,
        ], tap: .controlOut, connection: 2))])
        #expect(engine.eventLogged(event(3, 30, "control.in.livekit_join", connection: 3), now: at(30)) == [])
        #expect(engine.installedFilters.map(\.id) == [FilterID(1)])
    }

    @Test func holdUntilAnEventReleasesInOrderAndRemovesItself() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: participant.joining, identity: bob, occurrence: 2 }
            then:
              - hold: { tap: signal.out, message: update, about: bob, until: { event: participant.active, identity: bob } }
        """)
        _ = engine.start(now: .zero)
        _ = engine.eventLogged(event(1, 0, "participant.joining", identity: "bob"), now: .zero)
        #expect(engine.eventLogged(event(2, 5, "participant.joining", identity: "bob"), now: at(5)).count == 1)
        let toAlice = TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["bob"])
        let first = engine.decide(toAlice, now: at(6))
        #expect(first.messageID == TapMessageID(1))
        guard case .hold(until: .event(let until, deadline: nil)) = first.verdict else {
            Issue.record("expected a hold until an event, got \(first.verdict)")
            return
        }
        #expect(until.pattern == EventPattern(kind: .exact("participant.active"), identity: "bob"))
        #expect(first.actions.count == 1)
        #expect(engine.decide(TapContext(tap: .signalOut, kind: "update", about: ["carol"]), now: at(7)).verdict == .pass)
        let second = engine.decide(toAlice, now: at(8))
        #expect(engine.eventLogged(event(3, 9, "participant.active", identity: "alice"), now: at(9)) == [])
        #expect(engine.eventLogged(event(4, 10, "participant.active", identity: "bob"), now: at(10)) == [
            .release([first.messageID, second.messageID], tap: .signalOut),
            .log(faultRecord(["action": "release", "fault": "hold", "filter": "f1", "messages": 2,
                              "why": "rule #1 (when participant.joining identity=bob #2)"], tap: .signalOut)),
            .removeFilter(FilterID(1), tap: .signalOut),
        ])
        #expect(!engine.hasFilters(at: .signalOut))
    }

    @Test func holdForADurationArmsItsTimer() throws {
        var engine = try engine("""
        name: t
        timeline:
          - at: 0s
            do: { hold: { tap: control.out, message: livekit_room_info, for: 2s } }
        """)
        let start = engine.start(now: at(1000))
        #expect(start.suffix(2) == [
            .installFilter(FilterID(1), tap: .controlOut, summary: "hold control.out livekit_room_info for 2s"),
            .armTimer(.filter(FilterID(1)), at: at(3000)),
        ])
        let held = engine.decide(TapContext(tap: .controlOut, kind: "livekit_room_info", connection: ConnectionID(4)), now: at(1500))
        #expect(held.verdict == .hold(until: .instant(at(3000))))
        #expect(engine.timerFired(.filter(FilterID(1)), now: at(3000)) == [
            .release([held.messageID], tap: .controlOut),
            .log(faultRecord(["action": "release", "fault": "hold", "filter": "f1", "messages": 1, "why": "timeline at 0s"], tap: .controlOut)),
            .removeFilter(FilterID(1), tap: .controlOut),
        ])
        #expect(engine.timerFired(.filter(FilterID(1)), now: at(3001)) == [])
    }

    @Test func commandsTargetTheTriggeringConnectionUnlessAnIdentityIsGiven() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: control.in.livekit_join }
            then:
              - close: { socket: control, code: 1011, reason: no room }
              - leave: { identity: bob, reason: state_mismatch, action: reconnect }
          - when: { event: participant.active, identity: carol }
            then:
              - simulate: { scenario: speaker_update, seconds: 3 }
        timeline:
          - at: 1s
            do: { abort: { socket: signal } }
        """)
        _ = engine.start(now: .zero)
        let actions = engine.eventLogged(event(1, 5, "control.in.livekit_join", connection: 7), now: at(5))
        #expect(commands(actions) == [
            .close(.control, .connection(ConnectionID(7)), code: CloseCode(1011), reason: "no room"),
            .sendLeave(.identity("bob"), reason: .stateMismatch, action: .reconnect),
        ])
        #expect(actions[1] == .log(faultRecord([
            "action": "close", "fault": "close", "why": "rule #1 (when control.in.livekit_join)", "target": "c7", "code": 1011, "reason": "no room",
        ], tap: .controlOut, connection: 7)))
        #expect(engine.eventLogged(event(2, 6, "participant.active", identity: "carol"), now: at(6)).first
            == .command(.simulate(.identity("carol"), .speakerUpdate(seconds: 3))))
        #expect(engine.timerFired(.timeline(0), now: at(1000)).first == .command(.abort(.signal, .all)))
    }

    @Test func closeInsteadOfAMessageIsAVerdictAtTheTap() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: control.in.livekit_join }
            then: { close: { socket: control, code: 1011, instead_of: livekit_room_info } }
        """)
        _ = engine.start(now: .zero)
        _ = engine.eventLogged(event(1, 1, "control.in.livekit_join", connection: 1), now: at(1))
        #expect(engine.decide(TapContext(tap: .controlOut, kind: "queue_position", connection: ConnectionID(1)), now: at(2)).verdict == .pass)
        let decision = engine.decide(TapContext(tap: .controlOut, kind: "livekit_room_info", connection: ConnectionID(1)), now: at(3))
        #expect(decision.verdict == .close(code: CloseCode(1011), reason: ""))
        #expect(decision.actions == [
            .log(faultRecord(["action": "close", "fault": "close", "filter": "f1", "why": "rule #1 (when control.in.livekit_join)",
                              "message": "livekit_room_info", "code": 1011], tap: .controlOut, connection: 1)),
            .removeFilter(FilterID(1), tap: .controlOut),
        ])
    }

    @Test func mediaBeforeMetadataSwapsUpdateAndOffer() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: participant.active, identity: alice }
            then: [ { order: { ordering: media_before_metadata, publisher: bob, subscriber: alice } } ]
        """)
        _ = engine.start(now: .zero)
        _ = engine.eventLogged(event(1, 1, "participant.active", identity: "alice"), now: at(1))
        let update = TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["bob"])
        let offer = TapContext(tap: .signalOut, kind: "offer", connection: ConnectionID(1), identity: "alice")
        let held = engine.decide(update, now: at(10))
        #expect(held.verdict == .hold(until: .nextMessage(kinds: ["answer", "offer"], deadline: at(5010))))
        #expect(held.actions.contains(.armTimer(.filter(FilterID(1)), at: at(5010))))
        let passed = engine.decide(offer, now: at(20))
        #expect(passed.verdict == .pass)
        #expect(passed.actions.first == .release([held.messageID], tap: .signalOut))
        // Towards bob (the publisher) nothing is reordered.
        #expect(engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(2), identity: "bob", about: ["bob"]),
                              now: at(30)).verdict == .pass)
    }

    @Test func singlePCTheAnswerReleasesAndTheTriggeringPublisherIsTheDefault() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: track.published }
            then: { order: media_before_metadata }
        """)
        _ = engine.start(now: .zero)
        _ = engine.eventLogged(event(1, 1, "track.published", identity: "bob"), now: at(1))
        // An update about someone else, and bob's own update about himself, pass.
        #expect(engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["carol"]),
                              now: at(5)).verdict == .pass)
        #expect(engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(2), identity: "bob", about: ["bob"]),
                              now: at(6)).verdict == .pass)
        let held = engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["bob"]),
                                 now: at(10))
        guard case .hold = held.verdict else { Issue.record("not held: \(held.verdict)"); return }
        let answer = engine.decide(TapContext(tap: .signalOut, kind: "answer", connection: ConnectionID(1), identity: "alice"), now: at(20))
        #expect(answer.verdict == .pass && answer.actions.first == .release([held.messageID], tap: .signalOut))
        // One swap per connection: the next update about bob passes.
        #expect(engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["bob"]),
                              now: at(30)).verdict == .pass)
    }

    @Test func disconnectAfterNewInfoSwapsTheTwoUpdatesAboutTheIdentity() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: connection.open, identity: bob, occurrence: 2 }
            then: { disconnect_after_new_info: bob }
        """)
        _ = engine.start(now: .zero)
        _ = engine.eventLogged(event(1, 1, "connection.open", identity: "bob"), now: at(1))
        _ = engine.eventLogged(event(2, 2, "connection.open", identity: "bob"), now: at(2))
        let oldGone = engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), about: ["bob"]), now: at(3))
        #expect(oldGone.verdict != .pass)
        let newInfo = engine.decide(TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), about: ["bob"]), now: at(4))
        #expect(newInfo.verdict == .pass)
        #expect(newInfo.actions.first == .release([oldGone.messageID], tap: .signalOut))
    }

    @Test func mediaFaultsLogAtInstallAndRemovalNotPerPacket() throws {
        var engine = try engine("""
        name: t
        timeline:
          - at: 0s
            do: { loss: { percent: 100, track_kind: video, during: 1s } }
        """)
        let start = engine.start(now: .zero)
        #expect(start.contains(.log(faultRecord(["action": "impair", "fault": "loss", "filter": "f1", "why": "timeline at 0s",
                                                 "summary": "loss 100% media.rtp track_kind=video"], tap: .mediaRTP))))
        #expect(start.last == .armTimer(.filter(FilterID(1)), at: at(1000)))
        for index in 0..<3 {
            let decision = engine.decide(TapContext(tap: .mediaRTP, kind: "rtp", track: "TR_VCx"), now: at(Int64(index)))
            #expect(decision.verdict == .drop)
            #expect(decision.actions == [])
        }
        #expect(engine.decide(TapContext(tap: .mediaRTP, kind: "rtp", track: "TR_AMx"), now: at(5)).verdict == .pass)
        #expect(engine.timerFired(.filter(FilterID(1)), now: at(1000)) == [
            .removeFilter(FilterID(1), tap: .mediaRTP),
            .log(faultRecord(["action": "impair_end", "fault": "loss", "filter": "f1", "why": "timeline at 0s", "affected": 3], tap: .mediaRTP)),
        ])
    }

    @Test func theFirstFilterThatDoesNotPassDecides() throws {
        var engine = try engine("""
        name: t
        timeline:
          - at: 0s
            do:
              - drop: { tap: signal.out, message: update, nth: 2 }
              - delay: { tap: signal.out, by: 1s }
        """)
        _ = engine.start(now: .zero)
        let verdicts = (0..<3).map { engine.decide(TapContext(tap: .signalOut, kind: "update"), now: at(Int64($0))).verdict }
        #expect(verdicts == [.delay(.seconds(1)), .drop, .delay(.seconds(1))])
        #expect(engine.installedFilters.map(\.id) == [FilterID(2)])
    }

    @Test func everyTriggerFiresEachTime() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: participant.resumed, every: true }
            then: { simulate: node_failure }
        """)
        _ = engine.start(now: .zero)
        let fired = (1...3).map { engine.eventLogged(event(UInt64($0), Double($0), "participant.resumed", connection: UInt64($0)), now: at(Int64($0))) }
        #expect(fired.map(\.first) == (1...3).map { .command(.simulate(.connection(ConnectionID(UInt64($0))), .nodeFailure)) })
    }

    @Test func sameSeedSameDecisionsOtherSeedOthers() throws {
        let yaml = """
        name: t
        seed: 77
        rules:
          - when: { event: participant.active }
            then:
              - delay: { tap: signal.out, message: update, by: 100ms, jitter: 90ms }
              - drop: { tap: signal.in, percent: 40 }
        """
        func transcript(_ seed: UInt64?) throws -> [FaultVerdict] {
            var engine = try engine(yaml, seed: seed)
            _ = engine.start(now: .zero)
            _ = engine.eventLogged(event(1, 0, "participant.active"), now: .zero)
            return (0..<40).flatMap { index in
                [engine.decide(TapContext(tap: .signalOut, kind: "update"), now: at(Int64(index))).verdict,
                 engine.decide(TapContext(tap: .signalIn, kind: "ping_req"), now: at(Int64(index))).verdict]
            }
        }
        let first = try transcript(nil)
        #expect(first == (try transcript(nil)))
        #expect(first == (try transcript(77)))
        #expect(first != (try transcript(78)))
        #expect(try engine(yaml).seed == 77)
    }

    @Test func finishReleasesEverythingAndStopsTheEngine() throws {
        var engine = try engine("""
        name: t
        timeline:
          - at: 0s
            do: { hold: { tap: signal.in, until: { event: room.closed } } }
        """)
        _ = engine.start(now: .zero)
        let held = engine.decide(TapContext(tap: .signalIn, kind: "leave"), now: at(1))
        #expect(engine.finish(now: at(2)) == [
            .release([held.messageID], tap: .signalIn),
            .log(faultRecord(["action": "release", "fault": "hold", "filter": "f1", "messages": 1, "why": "timeline at 0s"], tap: .signalIn)),
            .removeFilter(FilterID(1), tap: .signalIn),
            .log(EventRecord(kind: "scenario.finished", detail: ["name": "t"])),
        ])
        #expect(engine.finish(now: at(3)) == [])
        #expect(engine.decide(TapContext(tap: .signalIn, kind: "leave"), now: at(4)).verdict == .pass)
        #expect(engine.eventLogged(event(1, 5, "room.closed"), now: at(5)) == [])
    }

    @Test func nothingHappensBeforeStart() throws {
        var engine = try engine("""
        name: t
        rules:
          - when: { event: room.created }
            then: { refuse_resume: {} }
        """)
        #expect(engine.eventLogged(event(1, 0, "room.created"), now: .zero) == [])
        #expect(engine.timerFired(.timeline(0), now: .zero) == [])
        _ = engine.start(now: .zero)
        #expect(engine.eventLogged(event(2, 1, "room.created"), now: at(1)).first == .command(.liveKitPolicy(.refuseResume(identity: nil))))
    }
}
