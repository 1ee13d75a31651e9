import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SwiftProtobuf

/// Names LiveKit uses for participant kinds in tokens, mapped to `ParticipantInfo.Kind` numbers.
enum ParticipantKindName {
    static func number(_ name: String?) -> Int {
        switch name {
        case "ingress": 1
        case "egress": 2
        case "sip": 3
        case "agent": 4
        case "connector": 7
        case "bridge": 8
        default: 0
        }
    }
}

/// `ClientInfo.SDK` values as lowercase names, for the event log.
enum ClientSDKName {
    static func name(_ sdk: Livekit_ClientInfo.SDK) -> String {
        switch sdk.rawValue {
        case 1: "js"
        case 2: "swift"
        case 3: "android"
        case 4: "flutter"
        case 5: "go"
        case 6: "unity"
        case 7: "reactnative"
        case 8: "rust"
        case 9: "python"
        case 10: "cpp"
        case 11: "unityweb"
        case 12: "node"
        case 13: "unreal"
        case 14: "esp32"
        default: "unknown"
        }
    }
}

extension RoomAgentRequest {
    /// From a protobuf `RoomAgentDispatch`.
    public init(proto: Livekit_RoomAgentDispatch) {
        self.init(agentName: proto.agentName, metadata: proto.metadata, attributes: proto.attributes)
    }

    /// The agents a token's `roomConfig` claim (protojson `RoomConfiguration`) asks for; none when it is absent or
    /// not a valid RoomConfiguration (LiveKit ignores it then too, as it does once the room exists).
    static func requests(roomConfig: JSONValue?) -> [RoomAgentRequest] {
        guard let roomConfig, let json = try? JSONEncoder().encode(roomConfig) else { return [] }
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        guard let configuration = try? Livekit_RoomConfiguration(jsonUTF8Data: json, options: options) else { return [] }
        return configuration.agents.map(RoomAgentRequest.init(proto:))
    }
}

extension ParticipantPermission {
    /// LiveKit's `VideoGrant.ToPermission`.
    public init(grant: VideoGrant) {
        self.init(
            canSubscribe: grant.effectiveCanSubscribe,
            canPublish: grant.effectiveCanPublish,
            canPublishData: grant.effectiveCanPublishData,
            canPublishSources: (grant.canPublishSources ?? []).compactMap { TrackSource(rawValue: $0) },
            hidden: grant.hidden ?? false,
            canUpdateMetadata: grant.effectiveCanUpdateOwnMetadata,
            canSubscribeMetrics: grant.effectiveCanSubscribeMetrics
        )
    }

    /// From a RoomService `UpdateParticipant` permission.
    init(proto: Livekit_ParticipantPermission) {
        self.init(
            canSubscribe: proto.canSubscribe, canPublish: proto.canPublish, canPublishData: proto.canPublishData,
            canPublishSources: proto.canPublishSources.compactMap(TrackSource.init(proto:)), hidden: proto.hidden,
            canUpdateMetadata: proto.canUpdateMetadata, canSubscribeMetrics: proto.canSubscribeMetrics
        )
    }

    var proto: Livekit_ParticipantPermission {
        var out = Livekit_ParticipantPermission()
        out.canSubscribe = canSubscribe
        out.canPublish = canPublish
        out.canPublishData = canPublishData
        out.canPublishSources = canPublishSources.map(\.proto)
        out.hidden = hidden
        out.canUpdateMetadata = canUpdateMetadata
        out.canSubscribeMetrics = canSubscribeMetrics
        return out
    }
}

extension TrackSource {
    init?(proto: Livekit_TrackSource) {
        switch proto.rawValue {
        case 0: self = .unknown
        case 1: self = .camera
        case 2: self = .microphone
        case 3: self = .screenShare
        case 4: self = .screenShareAudio
        default: return nil
        }
    }

    var proto: Livekit_TrackSource {
        switch self {
        case .unknown: Livekit_TrackSource(rawValue: 0) ?? .unknown
        case .camera: Livekit_TrackSource(rawValue: 1) ?? .unknown
        case .microphone: Livekit_TrackSource(rawValue: 2) ?? .unknown
        case .screenShare: Livekit_TrackSource(rawValue: 3) ?? .unknown
        case .screenShareAudio: Livekit_TrackSource(rawValue: 4) ?? .unknown
        }
    }
}

extension AddTrackParameters {
    /// From an `AddTrackRequest`; `kind` is nil for any type but audio and video.
    init(proto: Livekit_AddTrackRequest) {
        let kind: TrackKind? = switch proto.type.rawValue {
        case 0: .audio
        case 1: .video
        default: nil
        }
        self.init(
            cid: proto.cid, name: proto.name, kind: kind, source: TrackSource(proto: proto.source) ?? .unknown,
            muted: proto.muted, width: proto.width, height: proto.height,
            layers: proto.layers.map { VideoLayerInfo(quality: VideoQuality(rawValue: $0.quality.rawValue) ?? .high, width: $0.width, height: $0.height, bitrate: $0.bitrate, rid: $0.rid) },
            stream: proto.stream, disableRED: proto.disableRed,
            alternateCIDs: proto.simulcastCodecs.map(\.cid).filter { !$0.isEmpty && $0 != proto.cid }
        )
    }
}

extension Track {
    var proto: Livekit_TrackInfo {
        var out = Livekit_TrackInfo()
        out.sid = sid.rawValue
        out.type = Livekit_TrackType(rawValue: kind == .audio ? 0 : 1) ?? .audio
        out.name = name
        out.muted = muted
        out.width = width
        out.height = height
        out.source = source.proto
        out.mimeType = mimeType
        out.mid = mid
        out.stream = stream
        out.disableRed = disableRED
        out.simulcast = layers.count > 1
        out.layers = layers.map(\.proto)
        var codec = Livekit_SimulcastCodecInfo()
        codec.mimeType = mimeType
        codec.mid = mid
        codec.cid = cid
        codec.layers = out.layers
        codec.videoLayerMode = Livekit_VideoLayer.Mode(rawValue: 1) ?? .unused
        out.codecs = [codec]
        var timed = Livekit_TimedVersion()
        timed.ticks = Int32(truncatingIfNeeded: version)
        out.version = timed
        return out
    }
}

extension VideoLayerInfo {
    var proto: Livekit_VideoLayer {
        var out = Livekit_VideoLayer()
        out.quality = Livekit_VideoQuality(rawValue: quality.rawValue) ?? .high
        out.width = width
        out.height = height
        out.bitrate = bitrate
        out.rid = rid
        return out
    }
}

extension Participant {
    /// The participant as `ParticipantInfo`.
    public var proto: Livekit_ParticipantInfo {
        var out = Livekit_ParticipantInfo()
        out.sid = sid.rawValue
        out.identity = identity.rawValue
        out.state = Livekit_ParticipantInfo.State(rawValue: state.rawValue) ?? .joining
        out.tracks = publishedTracks.map(\.proto)
        out.metadata = metadata
        out.joinedAt = Int64(joinedAt.timeIntervalSince1970)
        out.joinedAtMs = Int64(joinedAt.timeIntervalSince1970 * 1000)
        out.name = name
        out.version = version
        out.permission = permission.proto
        out.isPublisher = isPublisher
        out.kind = Livekit_ParticipantInfo.Kind(rawValue: kind) ?? .standard
        out.attributes = attributes
        out.disconnectReason = Livekit_DisconnectReason(rawValue: disconnectReason.rawValue) ?? .unknownReason
        out.clientProtocol = Int32(clientProtocol)
        out.capabilities = capabilities.map { Livekit_ClientInfo.Capability(rawValue: $0) ?? .capUnused }
        out.dataTracks = dataTracks.map(\.proto)
        return out
    }
}

extension DataTrack {
    var proto: Livekit_DataTrackInfo {
        var out = Livekit_DataTrackInfo()
        out.pubHandle = UInt32(handle)
        out.sid = sid.rawValue
        out.name = name
        out.encryption = Livekit_Encryption.TypeEnum(rawValue: encryption) ?? .none
        let (frameEncoding, schema) = DataTrackRequest.decoded(frameEncoding: frameEncoding, schema: schema)
        if let frameEncoding { out.frameEncoding = frameEncoding }
        if let schema { out.schema = schema }
        return out
    }
}

extension DataTrackRequest {
    /// The frame encoding and schema id the room model carries encoded, decoded (nil when absent or unreadable).
    static func decoded(frameEncoding: Data?, schema: Data?) -> (Livekit_DataTrackFrameEncoding?, Livekit_DataTrackSchemaId?) {
        (frameEncoding.flatMap { try? Livekit_DataTrackFrameEncoding(serializedBytes: $0) }, schema.flatMap { try? Livekit_DataTrackSchemaId(serializedBytes: $0) })
    }

    /// From a `PublishDataTrackRequest` (its encoding and schema kept encoded: the room model only carries them).
    init(proto: Livekit_PublishDataTrackRequest) {
        self.init(
            handle: proto.pubHandle, name: proto.name, encryption: proto.encryption.rawValue,
            frameEncoding: proto.hasFrameEncoding ? try? proto.frameEncoding.serializedData() : nil,
            schema: proto.hasSchema ? try? proto.schema.serializedData() : nil
        )
    }

    /// Back to the request (echoed in a refusal).
    var proto: Livekit_PublishDataTrackRequest {
        var out = Livekit_PublishDataTrackRequest()
        out.pubHandle = handle
        out.name = name
        out.encryption = Livekit_Encryption.TypeEnum(rawValue: encryption) ?? .none
        let (frameEncoding, schema) = Self.decoded(frameEncoding: frameEncoding, schema: schema)
        if let frameEncoding { out.frameEncoding = frameEncoding }
        if let schema { out.schema = schema }
        return out
    }
}

extension Room {
    /// The room as the `Room` protobuf.
    public var proto: Livekit_Room {
        var out = Livekit_Room()
        out.sid = sid.rawValue
        out.name = name.rawValue
        out.emptyTimeout = emptyTimeout
        out.departureTimeout = departureTimeout
        out.maxParticipants = maxParticipants
        out.creationTime = Int64(creationTime.timeIntervalSince1970)
        out.creationTimeMs = Int64(creationTime.timeIntervalSince1970 * 1000)
        out.metadata = metadata
        out.numParticipants = UInt32(participants.count)
        out.numPublishers = numPublishers
        out.enabledCodecs = PublishCodecs.room
        var timed = Livekit_TimedVersion()
        timed.ticks = Int32(truncatingIfNeeded: version)
        out.version = timed
        return out
    }
}

extension LeaveNotice {
    func proto(protocolVersion: Int) -> Livekit_LeaveRequest {
        var out = Livekit_LeaveRequest()
        out.reason = Livekit_DisconnectReason(rawValue: reason.rawValue) ?? .unknownReason
        // Protocol ≥ 13 reads `action`; older clients read `can_reconnect` (reference §3.13).
        out.action = Livekit_LeaveRequest.Action(rawValue: action.rawValue) ?? .disconnect
        out.canReconnect = canReconnect
        return out
    }
}

/// Codecs we advertise (`Room.enabled_codecs`, `JoinResponse.enabled_publish_codecs`): video first, then audio.
enum PublishCodecs {
    static let publish: [Livekit_Codec] = ["video/VP8", "video/H264", "video/VP9", "video/AV1", "audio/opus", "audio/red"].map(codec)
    static let room: [Livekit_Codec] = ["audio/PCMU", "audio/PCMA", "audio/opus", "audio/red", "video/VP8", "video/H264", "video/VP9", "video/AV1", "video/rtx"].map(codec)

    static func codec(_ mime: String) -> Livekit_Codec {
        var codec = Livekit_Codec()
        codec.mime = mime
        return codec
    }
}
