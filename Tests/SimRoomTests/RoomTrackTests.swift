import Foundation
import SimCore
import Testing
@testable import SimRoom

@Suite struct RoomTrackTests {
    let video = AddTrackParameters(cid: "cam-1", name: "camera", kind: .video, source: .camera, width: 640, height: 480)

    @Test func addTrackAnswersTrackPublishedWithCidAndPublishesOnOffer() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let added = h.handle(.addTrackRequested(ConnectionID(1), video))
        guard case .trackPublished(let cid, let track) = try #require(added.messages(to: 1).first) else {
            Issue.record("no track_published"); return
        }
        #expect(cid == "cam-1")
        #expect(track.sid.rawValue.hasPrefix("TR_VC") && track.state == .pending)
        #expect(added.messages(to: 2).isEmpty)  // others learn only once the offer carries it

        let offered = h.handle(.publisherOfferReceived(ConnectionID(1), [
            OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8"),
        ]))
        #expect(offered.logged.contains("track.published"))
        let seen = try #require(offered.messages(to: 2).first?.updated?.first)
        #expect(seen.tracks.map(\.sid) == [track.sid] && seen.tracks.first?.mid == "0" && seen.tracks.first?.mimeType == "video/VP8")
    }

    /// Other parts of the server (Decart) learn of activity and publications as typed notifications.
    @Test func activityAndPublicationsAreNotifiedTyped() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        let alice = try #require(h.sid("alice"))
        let active = h.handle(.transportConnected(alice))
        #expect(active.notifications == [.participantActive(room: "r1", participant: alice, identity: "alice")])
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        let offered = h.handle(.publisherOfferReceived(ConnectionID(1), [
            OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8"),
        ]))
        let track = try #require(h.machine.participants[alice]?.tracks.first?.sid)
        #expect(offered.notifications == [.trackPublished(room: "r1", participant: alice, identity: "alice", track: track, kind: .video)])
    }

    @Test func offerBeforeAddTrackStillMatchesByCid() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        let early = h.handle(.publisherOfferReceived(ConnectionID(1), [
            OfferedTrackSection(mid: "3", kind: .video, trackID: "cam-1", mimeType: "video/H264"),
        ]))
        #expect(early.isEmpty)
        let added = h.handle(.addTrackRequested(ConnectionID(1), video))
        #expect(added.logged.contains("track.published"))
        let seen = try #require(added.messages(to: 2).compactMap(\.updated).first?.first)
        #expect(seen.tracks.first?.mid == "3")
    }

    @Test func unknownMsidFallsBackToFirstPendingOfSameKind() {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        _ = h.handle(.addTrackRequested(ConnectionID(1), AddTrackParameters(cid: "mic", kind: .audio, source: .microphone)))
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        _ = h.handle(.publisherOfferReceived(ConnectionID(1), [
            OfferedTrackSection(mid: "0", kind: .audio, trackID: "something-else", mimeType: "audio/opus"),
        ]))
        let tracks = h.machine.participants(in: "r1").first?.tracks ?? []
        #expect(tracks.map(\.state) == [.published, .pending])
    }

    @Test func duplicateCidIsQueuedAndForbiddenSourceNotAllowed() {
        var h = RoomHarness()
        h.join("alice", connection: 1, permission: ParticipantPermission(canPublishSources: [.microphone]))
        let refused = h.handle(.addTrackRequested(ConnectionID(1), video))
        #expect(refused.messages(to: 1) == [.requestResponse(.addTrack(cid: "cam-1"), .notAllowed, message: "does not have permission to publish")])
        let mic = AddTrackParameters(cid: "mic", kind: .audio, source: .microphone)
        _ = h.handle(.addTrackRequested(ConnectionID(1), mic))
        let again = h.handle(.addTrackRequested(ConnectionID(1), mic))
        guard case .requestResponse(_, .queued, _) = again.messages(to: 1).first else { Issue.record("expected QUEUED"); return }
        let data = h.handle(.addTrackRequested(ConnectionID(1), AddTrackParameters(cid: "d", kind: nil)))
        guard case .requestResponse(_, .unsupportedType, _) = data.messages(to: 1).first else { Issue.record("expected UNSUPPORTED_TYPE"); return }
    }

    @Test func muteIsBroadcastToEveryoneIncludingPublisher() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        _ = h.handle(.publisherOfferReceived(ConnectionID(1), [OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8")]))
        let sid = try #require(h.machine.participants(in: "r1").first?.tracks.first?.sid)
        let muted = h.handle(.muteRequested(ConnectionID(1), sid, muted: true))
        #expect(muted.messages(to: 1).first?.updated?.first?.tracks.first?.muted == true)
        #expect(muted.messages(to: 2).first?.updated?.first?.tracks.first?.muted == true)
        let unknown = h.handle(.muteRequested(ConnectionID(1), "TR_nope", muted: true))
        #expect(unknown.messages(to: 1) == [.requestResponse(.mute("TR_nope"), .notFound, message: "track not found")])
    }

    @Test func subscriptionStartsOnlyWhenSubscriberIsActiveAndPublisherLearnsFirstSubscriber() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        let offer = h.handle(.publisherOfferReceived(ConnectionID(1), [OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8")]))
        #expect(offer.forwardingStarts.isEmpty)  // bob is not ACTIVE yet
        let bob = try #require(h.sid("bob"))
        let active = h.handle(.transportConnected(bob))
        #expect(active.logged.first == "participant.active")
        let track = try #require(h.machine.participants(in: "r1").first?.tracks.first?.sid)
        #expect(active.forwardingStarts.map(\.0) == [bob] && active.forwardingStarts.map(\.1) == [track])
        #expect(active.messages(to: 1).contains(.trackSubscribed(track)))
        // Unsubscribe, then subscribe again explicitly.
        let off = h.handle(.subscriptionUpdateRequested(ConnectionID(2), trackSIDs: [track], subscribe: false))
        #expect(off.contains(.stopForwarding(subscriber: bob, track: track)))
        let on = h.handle(.subscriptionUpdateRequested(ConnectionID(2), trackSIDs: [track], subscribe: true))
        #expect(on.forwardingStarts.count == 1)
        // A list naming the track several times among unknown SIDs: each handled once, in order.
        let listed = [track, TrackSID("TR_nope1"), track, TrackSID("TR_nope2"), track]
        let twice = h.handle(.subscriptionUpdateRequested(ConnectionID(2), trackSIDs: listed, subscribe: false))
        #expect(twice.filter { if case .stopForwarding = $0 { true } else { false } }.count == 1)
        #expect(twice.logged.filter { $0 == "subscription.updated" }.count == 1)
        let again = h.handle(.subscriptionUpdateRequested(ConnectionID(2), trackSIDs: listed, subscribe: true))
        #expect(again.forwardingStarts.count == 1)
    }

    @Test func autoSubscribeOffDoesNotSubscribe() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        _ = h.handle(.joinRequested(JoinParameters(connection: ConnectionID(2), room: "r1", identity: "bob", autoSubscribe: false)))
        _ = h.handle(.transportConnected(try #require(h.sid("bob"))))
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        let offer = h.handle(.publisherOfferReceived(ConnectionID(1), [OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8")]))
        #expect(offer.forwardingStarts.isEmpty)
    }

    @Test func sectionMissingFromLaterOfferUnpublishes() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2)
        _ = h.handle(.addTrackRequested(ConnectionID(1), video))
        _ = h.handle(.publisherOfferReceived(ConnectionID(1), [OfferedTrackSection(mid: "0", kind: .video, trackID: "cam-1", mimeType: "video/VP8")]))
        let renegotiated = h.handle(.publisherOfferReceived(ConnectionID(1), []))
        #expect(renegotiated.logged.contains("track.unpublished"))
        #expect(renegotiated.messages(to: 2).first?.updated?.first?.tracks.isEmpty == true)
    }

    @Test func metadataUpdateNeedsGrantAndIsBroadcastIncludingSelf() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        h.join("bob", connection: 2, permission: ParticipantPermission(canUpdateMetadata: true))
        let denied = h.handle(.metadataUpdateRequested(ConnectionID(1), metadata: "m", name: "", attributes: [:], requestID: 7))
        #expect(denied.messages(to: 1) == [.requestResponse(.updateMetadata(requestID: 7), .notAllowed, message: "does not have permission to update own metadata")])
        let allowed = h.handle(.metadataUpdateRequested(ConnectionID(2), metadata: "hello", name: "Bob", attributes: ["k": "v"], requestID: 8))
        #expect(allowed.messages(to: 1).first?.updated?.first?.metadata == "hello")
        #expect(allowed.messages(to: 2).first?.updated?.first?.attributes == ["k": "v"])
        #expect(allowed.messages(to: 2).last == .requestResponse(.updateMetadata(requestID: 8), .ok, message: ""))
    }

    @Test func metadataUpdatesOverLiveKitsLimitsAreRefusedWithLimitExceeded() throws {
        var configuration = RoomManagerConfiguration()
        configuration.limits.maxNameLength = 4
        configuration.limits.maxMetadataSize = 8
        configuration.limits.maxAttributesSize = 6
        var h = RoomHarness(configuration: configuration)
        h.join("bob", connection: 1, permission: ParticipantPermission(canUpdateMetadata: true))
        let cases: [(String, String, [String: String], String)] = [
            ("Bobby", "", [:], "exceeds name length limit"),
            ("", "123456789", [:], "exceeds metadata size limit"),
            ("", "", ["key": "long"], "exceeds attributes size limit"),
            ("Bobby", "123456789", [:], "exceeds name length limit"),  // LiveKit's order: name first
        ]
        for (index, (name, metadata, attributes, message)) in cases.enumerated() {
            let refused = h.handle(.metadataUpdateRequested(ConnectionID(1), metadata: metadata, name: name, attributes: attributes, requestID: UInt32(index)))
            #expect(refused.messages(to: 1) == [.requestResponse(.updateMetadata(requestID: UInt32(index)), .limitExceeded, message: message)])
            #expect(refused.logged == ["participant.metadata_rejected"])
        }
        // Limits count UTF-8 bytes (Go's len): "é" is two.
        let bytes = h.handle(.metadataUpdateRequested(ConnectionID(1), metadata: "éééé", name: "", attributes: [:], requestID: 9))
        #expect(bytes.messages(to: 1).last == .requestResponse(.updateMetadata(requestID: 9), .ok, message: ""))
        let over = h.handle(.metadataUpdateRequested(ConnectionID(1), metadata: "ééééé", name: "", attributes: [:], requestID: 10))
        #expect(over.messages(to: 1).last == .requestResponse(.updateMetadata(requestID: 10), .limitExceeded, message: "exceeds metadata size limit"))
    }

    @Test func trackSettingsAreRecorded() throws {
        var h = RoomHarness()
        h.join("alice", connection: 1)
        var settings = TrackSettings()
        settings.quality = .low
        settings.width = 320
        let actions = h.handle(.trackSettingsUpdated(ConnectionID(1), trackSIDs: ["TR_x"], settings))
        #expect(actions.logged == ["track.settings"])
        #expect(h.machine.participants(in: "r1").first?.trackSettings["TR_x"]?.width == 320)
    }
}
