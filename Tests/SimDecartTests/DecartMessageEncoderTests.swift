import Foundation
import SimCore
import Testing
@testable import SimDecart

@Suite struct DecartMessageEncoderTests {
    let session = DecartSessionID("sess_abc")

    /// Golden frames: the exact shapes of reference §3.
    @Test func goldenFrames() {
        let cases: [(DecartServerMessage, String)] = [
            (.queuePosition(position: 3, queueSize: 7), #"{"type":"queue_position","position":3,"queue_position":3,"queue_size":7}"#),
            (.status("Entering queue"), #"{"type":"status","status":"Entering queue"}"#),
            (.livekitRoomInfo(LiveKitRoomInfo(livekitURL: "wss://lk", token: "t.j.w", roomName: "r", sessionID: session)),
             #"{"type":"livekit_room_info","livekit_url":"wss://lk","token":"t.j.w","room_name":"r","session_id":"sess_abc"}"#),
            (.sessionID(DecartSessionInfo(sessionID: session, serverIP: "10.0.0.1", serverPort: 8443)),
             #"{"type":"session_id","session_id":"sess_abc","server_ip":"10.0.0.1","server_port":8443}"#),
            (.setImageAck(success: true, error: nil), #"{"type":"set_image_ack","success":true,"error":null}"#),
            (.setImageAck(success: false, error: "bad"), #"{"type":"set_image_ack","success":false,"error":"bad"}"#),
            (.promptAck(prompt: "a \"cat\"", success: true, error: nil), #"{"type":"prompt_ack","prompt":"a \"cat\"","success":true,"error":null}"#),
            (.generationStarted, #"{"type":"generation_started"}"#),
            (.generationTick(seconds: 12), #"{"type":"generation_tick","seconds":12}"#),
            (.generationEnded(seconds: 5, reason: .insufficientCredits), #"{"type":"generation_ended","seconds":5,"reason":"insufficient_credits"}"#),
            (.error("Insufficient credits"), #"{"type":"error","error":"Insufficient credits"}"#),
            (.error("x", errorType: "internal_error"), #"{"type":"error","error":"x","error_type":"internal_error"}"#),
            (.serverMetrics(DecartServerMetrics(sessionID: session, inputFPS: 29.5, outputFPS: 30, inputFrameCount: 59, outputFrameCount: 60,
                                                 pipelineLatencyMs: 41.25, videoInQueueSize: 1, videoOutQueueSize: 0)),
             #"{"type":"server_metrics","session_id":"sess_abc","input_fps":29.5,"output_fps":30,"input_frame_count":59,"output_frame_count":60,"pipeline_latency_ms":41.25,"video_in_qsize":1,"video_out_qsize":0}"#),
            (.serverMetrics(DecartServerMetrics(sessionID: session)), #"{"type":"server_metrics","session_id":"sess_abc"}"#),
            (.answer(sdp: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"), #"{"type":"answer","sdp":"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"}"#),
            (.offer(sdp: "v=0"), #"{"type":"offer","sdp":"v=0"}"#),
            (.iceCandidate(DecartICECandidate(candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMid: "0", sdpMLineIndex: 0)),
             #"{"type":"ice-candidate","candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0}}"#),
            (.ready, #"{"type":"ready"}"#),
            (.pauseAck(success: false, error: "no"), #"{"type":"pause_ack","success":false,"error":"no"}"#),
            (.resumeAck(success: true, error: nil), #"{"type":"resume_ack","success":true,"error":null}"#),
        ]
        for (message, golden) in cases {
            #expect(DecartMessageEncoder.encode(message) == golden)
        }
    }

    /// Every frame is valid JSON to an independent parser, with the field types clients require.
    @Test func framesParseWithFoundationWithRequiredTypes() throws {
        let tick = try foundationObject(DecartMessageEncoder.encode(.generationTick(seconds: 3)))
        #expect(tick["seconds"] as? Int == 3)
        #expect(!(DecartMessageEncoder.encode(.generationTick(seconds: 3)).contains(".")))
        let queue = try foundationObject(DecartMessageEncoder.encode(.queuePosition(position: 1, queueSize: 2)))
        #expect(queue["position"] as? Int == 1 && queue["queue_position"] as? Int == 1 && queue["queue_size"] as? Int == 2)
        let ack = try foundationObject(DecartMessageEncoder.encode(.setImageAck(success: true, error: nil)))
        #expect(ack["success"] as? Bool == true)
        #expect(ack.keys.contains("error") && ack["error"] is NSNull)
        let error = try foundationObject(DecartMessageEncoder.encode(.error("line\nbreak \u{01} \"q\" \\ /")))
        #expect(error["error"] as? String == "line\nbreak \u{01} \"q\" \\ /")
    }

    /// A server candidate never carries a null `sdpMid`/index (iOS and Python require them, reference §3).
    @Test func serverCandidateFillsMidAndIndex() throws {
        let frame = DecartMessageEncoder.encode(.iceCandidate(DecartICECandidate(candidate: "c", sdpMid: nil, sdpMLineIndex: nil)))
        let candidate = try #require(try foundationObject(frame)["candidate"] as? [String: Any])
        #expect(candidate["sdpMid"] as? String == "0" && candidate["sdpMLineIndex"] as? Int == 0)
    }

    /// `prompt_ack.prompt` echoes the client's literal byte for byte (reference §3, §9.4), including escapes,
    /// decomposed accents (Swift `==` would equate them with precomposed ones) and lone surrogates.
    @Test func promptAckEchoesTheLiteralByteForByte() throws {
        let literals = [
            #""a cat""#,
            #""caf\u00e9 \ud83d\ude00 \"quoted\" back\\slash \/ tab\t""#,
            "\"cafe\u{301} precomposed-vs-decomposed\"",
            #""lone \ud800 surrogate""#,
            "\"raw unicode \u{1F600} ✓\"",
        ]
        let decoder = DecartMessageDecoder()
        for literal in literals {
            guard case .state(.prompt(let request)) = try decoder.decode(#"{"type":"prompt","prompt":"# + literal + "}").message else {
                Issue.record("no prompt for \(literal)"); continue
            }
            let frame = DecartMessageEncoder.encode(.promptAck(prompt: request.prompt, success: true, error: nil))
            #expect(frame == #"{"type":"prompt_ack","prompt":"# + literal + #","success":true,"error":null}"#)
        }
        // The decomposed text is not confused with the precomposed one.
        #expect(PromptText("cafe\u{301}") != PromptText("caf\u{e9}"))
    }
}
