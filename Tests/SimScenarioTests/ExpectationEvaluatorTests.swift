import Foundation
import SimCore
import SimFaults
import SimTestKit
import Testing
@testable import SimScenario

@Suite struct ExpectationEvaluatorTests {
    func report(_ expect: String, _ events: [SimEvent], final: Bool = true, nowMs: Double? = nil) throws -> ScenarioReport {
        let scenario = try ScenarioLoader.load("name: t\nseed: 4\nexpect:\n" + expect, file: "t.yaml")
        return ExpectationEvaluator(scenario: scenario).evaluate(events, nowMs: nowMs, final: final)
    }

    let started = event(1, 1000, "scenario.started")

    @Test func happenedWithinPassesAndCitesTheEvent() throws {
        let result = try report("  - { event: participant.active, identity: bob, occurrence: 2, within: 8s }\n", [
            started, event(2, 1500, "participant.active", identity: "bob"), event(3, 2000, "participant.active", identity: "alice"),
            event(4, 8500, "participant.active", identity: "bob"),
        ]).results[0]
        #expect(result == ExpectationResult(name: "happened participant.active identity=bob #2 within 8s", status: .passed,
                                            reason: "happened at seq 4 at +7500ms", location: "t.yaml:4:5",
                                            events: [EventReference(seq: 4, tMs: 8500, kind: "participant.active")]))
    }

    @Test func happenedTooLateFails() throws {
        let result = try report("  - { event: participant.active, within: 2s }\n", [started, event(2, 3500, "participant.active")]).results[0]
        #expect(result.status == .failed)
        #expect(result.reason == "happened at seq 2 at +2500ms, later than within 2s")
    }

    @Test func happenedIsPendingMidRunUntilItsDeadlinePasses() throws {
        let expect = "  - { event: participant.active, within: 2s }\n"
        let events = [started, event(2, 1200, "room.created")]
        #expect(try report(expect, events, final: false, nowMs: 2500).results[0].status == .pending)
        let late = try report(expect, events, final: false, nowMs: 3001).results[0]
        #expect(late.status == .failed)
        #expect(late.reason == "happened 0 times, expected once within 2s")
        #expect(try report(expect, events, final: true).results[0].status == .failed)
    }

    @Test func afterAnchorsTheWindowAndTheCount() throws {
        let expect = "  - { event: track.subscribed, within: 1s, after: { event: track.published, identity: bob } }\n"
        let early = event(2, 1100, "track.subscribed")
        let anchor = event(3, 5000, "track.published", identity: "bob")
        let result = try report(expect, [started, early, anchor, event(4, 5800, "track.subscribed")]).results[0]
        #expect(result.status == .passed)
        #expect(result.reason == "happened at seq 4 at +800ms")
        #expect(result.events.map(\.seq) == [3, 4])
        // The subscription before the anchor does not count.
        #expect(try report(expect, [started, early, anchor]).results[0].status == .failed)
        #expect(try report(expect, [started, early], final: false).results[0] .reason == "waiting for track.published identity=bob")
        #expect(try report(expect, [started, early]).results[0].reason == "the anchor track.published identity=bob never happened")
    }

    @Test func neverFailsWithTheOffendersAndPassesAtTheEnd() throws {
        let expect = "  - { never: true, event: control.out.error }\n"
        #expect(try report(expect, [started, event(2, 1100, "control.out.livekit_room_info")]).results[0].status == .passed)
        #expect(try report(expect, [started], final: false).results[0].status == .pending)
        let failed = try report(expect, [started, event(2, 1100, "control.out.error"), event(3, 1300, "control.out.error")]).results[0]
        #expect(failed.status == .failed)
        #expect(failed.reason == "happened 2 times, first at seq 2 at +100ms")
        #expect(failed.events.map(\.seq) == [2, 3])
    }

    @Test func neverWithinIgnoresLaterEvents() throws {
        let expect = "  - { never: true, event: participant.disconnected, within: 5s }\n"
        let events = [started, event(2, 7000, "participant.disconnected")]
        #expect(try report(expect, events).results[0].status == .passed)
        #expect(try report(expect, [started], final: false, nowMs: 6001).results[0].status == .passed)
    }

    @Test func countsExactAtLeastAtMost() throws {
        let leaves = [started, event(2, 1100, "signal.out.leave"), event(3, 1200, "signal.out.leave")]
        #expect(try report("  - { event: signal.out.leave, count: 2 }\n", leaves).results[0].status == .passed)
        let exact = try report("  - { event: signal.out.leave, count: 1 }\n", leaves, final: false).results[0]
        #expect(exact.status == .failed)
        #expect(exact.reason == "happened 2 times, expected exactly 1")
        #expect(try report("  - { event: signal.out.leave, at_least: 2 }\n", leaves, final: false).results[0].status == .passed)
        #expect(try report("  - { event: signal.out.leave, at_least: 3 }\n", leaves, final: false).results[0].status == .pending)
        #expect(try report("  - { event: signal.out.leave, at_least: 3 }\n", leaves).results[0].reason == "happened 2 times, expected at least 3")
        #expect(try report("  - { event: signal.out.leave, at_most: 1 }\n", leaves, final: false).results[0].status == .failed)
        #expect(try report("  - { event: signal.out.leave, at_least: 1, at_most: 2 }\n", leaves).results[0].reason == "happened 2 times, expected 1 to 2")
    }

    @Test func orderingPassesFailsAndWaits() throws {
        let expect = "  - order: [{ event: control.out.set_image_ack }, { event: control.out.livekit_room_info }]\n"
        let ack = event(2, 1100, "control.out.set_image_ack"), info = event(3, 1900, "control.out.livekit_room_info")
        let passed = try report(expect, [started, ack, info]).results[0]
        #expect(passed.status == .passed)
        #expect(passed.reason == "in order: seq 2 < 3")
        #expect(passed.name == "order control.out.set_image_ack < control.out.livekit_room_info")
        let swapped = try report(expect, [started, event(2, 1100, "control.out.livekit_room_info"), event(3, 1200, "control.out.set_image_ack")])
        #expect(swapped.results[0].reason == "control.out.livekit_room_info (seq 2) happened before control.out.set_image_ack (seq 3)")
        let missingEarlier = try report(expect, [started, info], final: false).results[0]
        #expect(missingEarlier.status == .failed)
        #expect(missingEarlier.reason == "control.out.livekit_room_info happened (seq 3) before control.out.set_image_ack")
        #expect(try report(expect, [started, ack], final: false).results[0].status == .pending)
        #expect(try report(expect, [started, ack]).results[0].reason == "control.out.livekit_room_info has not happened")
    }

    @Test func orderingWithinLimitsTheSpread() throws {
        let expect = "  - order: [{ event: room.created }, { event: room.closed, occurrence: 2 }]\n    within: 1s\n"
        let events = [started, event(2, 1000, "room.created"), event(3, 1500, "room.closed"), event(4, 2500, "room.closed")]
        let result = try report(expect, events).results[0]
        #expect(result.status == .failed)
        #expect(result.reason == "in order, but spread over 1500ms, more than 1s")
    }

    @Test func eventsBeforeTheScenarioStartDoNotCount() throws {
        let expect = "  - { never: true, event: room.created }\n"
        #expect(try report(expect, [event(1, 10, "room.created"), event(2, 20, "scenario.started")]).results[0].status == .passed)
        // Without a scenario.started event, startMs decides.
        let scenario = try ScenarioLoader.load("name: t\nexpect:\n" + expect, file: "t.yaml")
        let events = [event(1, 10, "room.created")]
        #expect(ExpectationEvaluator(scenario: scenario).evaluate(events, startMs: 50, final: true).results[0].status == .passed)
        #expect(ExpectationEvaluator(scenario: scenario).evaluate(events, startMs: 0, final: true).results[0].status == .failed)
    }

    @Test func reportAggregatesAndEncodesAsSnakeCaseJSON() throws {
        let summary = try report("""
          - { event: room.created }
          - { never: true, event: room.closed }
          - { event: participant.active }

        """, [started, event(2, 1100, "room.created"), event(3, 1200, "fault.applied"), event(4, 1300, "room.closed")], final: false)
        #expect(summary.status == .failed)
        #expect(!summary.passed)
        #expect(summary.count(ExpectationStatus.passed) == 1 && summary.count(ExpectationStatus.failed) == 1 && summary.count(ExpectationStatus.pending) == 1)
        #expect(summary.faultsApplied == 1)
        #expect(summary.durationMs == 300)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(summary), as: UTF8.self)
        #expect(json.hasPrefix(#"{"duration_ms":300,"faults_applied":1,"final":false,"results":[{"events":[{"kind":"room.created","seq":2,"t_ms":1100}],"#))
        #expect(json.hasSuffix(#""scenario":"t","seed":4,"status":"failed"}"#))
        #expect(try JSONDecoder().decode(ScenarioReport.self, from: encoder.encode(summary)) == summary)
    }
}
