"""LiveKit signalling, checked frame by frame with a raw client and the LiveKit client's own protobufs.

Reference: livekit-signaling §1 (endpoints), §3.1–3.3 (join flows), §3.6 (mute, metadata), §3.8 (leave,
duplicate identity), §3.9 (resume), §2.3 SimulateScenario, §8 (hard requirements).
"""

from __future__ import annotations

import time

import pytest
from livekit.protocol import models, rtc

from rawclient import OfferTrack, SignalClient, make_offer, resume
from sfusim_harness import is_sid, semver, unique

State = models.ParticipantInfo.State
Reason = models.DisconnectReason
Action = rtc.LeaveRequest.Action


def m_lines(sdp: str) -> list[str]:
    return [line for line in sdp.splitlines() if line.startswith("m=")]


def mids(sdp: str) -> list[str]:
    return [line[len("a=mid:") :].strip() for line in sdp.splitlines() if line.startswith("a=mid:")]


async def publish_video(client: SignalClient, cid: str, *, offer_first: bool = False, offer_id: int = 1) -> models.TrackInfo:
    """AddTrack + a sendonly offer whose msid track id is `cid`; returns the published TrackInfo."""
    sdp = make_offer([OfferTrack("video", cid)])
    if offer_first:
        await client.offer(sdp, offer_id)
        await client.add_track(cid, "video")
    else:
        await client.add_track(cid, "video")
        await client.offer(sdp, offer_id)
    published = await client.recv("track_published", where=lambda m: m.track_published.cid == cid)
    answer = await client.recv("answer")
    assert answer.answer.type == "answer"
    assert answer.answer.id == offer_id
    return published.track_published.track


# --- JoinResponse ---------------------------------------------------------------------------------------


async def test_v1_join_response(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room, name="Alice")) as alice:
        j = alice.join
        assert j.room.name == room
        assert j.room.sid == "" or is_sid(j.room.sid, "RM_"), j.room.sid
        assert is_sid(j.participant.sid, "PA_"), j.participant.sid
        assert j.participant.identity == "alice"
        assert j.participant.name == "Alice"
        assert j.participant.HasField("permission"), "JS and Swift refuse to publish without permission (§8.4)"
        perm = j.participant.permission
        assert perm.can_publish and perm.can_subscribe and perm.can_publish_data
        version = j.server_info.version or j.server_version
        assert semver(version) >= (1, 8, 0), version
        assert j.ping_interval > 0 and j.ping_timeout > 0, (j.ping_interval, j.ping_timeout)
        assert j.ping_timeout > j.ping_interval
        assert j.subscriber_primary is False, "single-PC (v1) is never subscriber-primary"
        assert list(j.other_participants) == []

        async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
            others = {p.identity: p for p in bob.join.other_participants}
            assert set(others) == {"alice"}
            assert others["alice"].sid == alice.sid
            assert bob.sid != alice.sid
            assert bob.join.room.name == room
            # alice learns about bob through an update
            info = await alice.recv_update(lambda p: p.identity == "bob")
            assert info.sid == bob.sid


async def test_v0_join_response_is_subscriber_primary(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room), v1=False) as alice:
        j = alice.join
        assert j.room.name == room
        assert is_sid(j.participant.sid, "PA_")
        assert j.subscriber_primary is True, "v0 with canSubscribe and protocol > 2 is subscriber-primary"
        assert j.ping_interval > 0 and j.ping_timeout > 0
        assert semver(j.server_info.version or j.server_version) >= (1, 8, 0)
    ev = sfu.wait_event(kind="connection.open", match=lambda e: (e.get("detail") or {}).get("path") == "/rtc")
    assert (ev.get("detail") or {}).get("mode") == "dual", ev


async def test_v0_dual_pc_gets_subscriber_offer(sfu):
    """Dual-PC: the server offers on the subscriber PC right after the join (§3.2); v0 clients wait for it."""
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room), v1=False) as alice:
        offer = await alice.recv("offer")
        assert offer.offer.type == "offer"
        assert offer.offer.id > 0, "server offer ids start at 1..256 and increment"
        # LiveKit's first subscriber offer: the data-channel section for the server's own channels.
        assert m_lines(offer.offer.sdp) == ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel"], offer.offer.sdp
        assert "a=sctp-port:5000" in offer.offer.sdp and "a=setup:actpass" in offer.offer.sdp
        assert alice.kinds()[0] == "join"


async def test_v0_subscriber_false_is_not_subscriber_primary(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room, can_subscribe=False), v1=False) as alice:
        assert alice.join.subscriber_primary is False
        assert alice.join.participant.permission.can_subscribe is False


@pytest.mark.parametrize("v1", [True, False], ids=["v1", "v0"])
async def test_token_in_access_token_query(sfu, v1):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room), v1=v1, token_in="query") as alice:
        assert alice.join.participant.identity == "alice"
        assert alice.join.room.name == room


async def test_connection_open_event_v1(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        ev = sfu.wait_event(kind="connection.open", match=lambda e: (e.get("detail") or {}).get("path") == "/rtc/v1")
        assert (ev.get("detail") or {}).get("mode") == "single", ev
        out = sfu.wait_event(kind="signal.out.join")
        assert out.get("participant") in (None, alice.sid)


# --- offers, answers and tracks -------------------------------------------------------------------------


async def test_answer_echoes_offer_id(sfu):
    room = unique()
    offer = make_offer(recvonly_audio=1, recvonly_video=1)
    async with await SignalClient.connect(
        sfu.livekit_url, sfu.token("alice", room), publisher_offer=offer, offer_id=7
    ) as alice:
        ans = await alice.recv("answer")
        assert ans.answer.type == "answer"
        assert ans.answer.id == 7
        assert len(m_lines(ans.answer.sdp)) == len(m_lines(offer))
        assert mids(ans.answer.sdp) == mids(offer)
        assert "a=setup:active" in ans.answer.sdp or "a=setup:passive" in ans.answer.sdp

        # a renegotiation: the next offer id is echoed as well
        second = make_offer(recvonly_audio=2, recvonly_video=1)
        await alice.offer(second, 8)
        ans2 = await alice.recv("answer")
        assert ans2.answer.id == 8
        assert len(m_lines(ans2.answer.sdp)) == len(m_lines(second))
        # single-PC: the server must never offer (§3.3, §8.10)
        assert "offer" not in alice.kinds()


@pytest.mark.parametrize("offer_first", [False, True], ids=["add_track-then-offer", "offer-then-add_track"])
async def test_add_track_published_with_same_cid(sfu, offer_first):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
            cid = unique("cam")
            track = await publish_video(alice, cid, offer_first=offer_first)
            assert is_sid(track.sid, "TR_"), track.sid
            assert track.type == models.TrackType.VIDEO
            assert track.source == models.TrackSource.CAMERA
            assert not track.muted
            # the observer learns the publisher's track through an update (§3.4 step 5)
            info = await bob.recv_update(lambda p: p.identity == "alice" and any(t.sid == track.sid for t in p.tracks))
            assert info.sid == alice.sid
            published = [t for t in info.tracks if t.sid == track.sid][0]
            assert published.type == models.TrackType.VIDEO
            # the admin view agrees: same sid, the client's cid, a video track
            state_tracks = {
                t["sid"]: t
                for r in sfu.state()["rooms"]
                if r["name"] == room
                for p in r["participants"]
                if p["identity"] == "alice"
                for t in p.get("tracks", [])
            }
            assert track.sid in state_tracks, state_tracks
            assert state_tracks[track.sid].get("cid") == cid
            assert str(state_tracks[track.sid].get("kind", "")).lower() == "video"


async def test_add_track_in_join_request(sfu):
    room = unique()
    cid = unique("mic")
    add = rtc.AddTrackRequest(cid=cid, name="mic", type=models.TrackType.AUDIO, source=models.TrackSource.MICROPHONE)
    offer = make_offer([OfferTrack("audio", cid)])
    async with await SignalClient.connect(
        sfu.livekit_url, sfu.token("alice", room), add_tracks=[add], publisher_offer=offer, offer_id=3
    ) as alice:
        published = await alice.recv("track_published")
        assert published.track_published.cid == cid
        assert is_sid(published.track_published.track.sid, "TR_")
        assert published.track_published.track.type == models.TrackType.AUDIO
        ans = await alice.recv("answer")
        assert ans.answer.id == 3
        # §3.1 step 7: AddTracks are processed before the offer
        kinds = alice.kinds()
        assert kinds.index("track_published") < kinds.index("answer"), kinds


async def test_mute_is_broadcast(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
            track = await publish_video(alice, unique("cam"))
            await bob.recv_update(lambda p: p.identity == "alice" and any(t.sid == track.sid for t in p.tracks))

            await alice.mute(track.sid, True)

            def muted(p: models.ParticipantInfo) -> bool:
                return p.sid == alice.sid and any(t.sid == track.sid and t.muted for t in p.tracks)

            await bob.recv_update(muted)
            await alice.recv_update(muted)  # the publisher gets the broadcast too (§3.6)
            sfu.wait_event(kind="track.muted")

            await alice.mute(track.sid, False)
            await bob.recv_update(lambda p: p.sid == alice.sid and any(t.sid == track.sid and not t.muted for t in p.tracks))


async def test_mute_unknown_track_is_not_found(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        await alice.mute("TR_VCdoesnotexist1", True)
        rr = await alice.recv("request_response")
        assert rr.request_response.reason == rtc.RequestResponse.Reason.NOT_FOUND
        assert await alice.alive()


# --- keepalive ------------------------------------------------------------------------------------------


async def test_ping_and_ping_req(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        sent = await alice.ping()
        pong = await alice.recv("pong")
        now = int(time.time() * 1000)
        assert abs(pong.pong - now) < 60_000, (pong.pong, now)
        assert pong.pong >= sent - 5_000

        await alice.ping_req(123456789, rtt=17)
        resp = await alice.recv("pong_resp")
        assert resp.pong_resp.last_ping_timestamp == 123456789
        assert abs(resp.pong_resp.timestamp - int(time.time() * 1000)) < 60_000
    sfu.wait_event(kind="signal.in.ping_req")
    sfu.wait_event(kind="signal.out.pong_resp")


# --- metadata -------------------------------------------------------------------------------------------


async def test_update_metadata_without_grant_is_refused(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room, metadata="m0")) as alice:
            await alice.update_metadata(metadata="hacked", request_id=5)
            rr = await alice.recv("request_response")
            assert rr.request_response.request_id == 5
            assert rr.request_response.reason == rtc.RequestResponse.Reason.NOT_ALLOWED
            # a round trip on bob's socket, then check nothing claimed the new metadata
            assert await bob.alive()
            changed = [p for m in bob.log if m.WhichOneof("message") == "update" for p in m.update.participants if p.metadata == "hacked"]
            assert changed == []
            async with sfu.api() as lk:
                from livekit.protocol.room import RoomParticipantIdentity

                info = await lk.room.get_participant(RoomParticipantIdentity(room=room, identity="alice"))
                assert info.metadata == "m0"


async def test_update_metadata_with_grant_is_broadcast(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        token = sfu.token("alice", room, can_update_own_metadata=True)
        async with await SignalClient.connect(sfu.livekit_url, token) as alice:
            await alice.update_metadata(metadata="m1", name="Alice A", attributes={"k": "v"}, request_id=6)

            def changed(p: models.ParticipantInfo) -> bool:
                return p.sid == alice.sid and p.metadata == "m1"

            seen_by_bob = await bob.recv_update(changed)
            assert seen_by_bob.name == "Alice A"
            assert dict(seen_by_bob.attributes) == {"k": "v"}
            seen_by_self = await alice.recv_update(changed)
            assert seen_by_self.name == "Alice A"
            rr = await alice.recv("request_response", where=lambda m: m.request_response.request_id == 6)
            assert rr.request_response.reason == rtc.RequestResponse.Reason.OK

            # an empty attribute value deletes the key; empty metadata means "unchanged" (Go UpdateMetadata)
            await alice.update_metadata(attributes={"k": ""}, request_id=7)
            gone = await bob.recv_update(lambda p: p.sid == alice.sid and p.version > seen_by_bob.version and "k" not in p.attributes)
            assert gone.metadata == "m1"


# --- leave, duplicate identity --------------------------------------------------------------------------


async def test_client_leave_gets_leave_and_close(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        alice = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room))
        await bob.recv_update(lambda p: p.sid == alice.sid)
        await alice.leave()
        leave = await alice.recv("leave")
        assert leave.leave.action == Action.DISCONNECT
        assert leave.leave.reason == Reason.CLIENT_INITIATED
        await alice.expect_close()
        gone = await bob.recv_update(lambda p: p.sid == alice.sid and p.state == State.DISCONNECTED)
        assert gone.disconnect_reason == Reason.CLIENT_INITIATED
    sfu.wait_event(kind="participant.disconnected", identity="alice")
    sfu.wait_event(kind="connection.close")


async def test_duplicate_identity_kicks_old_session(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("observer", room)) as obs:
        old = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room))
        await obs.recv_update(lambda p: p.sid == old.sid)
        new = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room))
        assert is_sid(new.sid, "PA_") and new.sid != old.sid

        leave = await old.recv("leave")
        assert leave.leave.reason == Reason.DUPLICATE_IDENTITY
        assert leave.leave.action == Action.DISCONNECT
        await old.expect_close()

        # the observer must see DISCONNECTED(old sid) strictly before anything about the new sid (§3.8)
        await obs.recv_update(lambda p: p.sid == new.sid)
        positions = {}
        for i, m in enumerate(obs.log):
            if m.WhichOneof("message") != "update":
                continue
            for j, p in enumerate(m.update.participants):
                if p.sid == old.sid and p.state == State.DISCONNECTED:
                    positions.setdefault("old_disconnected", (i, j))
                if p.sid == new.sid:
                    positions.setdefault("new_info", (i, j))
        assert "old_disconnected" in positions, f"observer never got DISCONNECTED for {old.sid}: {obs.kinds()}"
        assert positions["old_disconnected"] < positions["new_info"], positions
        others = [p.sid for p in new.join.other_participants]
        assert old.sid not in others
        await new.close()


# --- resume ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("v1", [True, False], ids=["v1", "v0"])
async def test_resume_gets_reconnect_then_updates(sfu, v1):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        token = sfu.token("alice", room)
        first = await SignalClient.connect(sfu.livekit_url, token, v1=v1)
        await bob.recv_update(lambda p: p.sid == first.sid)

        again = await resume(sfu.livekit_url, token, first.sid, v1=v1)
        assert again.first.WhichOneof("message") == "reconnect"
        info = await again.recv_update(lambda p: p.sid == first.sid)
        assert info.identity == "alice"
        await again.recv("room_update")
        kinds = again.kinds()
        assert kinds[0] == "reconnect"
        assert kinds.index("update") < kinds.index("room_update"), kinds
        assert "join" not in kinds
        assert await again.alive()
        await again.close()
        await first.close()


@pytest.mark.parametrize("v1", [True, False], ids=["v1", "v0"])
async def test_resume_unknown_participant_gets_state_mismatch(sfu, v1):
    room = unique()
    client = await resume(sfu.livekit_url, sfu.token("ghost", room), "PA_zzzzzzzzzzzz", v1=v1, expect_first="leave")
    leave = client.first.leave
    assert leave.reason == Reason.STATE_MISMATCH
    assert leave.action == Action.RECONNECT
    await client.expect_close()


# --- SimulateScenario -----------------------------------------------------------------------------------


async def test_simulate_speaker_update(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        await alice.simulate(speaker_update=1)
        on = await alice.recv("speakers_changed")
        speakers = {s.sid: s for s in on.speakers_changed.speakers}
        assert alice.sid in speakers
        assert speakers[alice.sid].active and speakers[alice.sid].level > 0
        off = await alice.recv("speakers_changed", timeout=6)
        after = {s.sid: s for s in off.speakers_changed.speakers}
        assert alice.sid in after and not after[alice.sid].active


@pytest.mark.parametrize("scenario", ["node_failure", "migration"])
async def test_simulate_close_without_leave(sfu, scenario):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", room)) as bob:
        token = sfu.token("alice", room)
        alice = await SignalClient.connect(sfu.livekit_url, token)
        await bob.recv_update(lambda p: p.sid == alice.sid)
        await alice.simulate(**{scenario: True})
        await alice.expect_close()
        assert "leave" not in alice.kinds(), alice.kinds()
        await bob.recv_update(lambda p: p.sid == alice.sid and p.state == State.DISCONNECTED)
        # the participant is gone: a resume is refused and asks for a full reconnect
        again = await resume(sfu.livekit_url, token, alice.sid, expect_first="leave")
        assert again.first.leave.reason == Reason.STATE_MISMATCH
        assert again.first.leave.action == Action.RECONNECT


async def test_simulate_server_leave(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        await alice.simulate(server_leave=True)
        leave = await alice.recv("leave")
        assert leave.leave.reason == Reason.SERVER_SHUTDOWN
        assert leave.leave.action == Action.DISCONNECT
        await alice.expect_close()


async def test_simulate_leave_request_full_reconnect(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        await alice.simulate(leave_request_full_reconnect=True)
        leave = await alice.recv("leave")
        assert leave.leave.action == Action.RECONNECT


async def test_simulate_disconnect_signal_on_resume(sfu):
    room = unique()
    token = sfu.token("alice", room)
    async with await SignalClient.connect(sfu.livekit_url, token) as alice:
        await alice.simulate(disconnect_signal_on_resume=True)
        assert await alice.alive()  # the simulate request has been handled
        again = await resume(sfu.livekit_url, token, alice.sid)
        await again.recv("room_update")
        await again.expect_close()
        kinds = again.kinds()
        assert kinds[0] == "reconnect" and "update" in kinds, kinds


async def test_simulate_disconnect_signal_on_resume_no_messages(sfu):
    room = unique()
    token = sfu.token("alice", room)
    async with await SignalClient.connect(sfu.livekit_url, token) as alice:
        await alice.simulate(disconnect_signal_on_resume_no_messages=True)
        assert await alice.alive()
        try:
            again = await resume(sfu.livekit_url, token, alice.sid, expect_first=None)
        except Exception as e:  # refusing the upgrade also sends nothing
            from rawclient import HandshakeRejected

            assert isinstance(e, HandshakeRejected), e
            return
        await again.expect_close()
        assert again.kinds() == [], f"expected no message before the close, got {again.kinds()}"


async def test_simulate_subscriber_bandwidth_keeps_session(sfu):
    room = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room)) as alice:
        await alice.simulate(subscriber_bandwidth=100_000)
        assert await alice.alive()
        await alice.simulate(subscriber_bandwidth=0)
        assert await alice.alive()
        assert "leave" not in alice.kinds()
