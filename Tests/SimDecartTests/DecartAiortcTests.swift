import SimCore
import Testing
@testable import SimDecart

/// The aiortc transport (reference §4.1, §9.8): the client offers, the server is the peer.
@Suite struct DecartAiortcTests {
    static let candidate = DecartICECandidate(candidate: "candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0)
    static let candidateFrame = #"{"type":"ice-candidate","candidate":{"candidate":"candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host","sdpMid":"0","sdpMLineIndex":0}}"#

    @Test func initialStateAckedBeforeOfferThenAnswerCandidatesAndGeneration() {
        var h = DecartHarness()
        h.open(1)
        // Initial state before any SDP, acked at once (the client waits for it before offering).
        #expect(h.text(1, #"{"type":"set_image","image_data":"QUJD","prompt":"x","enhance_prompt":true}"#).messages(to: 1)
            == [.setImageAck(success: true, error: nil)])
        let offer = h.text(1, #"{"type":"offer","sdp":"v=0\r\n"}"#)
        #expect(offer.contains { $0 == .startPeer(ConnectionID(1), offerSDP: "v=0\r\n") })
        #expect(offer.roomRequests(ConnectionID(1)).isEmpty)
        #expect(offer.types(to: 1).isEmpty)
        // Client candidates, then the JS end-of-gathering null.
        #expect(h.text(1, Self.candidateFrame).contains { $0 == .addRemoteCandidate(ConnectionID(1), Self.candidate) })
        let end = h.text(1, #"{"type":"ice-candidate","candidate":null}"#)
        #expect(end.contains { $0 == .addRemoteCandidate(ConnectionID(1), nil) })
        #expect(end.logged.contains("decart.peer.remote_gathering_complete"))
        // The peer answers: answer, then session_id for the subscribe token.
        let answer = h.handle(.peerAnswered(ConnectionID(1), sdp: "v=0 answer"))
        #expect(answer.types(to: 1) == ["answer", "session_id"])
        #expect(answer.messages(to: 1).first == .answer(sdp: "v=0 answer"))
        // Server candidates are trickled; the end of gathering is never sent as null.
        let local = DecartICECandidate(candidate: "candidate:2 1 udp 1 127.0.0.1 40000 typ host", sdpMid: "0", sdpMLineIndex: 0)
        #expect(h.handle(.peerCandidateGathered(ConnectionID(1), local)).messages(to: 1) == [.iceCandidate(local)])
        #expect(h.handle(.peerCandidateGathered(ConnectionID(1), nil)).types(to: 1).isEmpty)
        // Connected: generation starts; no room is involved.
        let connected = h.handle(.peerConnected(ConnectionID(1)))
        #expect(connected.types(to: 1) == ["generation_started"])
        guard case .startInference(_, let parameters)? = connected.first(where: { if case .startInference = $0 { true } else { false } }) else {
            Issue.record("no startInference"); return
        }
        #expect(parameters.room == nil && parameters.state?.prompt == "x")
        #expect(h.advance(by: .seconds(1)).messages(to: 1) == [.generationTick(seconds: 1)])
        let close = h.handle(.connectionClosed(ConnectionID(1), code: 1005, reason: ""))
        #expect(close.contains { $0 == .closePeer(ConnectionID(1)) })
        #expect(!close.contains(1) { if case .releaseRoom = $0 { true } else { false } })
    }

    @Test func promptBeforeOfferIsAckedWithEcho() {
        var h = DecartHarness()
        h.open(1)
        #expect(h.text(1, #"{"type":"prompt","prompt":"only a prompt","enhance_prompt":true}"#).messages(to: 1)
            == [.promptAck(prompt: "only a prompt", success: true, error: nil)])
    }

    @Test func readyAfterPreOfferAckByRule() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.readyAfterPreOfferAck = true
        h.open(1, rules: rules)
        #expect(h.text(1, #"{"type":"set_image","image_data":null,"prompt":null}"#).types(to: 1) == ["set_image_ack", "ready"])
        // Off by default.
        var plain = DecartHarness()
        plain.open(1)
        #expect(plain.text(1, #"{"type":"set_image","image_data":null,"prompt":null}"#).types(to: 1) == ["set_image_ack"])
    }

    @Test func queuedOfferAndCandidatesWaitForASlot() {
        var configuration = DecartConfiguration()
        configuration.maxActiveSessions = 1
        var h = DecartHarness(configuration: configuration)
        h.joined(1)
        h.open(2)
        let offer = h.text(2, #"{"type":"offer","sdp":"v=0"}"#)
        #expect(offer.messages(to: 2) == [.queuePosition(position: 1, queueSize: 1)])
        #expect(!offer.contains(2) { if case .startPeer = $0 { true } else { false } })
        #expect(h.text(2, Self.candidateFrame).contains(2) { if case .addRemoteCandidate = $0 { true } else { false } } == false)
        h.text(2, #"{"type":"ice-candidate","candidate":null}"#)
        let admitted = h.handle(.connectionClosed(ConnectionID(1), code: 1000, reason: ""))
        let peerActions = admitted.filter { action in
            switch action {
            case .startPeer(ConnectionID(2), _), .addRemoteCandidate(ConnectionID(2), _): true
            default: false
            }
        }
        #expect(peerActions == [.startPeer(ConnectionID(2), offerSDP: "v=0"), .addRemoteCandidate(ConnectionID(2), Self.candidate), .addRemoteCandidate(ConnectionID(2), nil)])
    }

    @Test func joinAfterOfferAndSecondOfferAreRefused() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"offer","sdp":"v=0"}"#)
        #expect(h.text(1, #"{"type":"livekit_join"}"#).errors(to: 1).first?.hasPrefix("livekit_join after offer") == true)
        #expect(h.text(1, #"{"type":"offer","sdp":"v=0"}"#).errors(to: 1) == ["offer already received on this connection"])
    }

    @Test func peerFailureEndsTheSession() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"offer","sdp":"v=0"}"#)
        h.handle(.peerAnswered(ConnectionID(1), sdp: "a"))
        h.handle(.peerConnected(ConnectionID(1)))
        h.advance(by: .seconds(2))
        let failed = h.handle(.peerFailed(ConnectionID(1), reason: "ice failed"))
        #expect(failed.messages(to: 1) == [.error("peer connection failed: ice failed"), .generationEnded(seconds: 2, reason: .error)])
        #expect(failed.closes.map(\.1) == [.internalError])
        #expect(failed.contains { $0 == .closePeer(ConnectionID(1)) })
    }
}

@Suite struct DecartAiortcOrderingTests {
    /// The peer may report connected before the shell delivers its answer: generation starts once both happened.
    @Test func connectedBeforeAnswerStartsAtAnswer() {
        var h = DecartHarness()
        h.open(1)
        h.text(1, #"{"type":"offer","sdp":"v=0"}"#)
        #expect(h.handle(.peerConnected(ConnectionID(1))).types(to: 1).isEmpty)
        #expect(h.handle(.peerAnswered(ConnectionID(1), sdp: "a")).types(to: 1) == ["answer", "session_id", "generation_started"])
    }

    @Test func sessionIDAfterAnswerCanBeSwitchedOff() {
        var h = DecartHarness()
        var rules = DecartRules()
        rules.sessionIDInAiortcMode = false
        h.open(1, rules: rules)
        h.text(1, #"{"type":"offer","sdp":"v=0"}"#)
        #expect(h.handle(.peerAnswered(ConnectionID(1), sdp: "a")).types(to: 1) == ["answer"])
    }
}
