import SimCore
import Testing
@testable import SimDecart

/// Generation lifecycle: ticks, end, metrics, teardown (reference §3, §8 R7).
@Suite struct DecartGenerationTests {
    @Test func ticksEverySecondWithIntegerSeconds() {
        var h = DecartHarness()
        h.joined(1)
        h.advance(by: .milliseconds(300))
        h.published(1)
        let ticks = h.advance(by: .milliseconds(3_500))
        #expect(ticks.messages(to: 1) == [.generationTick(seconds: 1), .generationTick(seconds: 2), .generationTick(seconds: 3)])
        #expect(ticks.frames(to: 1).first == #"{"type":"generation_tick","seconds":1}"#)
    }

    /// Seconds come from the clock, not a tick counter: a late timer still reports elapsed whole seconds.
    @Test func lateTimerReportsElapsedWholeSeconds() {
        var h = DecartHarness()
        h.joined(1)
        h.published(1)
        h.clock.advance(by: .milliseconds(2_700))
        #expect(h.handle(.timerFired(.generationTick(ConnectionID(1)))).messages(to: 1) == [.generationTick(seconds: 2)])
    }

    @Test func serverEndsSessionWithErrorGenerationEndedThenClose() {
        var h = DecartHarness()
        h.joined(1)
        h.published(1)
        h.advance(by: .milliseconds(4_200))
        let end = h.handle(.sessionEndRequested(ConnectionID(1), reason: .insufficientCredits, errorText: "Insufficient credits"))
        #expect(end.messages(to: 1) == [.error("Insufficient credits"), .generationEnded(seconds: 4, reason: .insufficientCredits)])
        #expect(end.closes.map(\.1) == [.normal])
        let closeIndex = end.firstIndex { if case .close = $0 { true } else { false } } ?? -1
        let lastSend = end.lastIndex { if case .send = $0 { true } else { false } } ?? Int.max
        #expect(lastSend < closeIndex)
        #expect(end.contains(1) { if case .stopInference = $0 { true } else { false } })
        #expect(end.contains(1) { if case .releaseRoom = $0 { true } else { false } })
        #expect(end.contains { $0 == .cancelTimer(.generationTick(ConnectionID(1))) })
        #expect(h.advance(by: .seconds(5)).isEmpty)
        #expect(h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: "")).isEmpty)
    }

    @Test func sessionLimitEndsWithTimeout() {
        var configuration = DecartConfiguration()
        configuration.maxSessionDuration = .seconds(5)
        var h = DecartHarness(configuration: configuration)
        h.joined(1)
        h.published(1)
        let run = h.advance(by: .seconds(6))
        // The limit was armed before the 5th tick, so at t=5 s it fires first.
        #expect(run.types(to: 1) == ["generation_tick", "generation_tick", "generation_tick", "generation_tick", "generation_ended"])
        #expect(run.messages(to: 1).last == .generationEnded(seconds: 5, reason: .timeout))
        #expect(run.closes.map(\.1) == [.normal])
    }

    @Test func endBeforeGenerationSendsNoGenerationEnded() {
        var h = DecartHarness()
        h.joined(1)
        let end = h.handle(.sessionEndRequested(ConnectionID(1), reason: .moderationViolation, errorText: nil))
        #expect(end.types(to: 1).isEmpty)
        #expect(end.closes.first?.2 == "moderation_violation")
    }

    @Test func roomCreationFailureIsAnErrorThenClose1011() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"livekit_join"}"#)
        let failed = h.handle(.roomCreationFailed(ConnectionID(1), reason: "livekit down"))
        #expect(failed.errors(to: 1) == ["could not create the LiveKit room: livekit down"])
        #expect(failed.closes.map(\.1) == [.internalError])
    }

    @Test func aMalformedOfferIsAnErrorThenClose1008() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"livekit_join"}"#)
        let rejected = h.handle(.peerOfferRejected(ConnectionID(1), reason: "malformed SDP offer: line 1"))
        #expect(rejected.errors(to: 1) == ["invalid offer: malformed SDP offer: line 1"])
        #expect(rejected.closes.map(\.1) == [.policyViolation])
    }

    @Test func clientCloseTearsDownWithoutSending() {
        var h = DecartHarness()
        h.joined(1)
        h.published(1)
        let close = h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: "client disconnect"))
        #expect(close.types(to: 1).isEmpty && close.closes.isEmpty)
        #expect(close.contains { $0 == .stopInference(ConnectionID(1)) })
        #expect(close.contains { $0 == .cancelTimer(.generationTick(ConnectionID(1))) })
        #expect(close.records("decart.session.closed").first?.detail["code"] == .int(1000))
        #expect(h.timers.isEmpty)
    }

    @Test func noServerMetricsWithoutTheFlag() {
        var h = DecartHarness()
        h.joined(1)
        h.published(1)
        h.handle(.framesCounted(ConnectionID(1), DecartFrameCounters(inputFrames: 90, outputFrames: 90)))
        #expect(h.timers[.serverMetrics(ConnectionID(1))] == nil)
        #expect(!h.advance(by: .seconds(3)).types(to: 1).contains("server_metrics"))
    }

    @Test func serverMetricsFromRealCountersWithTheFlag() {
        var h = DecartHarness()
        h.joined(1, query: "api_key=k&model=m&emit_server_metrics=1&user_agent=decart-js-sdk/0.1.16")
        h.published(1)
        h.advance(by: .milliseconds(500))
        h.handle(.framesCounted(ConnectionID(1), DecartFrameCounters(inputFrames: 15, outputFrames: 12)))
        let first = h.advance(by: .milliseconds(500)).messages(to: 1).compactMap { if case .serverMetrics(let m) = $0 { m } else { nil } }
        #expect(first.count == 1)
        #expect(first.first?.inputFPS == 15 && first.first?.outputFPS == 12)
        h.handle(.framesCounted(ConnectionID(1), DecartFrameCounters(inputFrames: 45, outputFrames: 41, inputQueueSize: 2, outputQueueSize: 1, pipelineLatency: .milliseconds(40))))
        let second = h.advance(by: .seconds(1)).messages(to: 1).compactMap { if case .serverMetrics(let m) = $0 { m } else { nil } }
        #expect(second == [DecartServerMetrics(
            sessionID: h.machine.sessionID(of: ConnectionID(1))!, inputFPS: 30, outputFPS: 29, inputFrameCount: 45, outputFrameCount: 41,
            pipelineLatencyMs: 40, videoInQueueSize: 2, videoOutQueueSize: 1
        )])
    }

    /// Reference §3.1: Android treats an unknown type as a connection error, so it never gets `server_metrics`
    /// (or any other type outside its list), even when the query asks.
    @Test func androidNeverReceivesATypeItCannotParse() {
        var h = DecartHarness()
        h.joined(1, query: "api_key=k&model=m&emit_server_metrics=1&user_agent=decart-android-sdk/0.7.10",
                 join: #"{"type":"livekit_join","initial_state":{"type":"set_image","image_data":null}}"#)
        h.published(1)
        h.text(1, #"{"type":"pause"}"#)
        h.text(1, "not json")
        h.advance(by: .seconds(3))
        h.handle(.sessionEndRequested(ConnectionID(1), reason: .timeout, errorText: nil))
        let sent = Set(h.transcript.types(to: 1))
        #expect(sent.isSubset(of: DecartClientDialect.androidTypes), "\(sent.subtracting(DecartClientDialect.androidTypes))")
        #expect(sent.contains("generation_tick") && sent.contains("error"))
        let suppressed = h.transcript.records("control.out.suppressed").compactMap { $0.detail["type"]?.description }
        #expect(suppressed.contains("server_metrics") && suppressed.contains("pause_ack"))
    }
}
