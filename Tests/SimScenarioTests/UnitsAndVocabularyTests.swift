import SimCore
import SimFaults
import SimTestKit
import Testing
@testable import SimScenario

@Suite struct DurationTextTests {
    @Test func parsesMillisecondsAndSecondsExactly() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("2s") == .seconds(2))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("0.25ms") == .microseconds(250))
        #expect(DurationText.parse("0s") == .zero)
    }

    @Test func rejectsEverythingElse() {
        for text in ["5", "5 sec", "5 s", "5sec", "1m", "-1s", ".5s", "1.s", "1e3ms", "ms", "", "1,5s", "５s"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsCompactly() {
        #expect(DurationText.format(.seconds(10)) == "10s")
        #expect(DurationText.format(.milliseconds(1500)) == "1.5s")
        #expect(DurationText.format(.milliseconds(800)) == "800ms")
        #expect(DurationText.format(.microseconds(250)) == "0.25ms")
    }
}

@Suite struct UnitsTests {
    @Test func bitratesAndSizes() {
        #expect(Bitrate.parse("500kbps") == Bitrate(bitsPerSecond: 500_000))
        #expect(Bitrate.parse("2Mbps") == Bitrate(bitsPerSecond: 2_000_000))
        #expect(Bitrate.parse("64000bps")?.bytesPerSecond == 8000)
        #expect(Bitrate.parse("fast") == nil && Bitrate.parse("kbps") == nil && Bitrate.parse("1.5mbps") == nil)
        #expect(Bitrate(bitsPerSecond: 300_000).description == "300kbps")
        #expect(ByteCount.parse("16KB") == ByteCount(16_000))
        #expect(ByteCount.parse("1500") == ByteCount(1500) && ByteCount.parse("1500B") == ByteCount(1500))
        #expect(ByteCount.parse("1MB") == ByteCount(1_000_000))
        #expect(ByteCount.parse("lots") == nil && ByteCount.parse("KB") == nil)
    }

    @Test func closeCodesAServerMaySend() {
        #expect([1000, 1001, 1003, 1007, 1011, 1013, 1014, 3000, 4999].allSatisfy(CloseCode.isSendable))
        #expect(![999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].contains(where: CloseCode.isSendable))
    }

    @Test func protoNumbersFollowTheProtoOrder() {
        #expect(LeaveReason.stateMismatch.protoValue == 6)
        #expect(LeaveReason.agentError.protoValue == 16)
        #expect(LeaveAction.reconnect.protoValue == 2)
    }

    @Test func trackKindFromSIDPrefix() {
        #expect(TrackKind(sid: "TR_VCabc") == .video)
        #expect(TrackKind(sid: "TR_AMabc") == .audio)
        #expect(TrackKind(sid: "XX_abc") == nil)
    }
}

@Suite struct EventVocabularyTests {
    @Test func knowsTheKindsTheServerLogs() {
        for kind in ["participant.joined", "participant.active", "participant.disconnected", "participant.resumed", "participant.signal_lost",
                     "track.published", "track.subscribed", "track.unpublished", "transport.connected", "transport.failed",
                     "transport.ice_restart", "connection.open", "connection.close", "fault.applied", "signal.out.join",
                     "signal.in.leave", "signal.out.track_published", "control.in.livekit_join", "control.out.livekit_room_info",
                     "control.out.ice-candidate", "decart.queue.waiting", "media.rtp", "scenario.started"] {
            #expect(EventVocabulary.isKnown(kind), "\(kind)")
        }
        #expect(!EventVocabulary.isKnown("signal.in.join"))
        #expect(!EventVocabulary.isKnown("participant.left"))
    }

    @Test func wildcardsNeedAKnownPrefix() {
        #expect(EventVocabulary.isValidPattern("*"))
        #expect(EventVocabulary.isValidPattern("signal.out.*"))
        #expect(EventVocabulary.isValidPattern("decart.*"))
        #expect(!EventVocabulary.isValidPattern("signal.ou*"))
        #expect(!EventVocabulary.isValidPattern("nothing.*"))
        #expect(KindPattern("signal.out.*").matches("signal.out.update") && !KindPattern("signal.out.*").matches("signal.in.offer"))
    }

    @Test func messageKindsPerTap() {
        #expect(EventVocabulary.messageKinds(at: .signalOut).contains("track_published"))
        #expect(!EventVocabulary.messageKinds(at: .signalOut).contains("add_track"))
        #expect(EventVocabulary.messageKinds(at: .signalIn).contains("add_track"))
        #expect(EventVocabulary.messageKinds(at: .controlIn) == ["livekit_join", "set_image", "prompt", "offer", "answer", "ice-candidate",
                                                                 "observability", "pause", "resume"])
        #expect(EventVocabulary.messageKinds(at: .mediaRTP) == ["rtp"])
        #expect(EventVocabulary.messageKinds(at: .httpIn).contains("sync"))
        #expect(EventVocabulary.messageKinds(at: .httpOut).contains("keys_claim"))
    }

    @Test func suggestionsByEditDistanceThenSubstring() {
        #expect(EditDistance.between("kitten", "sitting") == 3)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EventVocabulary.suggestion(for: "participant.activ") == "participant.active")
        #expect(EventVocabulary.suggestion(for: "control.out.room_info") == "control.out.livekit_room_info")
        #expect(EventVocabulary.suggestion(for: "zzz") == nil)
        #expect(EditDistance.closest(to: "dorp", among: ["drop", "delay"]) == "drop")
    }
}

@Suite struct EventPatternTests {
    @Test func filtersOnIdentityTrackKindDirectionAndDetail() {
        let published = EventRecord(kind: "track.published", identity: "bob", detail: ["kind": "video", "track": "TR_VCx"])
        #expect(EventPattern(kind: .exact("track.published"), identity: "bob", trackKind: .video).matches(published))
        #expect(!EventPattern(kind: .exact("track.published"), trackKind: .audio).matches(published))
        let subscribed = EventRecord(kind: "track.subscribed", identity: "alice", detail: ["track": "TR_AMy"])
        #expect(EventPattern(kind: .exact("track.subscribed"), trackKind: .audio).matches(subscribed))
        let out = EventRecord(kind: "signal.out.update", identity: "alice")
        #expect(EventPattern(kind: .prefix("signal."), direction: .outbound).matches(out))
        #expect(!EventPattern(kind: .prefix("signal."), direction: .inbound).matches(out))
        let fault = EventRecord(kind: "fault.applied", detail: ["fault": "ack_delay", "delay_ms": 500])
        #expect(EventPattern(kind: .exact("fault.applied"), detail: ["fault": "ack_delay", "delay_ms": "500"]).matches(fault))
        #expect(!EventPattern(kind: .exact("fault.applied"), detail: ["fault": "drop"]).matches(fault))
    }
}
