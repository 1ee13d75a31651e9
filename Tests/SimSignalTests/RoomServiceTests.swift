import Foundation
import SimAuth
import SimCore
import SimProto
import SimSignal
import SimTestKit
import SwiftProtobuf
import Testing

@Suite struct RoomServiceTests {
    let factory = SignalTestFactory()

    func admin(_ grant: (inout VideoGrant) -> Void) -> String {
        "Bearer " + factory.token("admin", room: "r1") { video in
            video.roomJoin = nil
            grant(&video)
        }
    }

    func call<Message: SwiftProtobuf.Message>(_ service: RoomService, _ method: String, _ request: some SwiftProtobuf.Message, auth: String?, as: Message.Type) throws -> (Int, Message?) {
        let response = service.handle(method: method, contentType: "application/protobuf", body: try request.serializedBytes(), authorization: auth)
        return (response.status, response.status == 200 ? try Message(serializedBytes: response.body) : nil)
    }

    @Test func grantsAreEnforcedWithTwirpUnauthenticated() throws {
        let service = RoomService(hub: factory.hub())
        var create = Livekit_CreateRoomRequest()
        create.name = "r1"
        let noGrant = service.handle(method: "CreateRoom", contentType: "application/protobuf", body: try create.serializedBytes(), authorization: admin { _ in })
        #expect(noGrant.status == 401)
        #expect(String(decoding: noGrant.body, as: UTF8.self) == #"{"code":"unauthenticated","meta":{},"msg":"permissions denied"}"#)
        let noToken = service.handle(method: "ListRooms", contentType: "application/protobuf", body: [], authorization: nil)
        #expect(noToken.status == 401)
        let badToken = service.handle(method: "ListRooms", contentType: "application/protobuf", body: [], authorization: "Bearer x.y.z")
        #expect(badToken.status == 401 && badToken.contentType.hasPrefix("text/plain"))
        var list = Livekit_ListParticipantsRequest()
        list.room = "other-room"
        let wrongRoom = service.handle(method: "ListParticipants", contentType: "application/protobuf", body: try list.serializedBytes(), authorization: admin { $0.roomAdmin = true })
        #expect(wrongRoom.status == 401)
    }

    @Test func createListDeleteRoom() throws {
        let service = RoomService(hub: factory.hub())
        var create = Livekit_CreateRoomRequest()
        create.name = "r1"
        create.metadata = "m"
        create.emptyTimeout = 30
        let (status, room) = try call(service, "CreateRoom", create, auth: admin { $0.roomCreate = true }, as: Livekit_Room.self)
        #expect(status == 200 && room?.name == "r1" && room?.metadata == "m" && room?.emptyTimeout == 30)
        let (_, listed) = try call(service, "ListRooms", Livekit_ListRoomsRequest(), auth: admin { $0.roomList = true }, as: Livekit_ListRoomsResponse.self)
        #expect(listed?.rooms.map(\.name) == ["r1"])
        var delete = Livekit_DeleteRoomRequest()
        delete.room = "r1"
        #expect(try call(service, "DeleteRoom", delete, auth: admin { $0.roomCreate = true }, as: Livekit_DeleteRoomResponse.self).0 == 200)
        let (statusMissing, _) = try call(service, "DeleteRoom", delete, auth: admin { $0.roomCreate = true }, as: Livekit_DeleteRoomResponse.self)
        #expect(statusMissing == 404)
    }

    @Test func participantOperationsReachTheConnectedClient() throws {
        let hub = factory.hub()
        let service = RoomService(hub: hub)
        let sink = RecordingSink()
        hub.open(try hub.validate(factory.v0Request("alice")).get(), sink: sink)
        let auth = admin { $0.roomAdmin = true }
        var identity = Livekit_RoomParticipantIdentity()
        identity.room = "r1"
        identity.identity = "alice"
        let (_, info) = try call(service, "GetParticipant", identity, auth: auth, as: Livekit_ParticipantInfo.self)
        #expect(info?.identity == "alice" && info?.state.rawValue == 1)

        var update = Livekit_UpdateParticipantRequest()
        update.room = "r1"
        update.identity = "alice"
        update.metadata = "new"
        update.attributes = ["k": "v"]
        let (_, updated) = try call(service, "UpdateParticipant", update, auth: auth, as: Livekit_ParticipantInfo.self)
        #expect(updated?.metadata == "new" && updated?.attributes == ["k": "v"])
        #expect(sink.kinds.last == "update")

        var metadata = Livekit_UpdateRoomMetadataRequest()
        metadata.room = "r1"
        metadata.metadata = "room-meta"
        _ = try call(service, "UpdateRoomMetadata", metadata, auth: auth, as: Livekit_Room.self)
        #expect(sink.kinds.last == "roomUpdate")

        var data = Livekit_SendDataRequest()
        data.room = "r1"
        data.data = Data("hi".utf8)
        #expect(try call(service, "SendData", data, auth: auth, as: Livekit_SendDataResponse.self).0 == 200)

        let (removed, _) = try call(service, "RemoveParticipant", identity, auth: auth, as: Livekit_RemoveParticipantResponse.self)
        #expect(removed == 200)
        guard case .leave(let leave)? = sink.responses.last?.message else { Issue.record("no leave"); return }
        #expect(leave.reason.rawValue == 4)
        let (missing, _) = try call(service, "GetParticipant", identity, auth: auth, as: Livekit_ParticipantInfo.self)
        #expect(missing == 404)
    }

    @Test func liveKitsSizeLimitsAreTwirpInvalidArgumentWithItsTexts() throws {
        let service = RoomService(hub: factory.hub())
        let create = admin { $0.roomCreate = true }
        func refused(_ method: String, _ json: String, auth: String) -> String? {
            let answer = service.handle(method: method, contentType: "application/json", body: Array(json.utf8), authorization: auth)
            guard answer.status == 400, let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] else { return nil }
            return object["code"] as? String == "invalid_argument" ? object["msg"] as? String : nil
        }
        let long = String(repeating: "x", count: 257)
        let huge = String(repeating: "m", count: 512 * 1024 + 1)
        #expect(refused("CreateRoom", #"{"name":"\#(long)"}"#, auth: create) == "room name length exceeds limits: max length 256")
        #expect(refused("CreateRoom", #"{"name":"ok","metadata":"\#(huge)"}"#, auth: create) == "metadata size exceeds limits 524288")
        #expect(refused("CreateRoom", #"{"name":"ok","agents":[{"agentName":"a","attributes":{"k":"\#(String(repeating: "v", count: 65536))"}}]}"#,
                        auth: create) == "attribute size exceeds limits 65536")
        #expect(service.hub.inspect { $0.rooms.rooms.isEmpty })
        let roomAdmin = admin { $0.roomAdmin = true }
        #expect(refused("UpdateParticipant", #"{"room":"r1","identity":"a","name":"\#(long)"}"#, auth: roomAdmin) == "name length exceeds limits 256")
        #expect(refused("UpdateRoomMetadata", #"{"room":"r1","metadata":"\#(huge)"}"#, auth: roomAdmin) == "metadata size exceeds limits 524288")
        // At the limit: accepted.
        let exact = service.handle(method: "CreateRoom", contentType: "application/json", body: Array(#"{"name":"\#(String(repeating: "x", count: 256))"}"#.utf8),
                                   authorization: create)
        #expect(exact.status == 200)
    }

    @Test func jsonBodiesAndErrors() throws {
        let service = RoomService(hub: factory.hub())
        let ok = service.handle(method: "CreateRoom", contentType: "application/json", body: Array(#"{"name":"j1","unknown_field":1}"#.utf8), authorization: admin { $0.roomCreate = true })
        #expect(ok.status == 200 && String(decoding: ok.body, as: UTF8.self).contains(#""name":"j1""#))
        let malformed = service.handle(method: "CreateRoom", contentType: "application/json", body: Array("{nope".utf8), authorization: admin { $0.roomCreate = true })
        #expect(malformed.status == 400 && String(decoding: malformed.body, as: UTF8.self).contains(#""code":"malformed""#))
        let route = service.handle(method: "Nope", contentType: "application/json", body: [], authorization: admin { $0.roomCreate = true })
        #expect(route.status == 404 && String(decoding: route.body, as: UTF8.self).contains("bad_route"))
        let type = service.handle(method: "CreateRoom", contentType: "text/plain", body: [], authorization: nil)
        #expect(type.status == 404)
    }
}
