import SimCore
import SimProto

/// Event-log names and compact details of signal messages (product.md §6): `kind` is the protobuf oneof name.
enum SignalMessageDescription {
    static func kind(of request: Livekit_SignalRequest) -> String {
        switch request.message {
        case .offer: "offer"
        case .answer: "answer"
        case .trickle: "trickle"
        case .addTrack: "add_track"
        case .mute: "mute"
        case .subscription: "subscription"
        case .trackSetting: "track_setting"
        case .leave: "leave"
        case .updateLayers: "update_layers"
        case .subscriptionPermission: "subscription_permission"
        case .syncState: "sync_state"
        case .simulate: "simulate"
        case .ping: "ping"
        case .updateMetadata: "update_metadata"
        case .pingReq: "ping_req"
        case .updateAudioTrack: "update_audio_track"
        case .updateVideoTrack: "update_video_track"
        case .publishDataTrackRequest: "publish_data_track_request"
        case .unpublishDataTrackRequest: "unpublish_data_track_request"
        case .updateDataSubscription: "update_data_subscription"
        case nil: "unknown"
        }
    }

    static func kind(of response: Livekit_SignalResponse) -> String {
        switch response.message {
        case .join: "join"
        case .answer: "answer"
        case .offer: "offer"
        case .trickle: "trickle"
        case .update: "update"
        case .trackPublished: "track_published"
        case .leave: "leave"
        case .mute: "mute"
        case .speakersChanged: "speakers_changed"
        case .roomUpdate: "room_update"
        case .connectionQuality: "connection_quality"
        case .streamStateUpdate: "stream_state_update"
        case .subscribedQualityUpdate: "subscribed_quality_update"
        case .subscriptionPermissionUpdate: "subscription_permission_update"
        case .refreshToken: "refresh_token"
        case .trackUnpublished: "track_unpublished"
        case .pong: "pong"
        case .reconnect: "reconnect"
        case .pongResp: "pong_resp"
        case .subscriptionResponse: "subscription_response"
        case .requestResponse: "request_response"
        case .trackSubscribed: "track_subscribed"
        case .roomMoved: "room_moved"
        case .mediaSectionsRequirement: "media_sections_requirement"
        case .subscribedAudioCodecUpdate: "subscribed_audio_codec_update"
        case .publishDataTrackResponse: "publish_data_track_response"
        case .unpublishDataTrackResponse: "unpublish_data_track_response"
        case .dataTrackSubscriberHandles: "data_track_subscriber_handles"
        case nil: "unknown"
        }
    }

    static func detail(of request: Livekit_SignalRequest) -> [String: EventValue] {
        switch request.message {
        case .offer(let sd), .answer(let sd): ["id": .int(Int64(sd.id)), "sdp_bytes": .int(Int64(sd.sdp.utf8.count))]
        case .trickle(let trickle): ["target": .int(Int64(trickle.target.rawValue))]
        case .addTrack(let add): ["cid": .string(add.cid), "type": .int(Int64(add.type.rawValue)), "source": .int(Int64(add.source.rawValue))]
        case .mute(let mute): ["track": .string(mute.sid), "muted": .bool(mute.muted)]
        case .subscription(let sub): ["tracks": .strings(sub.trackSids), "subscribe": .bool(sub.subscribe)]
        case .leave(let leave): ["reason": .int(Int64(leave.reason.rawValue)), "action": .int(Int64(leave.action.rawValue))]
        case .ping(let value): ["timestamp": .int(value)]
        case .pingReq(let ping): ["timestamp": .int(ping.timestamp), "rtt": .int(ping.rtt)]
        case .updateMetadata(let update): ["request_id": .int(Int64(update.requestID))]
        case .publishDataTrackRequest(let publish): ["handle": .int(Int64(publish.pubHandle)), "name": .string(publish.name)]
        case .unpublishDataTrackRequest(let unpublish): ["handle": .int(Int64(unpublish.pubHandle))]
        case .updateDataSubscription(let update):
            ["subscribe": .strings(update.updates.filter(\.subscribe).map(\.trackSid)), "unsubscribe": .strings(update.updates.filter { !$0.subscribe }.map(\.trackSid))]
        case .simulate(let simulate): ["scenario": .string(simulate.scenario.map { "\($0)" } ?? "none")]
        case .trackSetting(let setting):
            [
                "tracks": .strings(setting.trackSids), "disabled": .bool(setting.disabled), "quality": .int(Int64(setting.quality.rawValue)),
                "width": .int(Int64(setting.width)), "height": .int(Int64(setting.height)),
            ]
        default: [:]
        }
    }

    static func detail(of response: Livekit_SignalResponse) -> [String: EventValue] {
        switch response.message {
        case .join(let join):
            [
                "participant": .string(join.participant.sid), "others": .strings(join.otherParticipants.map(\.sid)),
                "subscriber_primary": .bool(join.subscriberPrimary),
            ]
        case .offer(let sd), .answer(let sd): ["id": .int(Int64(sd.id)), "sdp_bytes": .int(Int64(sd.sdp.utf8.count))]
        case .update(let update):
            ["participants": .strings(update.participants.map { "\($0.sid):\($0.identity):\(stateName($0.state.rawValue))" })]
        case .trackPublished(let published): ["cid": .string(published.cid), "track": .string(published.track.sid)]
        case .trackUnpublished(let unpublished): ["track": .string(unpublished.trackSid)]
        case .leave(let leave): ["reason": .int(Int64(leave.reason.rawValue)), "action": .int(Int64(leave.action.rawValue))]
        case .mute(let mute): ["track": .string(mute.sid), "muted": .bool(mute.muted)]
        case .roomUpdate(let update): ["metadata": .string(update.room.metadata)]
        case .speakersChanged(let changed): ["speakers": .strings(changed.speakers.map { "\($0.sid):\($0.active)" })]
        case .requestResponse(let answer): ["reason": .int(Int64(answer.reason.rawValue)), "message": .string(answer.message)]
        case .trackSubscribed(let subscribed): ["track": .string(subscribed.trackSid)]
        case .pongResp(let pong): ["last_ping_timestamp": .int(pong.lastPingTimestamp)]
        case .publishDataTrackResponse(let published): ["track": .string(published.info.sid), "handle": .int(Int64(published.info.pubHandle))]
        case .unpublishDataTrackResponse(let unpublished): ["track": .string(unpublished.info.sid)]
        case .dataTrackSubscriberHandles(let handles):
            ["handles": .strings(handles.subHandles.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.trackSid)" })]
        default: [:]
        }
    }

    static func stateName(_ raw: Int) -> String {
        switch raw {
        case 0: "joining"
        case 1: "joined"
        case 2: "active"
        case 3: "disconnected"
        default: "state\(raw)"
        }
    }
}
