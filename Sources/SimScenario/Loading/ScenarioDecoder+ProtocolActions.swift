import SimCore
import SimFaults
import Yams

extension ScenarioDecoder {
    /// LiveKit, Decart and media actions.
    func buildProtocolAction(_ name: String, _ r: MappingReader) -> ScenarioAction? {
        switch name {
        // MARK: LiveKit
        case "rejoin_sid":
            return r.choice("mode", required: true, as: RejoinSIDMode.self).map { .rejoinSID($0, identity: r.identity("identity")) }
        case "order":
            guard let ordering = r.choice("ordering", required: true, as: MediaOrdering.self) else { return nil }
            return .order(OrderParameters(ordering: ordering, publisher: r.identity("publisher"), subscriber: r.identity("subscriber"),
                                          timeout: r.duration("timeout", allowZero: false) ?? ReorderParameters.defaultTimeout))
        case "disconnect_after_new_info":
            guard let identity = r.identity("identity", required: true) else { return nil }
            return .disconnectAfterNewInfo(identity: identity,
                                           timeout: r.duration("timeout", allowZero: false) ?? ReorderParameters.defaultTimeout)
        case "data_before_participant":
            let duration = r.has("for") ? r.duration("for", allowZero: false) : .seconds(10)
            return duration.map { .dataBeforeParticipant(identity: r.identity("identity"), for: $0) }
        case "delay_track_published":
            guard let by = r.duration("by", required: true) else { return nil }
            let selector = MessageSelector(tap: .signalOut, kinds: ["track_published"], identity: r.identity("identity"))
            return .delayTrackPublished(DelayParameters(selector: selector, by: by, jitter: r.duration("jitter") ?? .zero, limits: limits(r)))
        case "leave":
            let reason = r.choice("reason", required: true, as: LeaveReason.self)
            let action = r.choice("action", required: true, as: LeaveAction.self)
            guard let reason, let action else { return nil }
            return .leave(LeaveParameters(identity: r.identity("identity"), reason: reason, action: action))
        case "simulate":
            return simulate(r).map { .simulate($0, identity: r.identity("identity")) }
        case "refuse_resume":
            return .refuseResume(identity: r.identity("identity"))
        case "delete_room":
            return .deleteRoom(room: r.string("room").map(RoomName.init))

        // MARK: Decart
        case "queue":
            let positions = r.ints("positions", required: true, range: 1...Int.max)
            let interval = r.duration("interval", required: true)
            let size = r.int("size", range: 1...Int.max)
            guard let positions, let interval else { return nil }
            if let size, let largest = positions.max(), size < largest, let node = r.value("size") {
                diagnostics.report("\"size\" must be at least the largest position (\(largest)), got \(size)", at: node)
                return nil
            }
            return .queue(DecartQueuePlan(positions: positions, size: size, interval: interval, admit: r.bool("admit") ?? true))
        case "ack_delay":
            guard let by = r.duration("by", required: true), let acks = acks(r) else { return nil }
            let selector = MessageSelector(tap: .controlOut, kinds: acks)
            return .ackDelay(DelayParameters(selector: selector, by: by, jitter: r.duration("jitter") ?? .zero, limits: limits(r)))
        case "ack_reject":
            return r.string("error", required: true).map { .ackReject(error: $0) }
        case "ack_early":
            return .ackEarly
        case "ack_never":
            guard let acks = acks(r) else { return nil }
            return .ackNever(DropParameters(selector: MessageSelector(tap: .controlOut, kinds: acks)))
        case "room_info_delay":
            guard let by = r.duration("by", required: true) else { return nil }
            let selector = MessageSelector(tap: .controlOut, kinds: ["livekit_room_info"])
            return .roomInfoDelay(DelayParameters(selector: selector, by: by, jitter: r.duration("jitter") ?? .zero))
        case "room_info_early":
            return .roomInfoEarly
        case "room_info_url":
            guard let url = r.string("url", required: true) else { return nil }
            guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
                diagnostics.report("\"url\" must be a ws:// or wss:// URL, got \"\(url)\"", at: r.value("url"),
                                   hint: "e.g. ws://127.0.0.1:1 (nothing listens there)")
                return nil
            }
            return .roomInfoURL(url)
        case "end_session":
            let reason = r.has("reason") ? r.choice("reason", as: GenerationEndReasonName.self) : .error
            let seconds = r.has("seconds") ? r.int("seconds", range: 0...Int.max) : 0
            let keepOpen = r.bool("keep_open") ?? false
            if keepOpen, r.has("close"), let node = r.keyNode("close") {
                diagnostics.report("\"close\" and \"keep_open\" cannot be used together in end_session", at: node)
                return nil
            }
            let code = r.has("close") ? r.closeCode("close") : CloseCode.normal
            guard let reason, let seconds, keepOpen || code != nil else { return nil }
            return .endSession(DecartEnding(identity: r.identity("identity"), error: r.string("error"), reason: reason, seconds: seconds,
                                            closeCode: keepOpen ? nil : code, closeReason: r.string("close_reason") ?? ""))

        // MARK: Media
        case "loss":
            guard let selector = mediaSelector(r), let percent = r.percentage("percent", required: true) else { return nil }
            return .loss(LossParameters(selector: selector, percent: percent, limits: limits(r)))
        case "media_delay":
            guard let selector = mediaSelector(r), let by = r.duration("by", required: true) else { return nil }
            return .mediaDelay(DelayParameters(selector: selector, by: by, jitter: r.duration("jitter") ?? .zero,
                                               limits: FaultLimits(during: r.duration("during", allowZero: false))))
        case "freeze":
            guard let selector = mediaSelector(r), let duration = r.duration("for", required: true, allowZero: false) else { return nil }
            return .freeze(FreezeParameters(selector: selector, duration: duration))
        case "drop_keyframes":
            guard let selector = mediaSelector(r) else { return nil }
            return .dropKeyframes(DropKeyframesParameters(selector: selector, limits: limits(r)))
        case "bandwidth":
            guard let selector = mediaSelector(r), let rate = r.bitrate("rate", required: true) else { return nil }
            let burst = r.has("burst") ? r.byteCount("burst") : BandwidthParameters.defaultBurst
            guard let burst else { return nil }
            return .bandwidth(BandwidthParameters(selector: selector, rate: rate, burst: burst, during: r.duration("during", allowZero: false)))
        default:
            preconditionFailure("action \(name) is in actionSpecs but has no builder")
        }
    }

    /// `scenario` and the parameter its case needs.
    private func simulate(_ r: MappingReader) -> SimulatedScenario? {
        guard let node = r.require("scenario"), let name = NodeValue.string(node, field: "scenario", diagnostics) else { return nil }
        let needs: [String: String] = ["speaker_update": "seconds", "switch_candidate_protocol": "protocol", "subscriber_bandwidth": "bitrate"]
        for key in ["seconds", "protocol", "bitrate"] where r.has(key) && needs[name] != key && SimulatedScenario.names.contains(name) {
            diagnostics.report("\"\(key)\" does not apply to simulate \(name)", at: r.keyNode(key))
            return nil
        }
        switch name {
        case "speaker_update": return r.int("seconds", required: true, range: 1...3600).map { .speakerUpdate(seconds: Int32($0)) }
        case "node_failure": return .nodeFailure
        case "migration": return .migration
        case "server_leave": return .serverLeave
        case "switch_candidate_protocol":
            return r.choice("protocol", required: true, as: CandidateProtocol.self).map { .switchCandidateProtocol($0.protoValue) }
        case "subscriber_bandwidth": return r.bitrate("bitrate", required: true).map { .subscriberBandwidth($0.bitsPerSecond) }
        case "disconnect_signal_on_resume": return .disconnectSignalOnResume
        case "disconnect_signal_on_resume_no_messages": return .disconnectSignalOnResumeNoMessages
        case "leave_request_full_reconnect": return .leaveRequestFullReconnect
        default:
            diagnostics.report("unknown value \"\(name)\" for \"scenario\"", at: node,
                               hint: suggestionHint(for: name, among: SimulatedScenario.names, label: "expected one of"))
            return nil
        }
    }

    /// `ack`: which initial-state acks, one or a list (default both).
    private func acks(_ r: MappingReader) -> Set<String>? {
        guard let node = r.value("ack") else { return Set(DecartAck.allCases.map(\.rawValue)) }
        let items = node.sequence.map { Array($0) } ?? [node]
        guard !items.isEmpty else {
            diagnostics.report("\"ack\" must not be an empty list", at: node)
            return nil
        }
        let values = items.map { NodeValue.choice($0, field: "ack", as: DecartAck.self, diagnostics) }
        return values.contains(nil) ? nil : Set(values.compactMap { $0?.rawValue })
    }

    /// `tap` (`media.rtp` by default, or `media.rtcp`) and the participant/track filters.
    func mediaSelector(_ r: MappingReader) -> MessageSelector? {
        var tap = TapPoint.mediaRTP
        if let node = r.value("tap") {
            guard let text = NodeValue.string(node, field: "tap", diagnostics) else { return nil }
            guard let media = [TapPoint.mediaRTP, .mediaRTCP].first(where: { $0.rawValue == text }) else {
                diagnostics.report("\(r.context) applies at media.rtp or media.rtcp, got \"\(text)\"", at: node,
                                   hint: "for signalling use delay, drop, duplicate, hold, reorder or stall")
                return nil
            }
            tap = media
        }
        return MessageSelector(tap: tap, identity: r.identity("identity"), participant: r.string("participant").map(ParticipantSID.init),
                               room: r.string("room").map(RoomName.init), track: r.string("track").map(TrackSID.init),
                               trackKind: r.choice("track_kind"), direction: r.choice("direction", as: DirectionName.self)?.direction)
    }
}
