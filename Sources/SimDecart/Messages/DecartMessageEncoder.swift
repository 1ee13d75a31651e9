/// Writes server messages as the exact JSON shapes of reference §3 (one compact object per text frame).
public enum DecartMessageEncoder {
    /// The text frame for `message`.
    public static func encode(_ message: DecartServerMessage) -> String {
        JSONSerializer.serialize(.object(object(message)))
    }

    /// The JSON object for `message`, `type` first.
    public static func object(_ message: DecartServerMessage) -> JSONObject {
        var out = JSONObject([(key: "type", value: .text(message.type))])
        switch message {
        case .queuePosition(let position, let size):
            out.append("position", .int(Int64(position)))
            out.append("queue_position", .int(Int64(position)))
            out.append("queue_size", .int(Int64(size)))
        case .status(let status):
            out.append("status", .text(status))
        case .livekitRoomInfo(let info):
            out.append("livekit_url", .text(info.livekitURL))
            out.append("token", .text(info.token))
            out.append("room_name", .text(info.roomName.rawValue))
            out.append("session_id", .text(info.sessionID.rawValue))
        case .sessionID(let info):
            out.append("session_id", .text(info.sessionID.rawValue))
            out.append("server_ip", .text(info.serverIP))
            out.append("server_port", .int(Int64(info.serverPort)))
        case .setImageAck(let success, let error), .pauseAck(let success, let error), .resumeAck(let success, let error):
            out.append("success", .bool(success))
            out.append("error", error.map(JSONValue.text) ?? .null)
        case .promptAck(let prompt, let success, let error):
            out.append("prompt", .string(prompt.json))
            out.append("success", .bool(success))
            out.append("error", error.map(JSONValue.text) ?? .null)
        case .generationStarted, .ready:
            break
        case .generationTick(let seconds):
            out.append("seconds", .int(Int64(seconds)))
        case .generationEnded(let seconds, let reason):
            out.append("seconds", .int(Int64(seconds)))
            out.append("reason", .text(reason.rawValue))
        case .error(let text, let errorType):
            out.append("error", .text(text))
            if let errorType { out.append("error_type", .text(errorType)) }
        case .serverMetrics(let metrics):
            out.append("session_id", .text(metrics.sessionID.rawValue))
            if let value = metrics.inputFPS { out.append("input_fps", .double(value)) }
            if let value = metrics.outputFPS { out.append("output_fps", .double(value)) }
            if let value = metrics.inputFrameCount { out.append("input_frame_count", .int(Int64(value))) }
            if let value = metrics.outputFrameCount { out.append("output_frame_count", .int(Int64(value))) }
            if let value = metrics.pipelineLatencyMs { out.append("pipeline_latency_ms", .double(value)) }
            if let value = metrics.videoInQueueSize { out.append("video_in_qsize", .int(Int64(value))) }
            if let value = metrics.videoOutQueueSize { out.append("video_out_qsize", .int(Int64(value))) }
        case .answer(let sdp), .offer(let sdp):
            out.append("sdp", .text(sdp))
        case .iceCandidate(let candidate):
            // iOS/Python need a string sdpMid and an int index (reference §3): default to the first m-line.
            var inner = JSONObject()
            inner.append("candidate", .text(candidate.candidate))
            inner.append("sdpMid", .text(candidate.sdpMid ?? "0"))
            inner.append("sdpMLineIndex", .int(Int64(candidate.sdpMLineIndex ?? 0)))
            out.append("candidate", .object(inner))
        }
        return out
    }
}
