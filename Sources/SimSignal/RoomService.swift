import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SwiftProtobuf

/// LiveKit's `RoomService` over Twirp (protobuf and JSON bodies), applied to the hub's room model (reference §5).
public struct RoomService: Sendable {
    /// The hub whose engine it drives.
    public let hub: SignalHub

    /// A service over `hub`.
    public init(hub: SignalHub) { self.hub = hub }

    /// Handles `POST /twirp/livekit.RoomService/<method>`.
    public func handle(method: String, contentType: String?, body: [UInt8], authorization: String?) -> TwirpResponse {
        TwirpEndpoint.handle(contentType: contentType, authorization: authorization, verifier: hub.validator.verifier,
                             now: hub.clock.wallNow()) { encoding, grant throws(TwirpError) in
            try dispatch(method, body: body, encoding: encoding, grant: grant)
        }
    }

    func dispatch(_ method: String, body: [UInt8], encoding: TwirpEncoding, grant: VideoGrant?) throws(TwirpError) -> [UInt8] {
        switch method {
        case "CreateRoom":
            let request: Livekit_CreateRoomRequest = try decode(body, encoding)
            try require(grant?.roomCreate == true)
            guard !request.name.isEmpty else { throw TwirpError(code: "invalid_argument", message: "room name is required") }
            try TwirpEndpoint.checkRoomName(request.name, limits)
            try TwirpEndpoint.checkMetadata(request.metadata, limits)
            for agent in request.agents { try TwirpEndpoint.checkParticipant(metadata: agent.metadata, attributes: agent.attributes, limits) }
            let room = hub.withEngine { engine, wall in
                let (room, actions) = engine.rooms.createRoom(CreateRoomParameters(
                    name: RoomName(request.name), emptyTimeout: request.emptyTimeout, departureTimeout: request.departureTimeout,
                    maxParticipants: request.maxParticipants, metadata: request.metadata,
                    agents: request.agents.map(RoomAgentRequest.init(proto:))
                ), wall: wall)
                return (room, engine.map(actions))
            }
            return try encode(room.proto, encoding)
        case "ListRooms":
            let request: Livekit_ListRoomsRequest = try decode(body, encoding)
            try require(grant?.roomList == true)
            var response = Livekit_ListRoomsResponse()
            response.rooms = hub.inspect { engine in
                engine.rooms.rooms.keys.sorted()
                    .filter { request.names.isEmpty || request.names.contains($0.rawValue) }
                    .compactMap { engine.rooms.room($0)?.proto }
            }
            return try encode(response, encoding)
        case "DeleteRoom":
            let request: Livekit_DeleteRoomRequest = try decode(body, encoding)
            try require(grant?.roomCreate == true)
            try run { $0.deleteRoom(RoomName(request.room)).map { ((), $0) } }
            return try encode(Livekit_DeleteRoomResponse(), encoding)
        case "ListParticipants":
            let request: Livekit_ListParticipantsRequest = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            let listed: [Livekit_ParticipantInfo]? = hub.inspect { engine in
                engine.rooms.rooms[RoomName(request.room)] == nil ? nil : engine.rooms.participants(in: RoomName(request.room)).map(\.proto)
            }
            guard let listed else { throw TwirpError(code: "not_found", message: RoomError.roomNotFound.message) }
            var response = Livekit_ListParticipantsResponse()
            response.participants = listed
            return try encode(response, encoding)
        case "GetParticipant":
            let request: Livekit_RoomParticipantIdentity = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            let found = hub.inspect { $0.rooms.participant(room: RoomName(request.room), identity: Identity(request.identity))?.proto }
            guard let found else { throw TwirpError(code: "not_found", message: RoomError.participantNotFound.message) }
            return try encode(found, encoding)
        case "RemoveParticipant":
            let request: Livekit_RoomParticipantIdentity = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            try run { $0.removeParticipant(room: RoomName(request.room), identity: Identity(request.identity)).map { ((), $0) } }
            return try encode(Livekit_RemoveParticipantResponse(), encoding)
        case "MutePublishedTrack":
            let request: Livekit_MuteRoomTrackRequest = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            let track = try run {
                $0.mutePublishedTrack(room: RoomName(request.room), identity: Identity(request.identity), track: TrackSID(request.trackSid), muted: request.muted)
            }
            var response = Livekit_MuteRoomTrackResponse()
            response.track = track.proto
            return try encode(response, encoding)
        case "UpdateParticipant":
            let request: Livekit_UpdateParticipantRequest = try decode(body, encoding)
            try TwirpEndpoint.checkParticipant(name: request.name, metadata: request.metadata, attributes: request.attributes, limits)
            try requireAdmin(grant, room: request.room)
            let participant = try run {
                $0.updateParticipant(
                    room: RoomName(request.room), identity: Identity(request.identity),
                    metadata: request.metadata.isEmpty ? nil : request.metadata, name: request.name.isEmpty ? nil : request.name,
                    attributes: request.attributes,
                    permission: request.hasPermission ? ParticipantPermission(proto: request.permission) : nil
                )
            }
            return try encode(participant.proto, encoding)
        case "UpdateSubscriptions":
            let request: Livekit_UpdateSubscriptionsRequest = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            let tracks = (request.trackSids + request.participantTracks.flatMap(\.trackSids)).map(TrackSID.init)
            try run { $0.updateSubscriptions(room: RoomName(request.room), identity: Identity(request.identity), tracks: tracks, subscribe: request.subscribe).map { ((), $0) } }
            return try encode(Livekit_UpdateSubscriptionsResponse(), encoding)
        case "UpdateRoomMetadata":
            let request: Livekit_UpdateRoomMetadataRequest = try decode(body, encoding)
            try TwirpEndpoint.checkMetadata(request.metadata, limits)
            try requireAdmin(grant, room: request.room)
            let room = try run { $0.updateRoomMetadata(room: RoomName(request.room), metadata: request.metadata) }
            return try encode(room.proto, encoding)
        case "SendData":
            let request: Livekit_SendDataRequest = try decode(body, encoding)
            try requireAdmin(grant, room: request.room)
            let room = RoomName(request.room)
            let recipients: [ParticipantSID]? = hub.inspect { engine in
                guard engine.rooms.rooms[room] != nil else { return nil }
                let everyone = request.destinationIdentities.isEmpty && request.destinationSids.isEmpty
                return engine.rooms.participants.values.filter { participant in
                    participant.room == room && (everyone || request.destinationIdentities.contains(participant.identity.rawValue)
                        || request.destinationSids.contains(participant.sid.rawValue))
                }.map(\.sid).sorted()
            }
            guard let recipients else { throw TwirpError(code: "not_found", message: RoomError.roomNotFound.message) }
            let packet = Self.dataPacket(for: request)
            hub.log.append(EventRecord(kind: "data.sent", room: room, detail: [
                "bytes": .int(Int64(request.data.count)), "kind": .int(Int64(request.kind.rawValue)),
                "destinations": .strings(request.destinationIdentities), "topic": .string(request.topic),
                "recipients": .int(Int64(recipients.count)),
            ]))
            let bytes: [UInt8] = (try? packet.serializedBytes()) ?? []
            hub.deliverData(bytes, reliable: request.kind != .lossy, to: recipients)
            return try encode(Livekit_SendDataResponse(), encoding)
        default:
            throw TwirpError(code: "bad_route", message: "no handler for path \"/twirp/livekit.RoomService/\(method)\"")
        }
    }

    /// Runs a room-model operation through the hub, mapping its error to Twirp.
    func run<Value>(_ operation: (inout RoomManagerStateMachine) -> Result<(Value, [RoomAction]), RoomError>) throws(TwirpError) -> Value {
        let result: Result<Value, RoomError> = hub.withEngine { engine, _ in
            switch engine.admin(operation) {
            case .success(let (value, actions)): (.success(value), actions)
            case .failure(let error): (.failure(error), [])
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            throw TwirpError(code: error == .remoteUnmuteDisabled ? "failed_precondition" : "not_found", message: error.message)
        }
    }

    /// The server's size limits.
    var limits: RoomLimits { hub.validator.limits }

    func require(_ allowed: Bool) throws(TwirpError) { try TwirpEndpoint.require(allowed) }

    func requireAdmin(_ grant: VideoGrant?, room: String) throws(TwirpError) { try TwirpEndpoint.requireAdmin(grant, room: room) }

    func decode<Message: SwiftProtobuf.Message>(_ body: [UInt8], _ encoding: TwirpEncoding) throws(TwirpError) -> Message {
        try TwirpEndpoint.decode(body, encoding)
    }

    func encode<Message: SwiftProtobuf.Message>(_ message: Message, _ encoding: TwirpEncoding) throws(TwirpError) -> [UInt8] {
        try TwirpEndpoint.encode(message, encoding)
    }
}

extension RoomService {
    /// The DataPacket the server sends for `SendData` (reference §2.4): a user packet with the payload, topic,
    /// destinations and nonce; no sender identity or SID, and sequence 0 (server data is unsequenced).
    static func dataPacket(for request: Livekit_SendDataRequest) -> Livekit_DataPacket {
        var user = Livekit_UserPacket()
        user.payload = request.data
        if request.hasTopic { user.topic = request.topic }
        user.destinationIdentities = request.destinationIdentities
        user.nonce = request.nonce
        var packet = Livekit_DataPacket()
        packet.kind = request.kind
        packet.destinationIdentities = request.destinationIdentities
        packet.value = .user(user)
        return packet
    }
}
