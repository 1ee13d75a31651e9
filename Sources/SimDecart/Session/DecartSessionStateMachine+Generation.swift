import SimCore

extension DecartSessionStateMachine {
    /// Whether `session` may start generating: it holds a slot, the client's media arrived after room_info (or the
    /// aiortc answer), and — after a lean `passthrough:false` join — the initial state arrived (PR #166: the
    /// server drops everything until then).
    func readyToGenerate(_ session: DecartSession) -> Bool {
        guard !session.isGenerating, session.admission == .active, session.mediaArrived else { return false }
        switch session.transport {
        case .undetermined: return false
        case .aiortc: guard session.peer == .answered else { return false }
        case .livekit(let join):
            guard session.roomInfoSent else { return false }
            if join.withholdsUntilInitialState, !session.stateApplied { return false }
        }
        return true
    }

    /// Starts generation when every condition holds: `startInference`, `generation_started`, the tick, metrics
    /// and session-limit timers.
    mutating func maybeStartGeneration(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], readyToGenerate(session) else { return [] }
        sessions[connection]?.generationStart = now
        sessions[connection]?.metricsBaseline = (session.counters, now)
        let parameters = DecartInferenceParameters(
            sessionID: session.sessionID, room: session.room.name, model: session.query.model ?? "",
            resolution: session.query.resolution ?? "720p", state: session.stateApplied ? session.state : nil,
            codec: session.query.livekitServerCodec, pixelLatency: session.query.pixelLatency, frameTiming: session.join?.frameTiming ?? false
        )
        var out: [DecartAction] = [
            log(connection, "decart.generation.started", ["passthrough": .bool(parameters.state?.isEmpty ?? true)]),
            .startInference(connection, parameters),
        ]
        out += send(connection, .generationStarted)
        out.append(.armTimer(.generationTick(connection), after: configuration.tickInterval))
        if session.query.emitServerMetrics {
            if session.dialect.accepts(type: "server_metrics") {
                out.append(.armTimer(.serverMetrics(connection), after: configuration.metricsInterval))
            } else {
                out.append(log(connection, "control.out.suppressed", ["type": "server_metrics", "dialect": .string(session.dialect.rawValue)], tap: .controlOut))
            }
        }
        if let limit = configuration.maxSessionDuration {
            out.append(.armTimer(.sessionLimit(connection), after: limit))
        }
        return out
    }

    /// `generation_tick{seconds}` with whole seconds since generation started, then re-arm.
    func generationTick(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let start = sessions[connection]?.generationStart else { return [] }
        return send(connection, .generationTick(seconds: wholeSeconds(now - start)))
            + [.armTimer(.generationTick(connection), after: configuration.tickInterval)]
    }

    /// `server_metrics` from the media side's counters: rates over the time since the previous report.
    mutating func serverMetrics(_ connection: ConnectionID, now: SimInstant) -> [DecartAction] {
        guard let session = sessions[connection], session.isGenerating, session.query.emitServerMetrics else { return [] }
        let counters = session.counters
        let baseline = session.metricsBaseline ?? (counters, now)
        let elapsed = (now - baseline.at).milliseconds / 1000
        /// Frames per second between two counts, rounded to 0.01.
        func rate(_ current: Int, _ previous: Int) -> Double {
            guard elapsed > 0 else { return 0 }
            return (Double(max(0, current - previous)) / elapsed * 100).rounded() / 100
        }
        let metrics = DecartServerMetrics(
            sessionID: session.sessionID,
            inputFPS: rate(counters.inputFrames, baseline.counters.inputFrames),
            outputFPS: rate(counters.outputFrames, baseline.counters.outputFrames),
            inputFrameCount: counters.inputFrames,
            outputFrameCount: counters.outputFrames,
            pipelineLatencyMs: counters.pipelineLatency.map { ($0.milliseconds * 100).rounded() / 100 },
            videoInQueueSize: counters.inputQueueSize,
            videoOutQueueSize: counters.outputQueueSize
        )
        sessions[connection]?.metricsBaseline = (counters, now)
        return send(connection, .serverMetrics(metrics)) + [.armTimer(.serverMetrics(connection), after: configuration.metricsInterval)]
    }
}
