import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom
import SimSignal
import SwiftProtobuf

/// LiveKit's `AgentDispatchService` over Twirp (CreateDispatch, DeleteDispatch, ListDispatch), on the signal hub's
/// rooms and the agent hub's dispatches. Each method needs roomAdmin for the request's room.
public struct AgentDispatchService: Sendable {
    /// The agent side.
    public let agents: AgentHub
    /// The rooms.
    public let signal: SignalHub

    /// A service over both hubs.
    public init(agents: AgentHub, signal: SignalHub) {
        self.agents = agents
        self.signal = signal
    }

    /// Handles `POST /twirp/livekit.AgentDispatchService/<method>`.
    public func handle(method: String, contentType: String?, body: [UInt8], authorization: String?) -> TwirpResponse {
        TwirpEndpoint.handle(contentType: contentType, authorization: authorization, verifier: signal.validator.verifier,
                             now: signal.clock.wallNow()) { encoding, grant throws(TwirpError) in
            try call(method, body: body, encoding: encoding, grant: grant)
        }
    }

    func call(_ method: String, body: [UInt8], encoding: TwirpEncoding, grant: VideoGrant?) throws(TwirpError) -> [UInt8] {
        switch method {
        case "CreateDispatch":
            let request: Livekit_CreateAgentDispatchRequest = try TwirpEndpoint.decode(body, encoding)
            try TwirpEndpoint.requireAdmin(grant, room: request.room)
            if let violation = signal.validator.limits.participantViolation(name: "", metadata: request.metadata, attributes: request.attributes) {
                throw TwirpError(code: "invalid_argument", message: violation.errorText)  // LiveKit: the bare psrpc error
            }
            guard !request.room.isEmpty else { throw TwirpError(code: "invalid_argument", message: "room name is required") }
            let room = RoomName(request.room)
            // LiveKit creates the room when auto-create is on (and the new room gets its automatic dispatch too).
            let snapshot: (Livekit_Room, [Livekit_ParticipantInfo])? = signal.withEngine { engine, wall in
                let result = engine.admin { rooms -> Result<((Livekit_Room, [Livekit_ParticipantInfo])?, [RoomAction]), RoomError> in
                    var actions: [RoomAction] = []
                    if rooms.rooms[room] == nil {
                        guard rooms.configuration.autoCreate else { return .success((nil, [])) }
                        actions = rooms.createRoom(CreateRoomParameters(name: room), wall: wall).1
                    }
                    return .success((rooms.room(room).map { ($0.proto, rooms.participants(in: room).map(\.proto)) }, actions))
                }
                switch result {
                case .success(let (value, actions)): return (value, actions)
                case .failure: return (nil, [])
                }
            }
            guard let (roomInfo, participants) = snapshot else { throw TwirpError(code: "not_found", message: AgentDispatchError.roomNotFound.message) }
            let dispatch = agents.withEngine { engine, wall in
                let (dispatch, actions) = engine.createDispatch(request, room: roomInfo, participants: participants, wall: wall)
                return (dispatch, actions)
            }
            return try TwirpEndpoint.encode(dispatch, encoding)
        case "DeleteDispatch":
            let request: Livekit_DeleteAgentDispatchRequest = try TwirpEndpoint.decode(body, encoding)
            try TwirpEndpoint.requireAdmin(grant, room: request.room)
            let result = agents.withEngine { engine, wall in
                switch engine.deleteDispatch(id: request.dispatchID, room: RoomName(request.room), wall: wall) {
                case .success(let (dispatch, actions)): (Result<Livekit_AgentDispatch, AgentDispatchError>.success(dispatch), actions)
                case .failure(let error): (.failure(error), [])
                }
            }
            switch result {
            case .success(let dispatch): return try TwirpEndpoint.encode(dispatch, encoding)
            case .failure(let error): throw TwirpError(code: "not_found", message: error.message)
            }
        case "ListDispatch":
            let request: Livekit_ListAgentDispatchRequest = try TwirpEndpoint.decode(body, encoding)
            try TwirpEndpoint.requireAdmin(grant, room: request.room)
            guard signal.inspect({ $0.rooms.rooms[RoomName(request.room)] != nil }) else {
                throw TwirpError(code: "not_found", message: AgentDispatchError.roomNotFound.message)
            }
            var response = Livekit_ListAgentDispatchResponse()
            response.agentDispatches = agents.inspect { $0.listDispatches(room: RoomName(request.room), id: request.dispatchID) }
            return try TwirpEndpoint.encode(response, encoding)
        default:
            throw TwirpError(code: "bad_route", message: "no handler for path \"/twirp/livekit.AgentDispatchService/\(method)\"")
        }
    }
}
