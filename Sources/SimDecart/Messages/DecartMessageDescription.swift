import SimCore

/// Compact event-log details of control messages for the shell's `control.in` / `control.out` tap events
/// (product.md §6): kinds are the wire `type`; details carry sizes and flags, never image payloads.
public enum DecartMessageDescription {
    /// The detail of a client message.
    public static func detail(of message: DecartClientMessage) -> [String: EventValue] {
        switch message {
        case .livekitJoin(let join):
            var detail: [String: EventValue] = ["generation": .string(join.generation.name)]
            switch join.generation {
            case .bare: break
            case .bundled(let state): detail["initial_state"] = .string(state?.type ?? "null")
            case .lean(let passthrough): detail["passthrough"] = .bool(passthrough)
            }
            if join.frameTiming { detail["frame_timing"] = true }
            if join.pauseMode { detail["pause_mode"] = true }
            return detail
        case .state(let state):
            return detail(of: state)
        case .offer(let sdp), .answer(let sdp):
            return ["sdp_bytes": .int(Int64(sdp.utf8.count))]
        case .iceCandidate(let candidate):
            guard let candidate else { return ["end_of_candidates": true] }
            return ["candidate": .string(candidate.candidate)]
        case .observability, .pause, .resume:
            return [:]
        }
    }

    /// The detail of a `set_image` / `prompt`.
    public static func detail(of state: DecartStateMessage) -> [String: EventValue] {
        switch state {
        case .prompt(let request):
            return ["prompt": .string(DecartErrorText.excerpt(request.prompt.text)), "enhance_prompt": .bool(request.enhancePrompt)]
        case .setImage(let request):
            var detail: [String: EventValue] = [:]
            switch request.imageData {
            case .absent: break
            case .null: detail["image_data"] = "null"
            case .value(let base64): detail["image_data_bytes"] = .int(Int64(base64.utf8.count))
            }
            if let reference = request.imageRef { detail["image_ref"] = .string(reference) }
            switch request.prompt {
            case .absent: break
            case .null: detail["prompt"] = "null"
            case .value(let prompt): detail["prompt"] = .string(DecartErrorText.excerpt(prompt.text))
            }
            if let enhance = request.enhancePrompt { detail["enhance_prompt"] = .bool(enhance) }
            return detail
        }
    }

    /// The detail of a server message.
    public static func detail(of message: DecartServerMessage) -> [String: EventValue] {
        switch message {
        case .queuePosition(let position, let size): ["position": .int(Int64(position)), "queue_size": .int(Int64(size))]
        case .status(let status): ["status": .string(status)]
        case .livekitRoomInfo(let info): ["room_name": .string(info.roomName.rawValue), "livekit_url": .string(info.livekitURL)]
        case .sessionID(let info): ["session_id": .string(info.sessionID.rawValue)]
        case .setImageAck(let success, let error), .pauseAck(let success, let error), .resumeAck(let success, let error):
            ackDetail(success, error)
        case .promptAck(let prompt, let success, let error):
            ackDetail(success, error).merging(["prompt": .string(DecartErrorText.excerpt(prompt.text))]) { $1 }
        case .generationStarted, .ready: [:]
        case .generationTick(let seconds): ["seconds": .int(Int64(seconds))]
        case .generationEnded(let seconds, let reason): ["seconds": .int(Int64(seconds)), "reason": .string(reason.rawValue)]
        case .error(let text, _): ["error": .string(text)]
        case .serverMetrics(let metrics): ["output_frame_count": .int(Int64(metrics.outputFrameCount ?? 0))]
        case .answer(let sdp), .offer(let sdp): ["sdp_bytes": .int(Int64(sdp.utf8.count))]
        case .iceCandidate(let candidate): ["candidate": .string(candidate.candidate)]
        }
    }

    /// The detail of an ack.
    static func ackDetail(_ success: Bool, _ error: String?) -> [String: EventValue] {
        var detail: [String: EventValue] = ["success": .bool(success)]
        if let error { detail["error"] = .string(error) }
        return detail
    }
}
