import SimCore
import Testing
@testable import SimDecart

@Suite struct DecartMessageDescriptionTests {
    @Test func imagePayloadsAreSummarisedNotLogged() {
        let base64 = String(repeating: "QUJD", count: 10_000)
        let detail = DecartMessageDescription.detail(of: .setImage(SetImageRequest(imageData: .value(base64), prompt: .null, enhancePrompt: true)))
        #expect(detail["image_data_bytes"] == .int(40_000))
        #expect(detail["prompt"] == "null")
        #expect(!detail.values.contains { $0.description.count > 1_000 })
    }

    @Test func joinAndServerDetails() {
        #expect(DecartMessageDescription.detail(of: .livekitJoin(LiveKitJoinRequest(generation: .lean(passthrough: false), frameTiming: true)))
            == ["generation": "lean", "passthrough": false, "frame_timing": true])
        #expect(DecartMessageDescription.detail(of: .livekitJoin(LiveKitJoinRequest(generation: .bundled(nil)))) == ["generation": "bundled", "initial_state": "null"])
        #expect(DecartMessageDescription.detail(of: .iceCandidate(nil)) == ["end_of_candidates": true])
        #expect(DecartMessageDescription.detail(of: DecartServerMessage.queuePosition(position: 2, queueSize: 5)) == ["position": 2, "queue_size": 5])
        #expect(DecartMessageDescription.detail(of: DecartServerMessage.promptAck(prompt: "p", success: false, error: "e")) == ["success": false, "error": "e", "prompt": "p"])
    }
}
