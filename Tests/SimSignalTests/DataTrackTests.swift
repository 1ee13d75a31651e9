import Foundation
import SimCore
import SimAuth
import SimProto
import SimRoom
import SimSignal
import SimTestKit
import SwiftProtobuf
import Testing

/// Data tracks as engine transcripts: publication, the subscriber handle maps, frames forwarded with the handle
/// rewritten, refusals, unsubscribe, unpublish and departure (reference: data channels §3).
@Suite struct DataTrackTests {
    let factory = SignalTestFactory()

    /// A hub with `names` joined to r1 over /rtc/v1 (ACTIVE unless left out of `active`), their sinks and SIDs.
    struct Room {
        var hub: SignalHub
        var media: FakeMedia
        var sinks: [String: RecordingSink]
        var connections: [String: ConnectionID]
        var sids: [String: ParticipantSID]

        func send(_ message: Livekit_SignalRequest.OneOf_Message, from name: String) throws {
            var request = Livekit_SignalRequest()
            request.message = message
            hub.received(.binary(try request.serializedBytes()), on: try #require(connections[name]))
        }

        func publish(_ name: String, handle: UInt32, as who: String) throws {
            var publish = Livekit_PublishDataTrackRequest()
            publish.pubHandle = handle
            publish.name = name
            try send(.publishDataTrackRequest(publish), from: who)
        }

        /// The last handle map `name` was sent: handle → track SID.
        func handles(of name: String) -> [UInt32: String]? {
            sinks[name]?.responses.reversed().lazy.compactMap { response -> [UInt32: String]? in
                guard case .dataTrackSubscriberHandles(let map)? = response.message else { return nil }
                return map.subHandles.mapValues(\.trackSid)
            }.first
        }

        func frame(handle: UInt16, payload: [UInt8] = [1, 2, 3], extensions: [UInt8]? = nil) -> [UInt8] {
            var out: [UInt8] = [0b0001_1000 | (extensions == nil ? 0 : 0b100), 0, UInt8(handle >> 8), UInt8(handle & 0xFF), 0, 7, 0, 1, 0, 0, 0x30, 0x39]
            if let extensions { out += extensions }
            return out + payload
        }
    }

    func room(_ names: [String] = ["alice", "bob", "carol"], active: Set<String>? = nil,
              query: [String: [String: String]] = [:], grants: [String: (inout VideoGrant) -> Void] = [:]) throws -> Room {
        let hub = factory.hub()
        let media = FakeMedia()
        hub.attachMedia(media)
        var room = Room(hub: hub, media: media, sinks: [:], connections: [:], sids: [:])
        for name in names {
            var request: ConnectRequest
            if let extra = query[name] { request = factory.v0Request(name, extra: extra) } else { request = try factory.v1Request(name) }
            if let grant = grants[name] { request.authorization = "Bearer \(factory.token(name, grant: grant))" }
            let sink = RecordingSink()
            let connection = hub.open(try hub.validate(request).get(), sink: sink)
            let sid = try #require(hub.inspect { $0.participant(of: connection) })
            room.sinks[name] = sink
            room.connections[name] = connection
            room.sids[name] = sid
            if active?.contains(name) ?? true { hub.transportConnected(sid, target: .publisher) }
        }
        return room
    }

    @Test func aPublishedTrackIsAnsweredSeenByPeersAndGivenToActiveSubscribersUnderTheirOwnHandles() throws {
        let room = try room(active: ["alice", "bob"])
        try room.publish("telemetry", handle: 7, as: "alice")
        guard case .publishDataTrackResponse(let published)? = room.sinks["alice"]?.responses.last?.message else {
            Issue.record("no publish_data_track_response"); return
        }
        #expect(published.info.pubHandle == 7 && published.info.name == "telemetry" && published.info.sid.hasPrefix("DTR_"))
        // Peers see the track in alice's ParticipantInfo.
        let seen = room.sinks["carol"]?.responses.compactMap { response -> Livekit_ParticipantInfo? in
            guard case .update(let update)? = response.message else { return nil }
            return update.participants.first { $0.identity == "alice" }
        }.last
        #expect(seen?.dataTracks.map(\.sid) == [published.info.sid])
        // bob (ACTIVE) is subscribed under handle 1; carol (not yet ACTIVE) only once she is.
        #expect(room.handles(of: "bob") == [1: published.info.sid])
        #expect(room.handles(of: "carol") == nil)
        room.hub.transportConnected(try #require(room.sids["carol"]), target: .publisher)
        #expect(room.handles(of: "carol") == [1: published.info.sid])
        // A second track gets bob's next handle.
        try room.publish("pose", handle: 9, as: "alice")
        #expect(room.handles(of: "bob")?.keys.sorted() == [1, 2])
    }

    @Test func framesReachEachSubscriberWithOnlyTheHandleRewritten() throws {
        let room = try room()
        try room.publish("a", handle: 1, as: "carol")   // bob's handle 1, alice's handle 1
        try room.publish("telemetry", handle: 300, as: "alice")   // bob's handle 2, carol's handle 1
        let alice = try #require(room.sids["alice"])
        let sent = room.frame(handle: 300, payload: Array("position".utf8), extensions: [0, 0, 1, 2, 0xAB, 0xCD, 0, 0])
        room.hub.dataReceived(sent, on: .dataTrack, participant: alice)
        let delivered = room.media.delivered
        #expect(delivered.map(\.participant) == [room.sids["bob"], room.sids["carol"]].compactMap { $0 }.sorted())
        #expect(delivered.allSatisfy { $0.channel == .dataTrack })
        for entry in delivered {
            let expected: UInt16 = entry.participant == room.sids["bob"] ? 2 : 1
            #expect(Array(entry.packet[2...3]) == [UInt8(expected >> 8), UInt8(expected & 0xFF)])
            #expect(Array(entry.packet[0...1]) == Array(sent[0...1]) && Array(entry.packet[4...]) == Array(sent[4...]))
        }
    }

    @Test func malformedUnknownAndUnpermittedFramesAreDroppedAndLogged() throws {
        let room = try room(grants: ["carol": { $0.canPublishData = false }])
        try room.publish("telemetry", handle: 5, as: "alice")
        let alice = try #require(room.sids["alice"])
        room.hub.dataReceived([0, 0, 0, 5], on: .dataTrack, participant: alice)                              // short header
        room.hub.dataReceived(room.frame(handle: 5, payload: [], extensions: [0, 3]), on: .dataTrack, participant: alice)  // extensions cut
        room.hub.dataReceived(room.frame(handle: 6), on: .dataTrack, participant: alice)                       // never published
        room.hub.dataReceived(room.frame(handle: 5), on: .dataTrack, participant: try #require(room.sids["carol"]))
        #expect(room.media.delivered.isEmpty)
        let whys = room.hub.log.events().filter { $0.record.kind == "data.dropped" }.compactMap { $0.record.detail["why"]?.description }
        #expect(whys.count == 4)
        #expect(whys.contains { $0.contains("not a data-track frame") } && whys.contains { $0.contains("handle 6") })
    }

    @Test func invalidAndDuplicatePublicationsAreRefusedAtOnceWithLiveKitsReasons() throws {
        let room = try room(["alice", "carol"], grants: ["carol": { $0.canPublishData = false }])
        func lastReason(_ name: String) -> Livekit_RequestResponse.Reason? {
            guard case .requestResponse(let answer)? = room.sinks[name]?.responses.last?.message,
                  case .publishDataTrack? = answer.request else { return nil }
            return answer.reason
        }
        try room.publish("t", handle: 1, as: "alice")  // accepted: the duplicates below collide with it
        let refused: [(name: String, handle: UInt32, who: String, reason: Livekit_RequestResponse.Reason)] = [
            ("u", 0, "alice", .invalidHandle), ("u", 65_536, "alice", .invalidHandle), ("", 3, "alice", .invalidName),
            (String(repeating: "x", count: 257), 3, "alice", .invalidName), ("u", 1, "alice", .duplicateHandle),
            ("t", 2, "alice", .duplicateName), ("t", 1, "carol", .notAllowed),
        ]
        for case let (name, handle, who, reason) in refused {
            try room.publish(name, handle: handle, as: who)
            #expect(lastReason(who) == reason, "\(name.prefix(8)) \(handle) \(who)")
        }
        var unpublish = Livekit_UnpublishDataTrackRequest()
        unpublish.pubHandle = 42
        try room.send(.unpublishDataTrackRequest(unpublish), from: "alice")
        guard case .requestResponse(let answer)? = room.sinks["alice"]?.responses.last?.message else { Issue.record("no answer"); return }
        #expect(answer.reason == .notFound && answer.request == .unpublishDataTrack(unpublish))
    }

    @Test func unsubscribingStopsFramesAndResubscribingGivesANewHandle() throws {
        let room = try room(["alice", "bob"])
        try room.publish("telemetry", handle: 5, as: "alice")
        let track = try #require(room.handles(of: "bob")?[1])
        var update = Livekit_UpdateDataSubscription()
        var change = Livekit_UpdateDataSubscription.Update()
        change.trackSid = track
        change.subscribe = false
        update.updates = [change]
        try room.send(.updateDataSubscription(update), from: "bob")
        #expect(room.handles(of: "bob") == [:])
        room.hub.dataReceived(room.frame(handle: 5), on: .dataTrack, participant: try #require(room.sids["alice"]))
        #expect(room.media.delivered.isEmpty)
        update.updates[0].subscribe = true
        try room.send(.updateDataSubscription(update), from: "bob")
        #expect(room.handles(of: "bob") == [2: track])
        room.hub.dataReceived(room.frame(handle: 5), on: .dataTrack, participant: try #require(room.sids["alice"]))
        #expect(room.media.delivered.map { Array($0.packet[2...3]) } == [[0, 2]])
    }

    @Test func aClientThatOptsOutOfAutoSubscriptionSubscribesOnlyWhenItAsks() throws {
        let room = try room(["alice", "bob"], query: ["bob": ["auto_subscribe_data_track": "0"]])
        try room.publish("telemetry", handle: 5, as: "alice")
        #expect(room.handles(of: "bob") == nil)
        let track = try #require(room.hub.inspect { $0.rooms.participants[room.sids["alice"]!]?.dataTracks.first?.sid })
        var update = Livekit_UpdateDataSubscription()
        var change = Livekit_UpdateDataSubscription.Update()
        change.trackSid = track.rawValue
        change.subscribe = true
        update.updates = [change]
        try room.send(.updateDataSubscription(update), from: "bob")
        #expect(room.handles(of: "bob") == [1: track.rawValue])
    }

    @Test func unpublishingOrLeavingTakesTheTrackOutOfEverySubscribersMap() throws {
        let room = try room()
        try room.publish("telemetry", handle: 5, as: "alice")
        try room.publish("pose", handle: 6, as: "carol")
        #expect(room.handles(of: "bob")?.count == 2)
        var unpublish = Livekit_UnpublishDataTrackRequest()
        unpublish.pubHandle = 5
        try room.send(.unpublishDataTrackRequest(unpublish), from: "alice")
        guard case .unpublishDataTrackResponse(let gone)? = room.sinks["alice"]?.responses.last?.message else { Issue.record("no response"); return }
        #expect(gone.info.name == "telemetry")
        #expect(room.handles(of: "bob")?.values.contains(gone.info.sid) == false && room.handles(of: "bob")?.count == 1)
        room.hub.dataReceived(room.frame(handle: 5), on: .dataTrack, participant: try #require(room.sids["alice"]))
        #expect(room.media.delivered.isEmpty)
        var leave = Livekit_LeaveRequest()
        leave.reason = .clientInitiated
        try room.send(.leave(leave), from: "carol")
        #expect(room.handles(of: "bob") == [:] && room.handles(of: "alice") == [:])
    }
}
