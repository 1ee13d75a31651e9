import SimCore
import SimFaults

/// Every event kind the server logs (product.md §6), which triggers and expectations are validated against, and
/// the message kinds each tap carries. Keep in step with the `kind:` strings in Sources (the loader tests pin it).
public enum EventVocabulary {
    /// LiveKit `SignalRequest` oneof names: `signal.in.<kind>` and the `signal.in` tap's message kinds.
    public static let signalRequestKinds = [
        "offer", "answer", "trickle", "add_track", "mute", "subscription", "track_setting", "leave", "update_layers",
        "subscription_permission", "sync_state", "simulate", "ping", "update_metadata", "ping_req",
        "update_audio_track", "update_video_track", "publish_data_track_request", "unpublish_data_track_request",
        "update_data_subscription",
    ]

    /// LiveKit `SignalResponse` oneof names: `signal.out.<kind>` and the `signal.out` tap's message kinds.
    public static let signalResponseKinds = [
        "join", "answer", "offer", "trickle", "update", "track_published", "leave", "mute", "speakers_changed",
        "room_update", "connection_quality", "stream_state_update", "subscribed_quality_update",
        "subscription_permission_update", "refresh_token", "track_unpublished", "pong", "reconnect", "pong_resp",
        "subscription_response", "request_response", "track_subscribed", "room_moved", "media_sections_requirement",
        "subscribed_audio_codec_update", "publish_data_track_response", "unpublish_data_track_response",
        "data_track_subscriber_handles",
    ]

    /// Decart client message types: `control.in.<type>` and the `control.in` tap's message kinds.
    public static let controlClientTypes = [
        "livekit_join", "set_image", "prompt", "offer", "answer", "ice-candidate", "observability", "pause", "resume",
    ]

    /// Decart server message types: `control.out.<type>` and the `control.out` tap's message kinds.
    public static let controlServerTypes = [
        "queue_position", "status", "livekit_room_info", "session_id", "set_image_ack", "prompt_ack",
        "generation_started", "generation_tick", "generation_ended", "error", "server_metrics", "answer", "offer",
        "ice-candidate", "ready", "pause_ack", "resume_ack",
    ]

    /// LiveKit `WorkerMessage` oneof names: `agent.in.<kind>` and the `agent.in` tap's message kinds.
    public static let agentWorkerKinds = [
        "register", "availability", "update_worker", "update_job", "ping", "simulate_job", "migrate_job",
    ]

    /// LiveKit `ServerMessage` oneof names (to a worker): `agent.out.<kind>` and the `agent.out` tap's message kinds.
    public static let agentServerKinds = ["register", "availability", "assignment", "termination", "pong"]

    /// Endpoint classes of the embedded homeserver and the JWT service: the `http.in` / `http.out` taps' message
    /// kinds (and the `endpoint` detail of `matrix.request` events).
    public static let matrixEndpoints = [
        "versions", "login", "register", "whoami", "logout", "pushrules", "turn_server", "room_keys", "capabilities", "sync",
        "create_room", "keys_upload", "keys_query", "keys_claim", "keys_changes", "openid_userinfo", "send_to_device", "join",
        "filter", "openid", "profile", "leave", "invite", "state", "send", "redact", "members", "delayed_events", "sfu_get", "get_token",
        "unrecognized",
    ]

    /// Kinds that are not `<tap>.<message>`: lifecycle, room model, transports, Decart sessions, faults.
    public static let otherKinds = [
        // Signal and control sessions.
        "signal.in.rejected", "signal.in.dropped", "signal.offer_failed",
        "control.in.ignored_keys", "control.in.invalid", "control.in.refused", "control.out.suppressed",
        "connection.open", "connection.close", "connection.idle", "connection.error",
        "control.open", "control.close", "control.error",
        // Room model.
        "room.created", "room.closed", "room.metadata",
        "participant.joining", "participant.joined", "participant.active", "participant.disconnected",
        "participant.resumed", "participant.signal_lost", "participant.resume_refused", "participant.resume_dropped",
        "participant.metadata", "participant.metadata_rejected", "participant.simulate", "participant.sync_state",
        "participant.sync_state_mismatch", "participant.leave_sent",
        "track.added", "track.rejected", "track.published", "track.unpublished", "track.subscribed",
        "track.unsubscribed", "track.settings", "track.muted", "subscription.updated",
        // Transports (ICE + DTLS) and media.
        "transport.open", "transport.gathered", "transport.connected", "transport.failed", "transport.closed",
        "transport.peer_closed", "transport.ice_restart", "transport.candidate_refused", "transport.switch_candidate_protocol",
        "media.rtp", "media.rtcp", "media.generated", "media.echo", "media.track_routed",
        "media.downtrack_negotiated", "media.layer_settings", "data.sent",
        // Data channels (SCTP over DTLS).
        "datachannel.ready", "datachannel.open", "datachannel.message", "datachannel.close", "datachannel.ended",
        "datachannel.dropped", "data.delivered", "data.undelivered", "data.received", "data.dropped", "data.replayed",
        "data_track.published", "data_track.unpublished", "data_track.refused", "data_track.subscribed",
        "data_track.unsubscribed",
        // Decart sessions.
        "decart.session.opened", "decart.session.rejected", "decart.session.closed", "decart.session.ended",
        "decart.join", "decart.state", "decart.ack.held", "decart.queue.waiting", "decart.queue.admitted",
        "decart.queue.refused", "decart.room.requested", "decart.room.ready", "decart.room.mismatch",
        "decart.generation.started", "decart.media.published", "decart.media.none", "decart.observability",
        "decart.peer.offer", "decart.peer.connected", "decart.peer.local_gathering_complete",
        "decart.peer.remote_gathering_complete", "decart.inference.start", "decart.inference.stop",
        "decart.inference.state", "decart.inference.initial_state", "decart.inference.pattern_failed",
        // The embedded Matrix homeserver and the LiveKit JWT service.
        "matrix.request", "matrix.sync_held", "matrix.call_member", "matrix.to_device",
        "matrix.delayed_event",
        // LiveKit agent workers, jobs and dispatches.
        "agent.open", "agent.close", "agent.in.invalid", "agent.worker_registered", "agent.worker_status", "agent.worker_lost",
        "agent.dispatch_created", "agent.dispatch_deleted", "agent.job_offered", "agent.job_declined", "agent.job_accepted",
        "agent.job_assigned", "agent.job_joined", "agent.job_status", "agent.job_migrated", "agent.job_ended",
        "agent.job_not_dispatched",
        // Server, HTTP, faults and the scenario engine.
        "server.ready", "server.stopped", "http.rejected", "fault.applied", "scenario.started", "scenario.finished",
        "scenario.not_applicable", "scenario.selection_ignored",
    ]

    /// Every known kind, sorted.
    public static let allKinds: [String] = {
        var kinds = Set(otherKinds)
        kinds.formUnion(signalRequestKinds.map { "signal.in.\($0)" })
        kinds.formUnion(signalResponseKinds.map { "signal.out.\($0)" })
        kinds.formUnion(controlClientTypes.map { "control.in.\($0)" })
        kinds.formUnion(controlServerTypes.map { "control.out.\($0)" })
        kinds.formUnion(agentWorkerKinds.map { "agent.in.\($0)" })
        kinds.formUnion(agentServerKinds.map { "agent.out.\($0)" })
        return kinds.sorted()
    }()

    private static let known = Set(allKinds)

    /// Whether `kind` is logged by the server.
    public static func isKnown(_ kind: String) -> Bool { known.contains(kind) }

    /// Whether `pattern` can match anything: a known kind, `*`, or `prefix.*` where some kind starts with `prefix.`.
    public static func isValidPattern(_ pattern: String) -> Bool {
        switch KindPattern(pattern) {
        case .exact(let kind): return isKnown(kind)
        case .prefix(let prefix):
            guard prefix.isEmpty || prefix.hasSuffix(".") else { return false }
            return allKinds.contains { $0.hasPrefix(prefix) }
        }
    }

    /// DataPacket payload kinds at the data taps (the protobuf oneof names; `data_track` for data-track frames;
    /// `other` for anything else).
    public static let dataPacketKinds = [
        "user", "speaker", "sip_dtmf", "transcription", "metrics", "chat_message", "rpc_request", "rpc_ack", "rpc_response",
        "stream_header", "stream_chunk", "stream_trailer", "encrypted_packet", "data_track", "other",
    ]

    /// The message kinds crossing `tap` (`rtp`/`rtcp` for media; none for taps without a scenario vocabulary yet).
    public static func messageKinds(at tap: TapPoint) -> [String] {
        switch tap {
        case .signalIn: signalRequestKinds
        case .signalOut: signalResponseKinds
        case .controlIn: controlClientTypes
        case .controlOut: controlServerTypes
        case .mediaRTP: ["rtp"]
        case .mediaRTCP: ["rtcp"]
        case .httpIn, .httpOut: matrixEndpoints
        case .dataIn, .dataOut: dataPacketKinds
        case .agentIn: agentWorkerKinds
        case .agentOut: agentServerKinds
        }
    }

    /// The nearest known kind to a misspelt one, if one is close enough to suggest: by edit distance over all kinds,
    /// else within the kind's family (`control.out.room_info` → `control.out.livekit_room_info`).
    public static func suggestion(for kind: String) -> String? {
        if let near = EditDistance.closest(to: kind, among: allKinds) { return near }
        guard let dot = kind.lastIndex(of: ".") else { return nil }
        let family = String(kind[...dot])
        let members = allKinds.filter { $0.hasPrefix(family) }.map { String($0.dropFirst(family.count)) }
        return EditDistance.closest(to: String(kind[kind.index(after: dot)...]), among: members).map { family + $0 }
    }
}
