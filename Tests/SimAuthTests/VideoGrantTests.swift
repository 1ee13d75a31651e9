import Foundation
import SimAuth
import SimCore
import Testing

/// VideoGrant: LiveKit's JSON keys and defaults, and the publish-source rules.
@Suite struct VideoGrantTests {
    /// Decodes a grant from JSON text.
    private func grant(_ json: String) throws -> VideoGrant {
        try JSONDecoder().decode(VideoGrant.self, from: Data(json.utf8))
    }

    /// An empty grant takes LiveKit's defaults: publish/subscribe/data yes, metadata/metrics/agent-session no.
    @Test func defaultsWhenAbsent() throws {
        let empty = try grant("{}")
        #expect(empty.canPublish == nil)
        #expect(empty.effectiveCanPublish)
        #expect(empty.effectiveCanSubscribe)
        #expect(empty.effectiveCanPublishData)
        #expect(empty.effectiveCanUpdateOwnMetadata == false)
        #expect(empty.effectiveCanSubscribeMetrics == false)
        #expect(empty.effectiveCanManageAgentSession == false)
        #expect(empty.roomJoin == nil)
        #expect(empty.effectivePublishSources == TrackSourceName.allCases)
    }

    /// Absent `canPublishData` follows `canPublish: false`; an explicit value wins either way.
    @Test func publishDataFollowsPublish() throws {
        #expect(try grant(#"{"canPublish":false}"#).effectiveCanPublishData == false)
        #expect(try grant(#"{"canPublish":false,"canPublishData":true}"#).effectiveCanPublishData == true)
        #expect(try grant(#"{"canPublish":true,"canPublishData":false}"#).effectiveCanPublishData == false)
        #expect(try grant(#"{"canPublish":true}"#).effectiveCanPublishData == true)
    }

    /// Absent and explicit `false` stay distinguishable.
    @Test func absentIsNotFalse() throws {
        #expect(try grant(#"{"canSubscribe":false}"#).canSubscribe == false)
        #expect(try grant(#"{"canSubscribe":false}"#).effectiveCanSubscribe == false)
        #expect(try grant("{}").canSubscribe == nil)
    }

    /// An empty source list allows every source; a list restricts to its members; no publish allows none.
    @Test func publishSources() throws {
        let all = try grant(#"{"canPublishSources":[]}"#)
        for source in TrackSourceName.allCases { #expect(all.allowsPublishing(source: source)) }

        let restricted = try grant(#"{"canPublishSources":["camera","screen_share_audio","hologram"]}"#)
        #expect(restricted.allowsPublishing(source: .camera))
        #expect(restricted.allowsPublishing(source: .microphone) == false)
        #expect(restricted.allowsPublishing(source: .screenShare) == false)
        #expect(restricted.allowsPublishing(source: .screenShareAudio))
        #expect(restricted.effectivePublishSources == [.camera, .screenShareAudio])

        let noPublish = try grant(#"{"canPublish":false,"canPublishSources":["camera"]}"#)
        #expect(noPublish.allowsPublishing(source: .camera) == false)
        #expect(noPublish.effectivePublishSources.isEmpty)
    }

    /// Source names are LiveKit's strings.
    @Test func trackSourceNames() {
        #expect(TrackSourceName.allCases.map(\.rawValue) == ["camera", "microphone", "screen_share", "screen_share_audio"])
    }

    /// Every field encodes under LiveKit's camelCase key, and decodes back to the same grant.
    @Test func jsonKeysRoundTrip() throws {
        let full = VideoGrant(
            roomCreate: true, roomList: true, roomRecord: true, roomAdmin: true, roomJoin: true, room: "r",
            canPublish: true, canSubscribe: true, canPublishData: true, canPublishSources: ["camera"],
            canUpdateOwnMetadata: true, ingressAdmin: true, hidden: true, recorder: true, agent: true,
            canSubscribeMetrics: true, canManageAgentSession: true, destinationRoom: "d")
        let data = try JSONEncoder().encode(full)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "roomCreate", "roomList", "roomRecord", "roomAdmin", "roomJoin", "room", "canPublish", "canSubscribe",
            "canPublishData", "canPublishSources", "canUpdateOwnMetadata", "ingressAdmin", "hidden", "recorder",
            "agent", "canSubscribeMetrics", "canManageAgentSession", "destinationRoom",
        ])
        #expect(try JSONDecoder().decode(VideoGrant.self, from: data) == full)
        #expect(try JSONEncoder().encode(VideoGrant()) == Data("{}".utf8))
    }

    /// Claims keep `roomConfig` as raw JSON and round-trip it.
    @Test func claimsRoomConfigRoundTrip() throws {
        let json = #"{"exp":5,"kind":"agent","roomConfig":{"name":"r","emptyTimeout":30,"agents":[{"agentName":"a"}],"x":null,"ok":true},"roomPreset":"p","sha256":"abc"}"#
        let claims = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(json.utf8))
        #expect(claims.kind == "agent")
        #expect(claims.roomPreset == "p")
        #expect(claims.sha256 == "abc")
        #expect(claims.roomConfig == .object([
            "name": .string("r"), "emptyTimeout": .number(30), "agents": .array([.object(["agentName": .string("a")])]),
            "x": .null, "ok": .bool(true),
        ]))
        let again = try JSONDecoder().decode(AccessTokenClaims.self, from: JSONEncoder().encode(claims))
        #expect(again == claims)
    }
}
