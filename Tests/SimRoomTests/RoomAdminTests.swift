import Foundation
import SimCore
import Testing
@testable import SimRoom

@Suite struct RoomAdminTests {
    @Test func removeParticipantSendsLeaveParticipantRemoved() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let actions = try h.machine.removeParticipant(room: "r1", identity: "bob").get()
        #expect(actions.messages(to: 2) == [.leave(LeaveNotice(reason: .participantRemoved, action: .disconnect))])
        #expect(actions.messages(to: 1).first?.updated?.first?.state == .disconnected)
        #expect(h.machine.removeParticipant(room: "r1", identity: "bob") == .failure(.participantNotFound))
        #expect(h.machine.removeParticipant(room: "nope", identity: "bob") == .failure(.roomNotFound))
    }

    @Test func deleteRoomKicksEveryoneWithRoomDeleted() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let actions = try h.machine.deleteRoom("r1").get()
        #expect(actions.messages(to: 1).contains { $0.leaveNotice?.reason == .roomDeleted })
        #expect(actions.messages(to: 2).contains { $0.leaveNotice?.reason == .roomDeleted })
        #expect(Set(actions.closed) == [ConnectionID(1), ConnectionID(2)])
        #expect(actions.logged.last == "room.closed")
        #expect(h.machine.rooms.isEmpty)
    }

    @Test func mutePublishedTrackTellsPublisherAndRefusesRemoteUnmuteByDefault() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        _ = h.handle(.addTrackRequested(ConnectionID(1), AddTrackParameters(cid: "mic", kind: .audio, source: .microphone)))
        let track = try #require(h.machine.participants(in: "r1").first?.tracks.first?.sid)
        let (muted, actions) = try h.machine.mutePublishedTrack(room: "r1", identity: "alice", track: track, muted: true).get()
        #expect(muted.muted)
        #expect(actions.messages(to: 1).first == .mute(track, muted: true))
        #expect(h.machine.mutePublishedTrack(room: "r1", identity: "alice", track: track, muted: false).map(\.0) == .failure(.remoteUnmuteDisabled))
    }

    @Test func updateParticipantRevokingPublishUnpublishesTracks() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        _ = h.handle(.addTrackRequested(ConnectionID(1), AddTrackParameters(cid: "cam", kind: .video, source: .camera)))
        _ = h.handle(.publisherOfferReceived(ConnectionID(1), [OfferedTrackSection(mid: "0", kind: .video, trackID: "cam", mimeType: "video/VP8")]))
        let track = try #require(h.machine.participants(in: "r1").first?.tracks.first?.sid)
        let (updated, actions) = try h.machine.updateParticipant(
            room: "r1", identity: "alice", metadata: "meta", name: "Alice", attributes: ["a": "1"],
            permission: ParticipantPermission(canPublish: false)
        ).get()
        #expect(updated.tracks.isEmpty && updated.metadata == "meta" && updated.name == "Alice")
        #expect(actions.messages(to: 1).first == .trackUnpublished(track))
        #expect(actions.messages(to: 2).last?.updated?.first?.metadata == "meta")
    }

    @Test func updateRoomMetadataSendsRoomUpdateToAll() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let (room, actions) = try h.machine.updateRoomMetadata(room: "r1", metadata: "m2").get()
        #expect(room.metadata == "m2")
        #expect(actions.messages(to: 1) == [.roomUpdate(room)])
    }

    @Test func createRoomArmsEmptyTimeoutAndUpdatesExisting() throws {
        var h = RoomHarness()
        let (room, actions) = h.machine.createRoom(CreateRoomParameters(name: "x", emptyTimeout: 7, metadata: "m"), wall: h.wall)
        #expect(room.emptyTimeout == 7 && room.metadata == "m")
        let timer = try #require(actions.compactMap { if case .armTimer(let t, let d) = $0 { (t, d) } else { nil } }.first)
        #expect(timer.1 == .seconds(7))
        let (again, _) = h.machine.createRoom(CreateRoomParameters(name: "x", maxParticipants: 3), wall: h.wall)
        #expect(again.sid == room.sid && again.maxParticipants == 3 && again.metadata == "m")
        #expect(h.handle(.timerFired(timer.0)).logged == [])  // superseded by the second arm
    }

    @Test func sameSeedMintsSameSIDs() {
        var a = RoomHarness()
        var b = RoomHarness()
        a.join("alice", connection: 1)
        b.join("alice", connection: 1)
        #expect(a.sid("alice") == b.sid("alice"))
    }
}
