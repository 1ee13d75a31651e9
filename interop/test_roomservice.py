"""Twirp RoomService driven by the real `livekit.api.LiveKitAPI` (protobuf) and by plain JSON POSTs.

Reference: livekit-signaling §5 (Twirp, grants, errors), §3.6 (mute/update broadcasts), §3.8 (removal).
"""

from __future__ import annotations

import json

import pytest
from livekit import api
from livekit.protocol import models, rtc
from livekit.protocol.room import (
    CreateRoomRequest,
    DeleteRoomRequest,
    ListParticipantsRequest,
    ListRoomsRequest,
    MuteRoomTrackRequest,
    RoomParticipantIdentity,
    SendDataRequest,
    UpdateParticipantRequest,
    UpdateRoomMetadataRequest,
    UpdateSubscriptionsRequest,
)

from rawclient import OfferTrack, SignalClient, make_offer
from sfusim_harness import is_sid, unique

State = models.ParticipantInfo.State


async def publish_video(client: SignalClient, cid: str) -> models.TrackInfo:
    await client.add_track(cid, "video")
    published = await client.recv("track_published", where=lambda m: m.track_published.cid == cid)
    await client.offer(make_offer([OfferTrack("video", cid)]), 1)
    await client.recv("answer")
    return published.track_published.track


async def test_create_list_delete_room(sfu):
    name = unique()
    async with sfu.api() as lk:
        room = await lk.room.create_room(CreateRoomRequest(name=name, empty_timeout=120, max_participants=7, metadata="hello"))
        assert room.name == name
        assert is_sid(room.sid, "RM_"), room.sid
        assert room.empty_timeout == 120
        assert room.max_participants == 7
        assert room.metadata == "hello"
        assert room.creation_time > 0

        listed = await lk.room.list_rooms(ListRoomsRequest())
        assert name in [r.name for r in listed.rooms]
        only = await lk.room.list_rooms(ListRoomsRequest(names=[name, unique("absent")]))
        assert [r.name for r in only.rooms] == [name]
        assert only.rooms[0].sid == room.sid

        # CreateRoom on an existing room keeps its identity (§5 behaviour notes)
        again = await lk.room.create_room(CreateRoomRequest(name=name))
        assert again.sid == room.sid

        await lk.room.delete_room(DeleteRoomRequest(room=name))
        after = await lk.room.list_rooms(ListRoomsRequest())
        assert name not in [r.name for r in after.rooms]
    sfu.wait_event(kind="room.created", room=name)
    sfu.wait_event(kind="room.closed", room=name)


async def test_livekits_size_limits_refuse_huge_names_and_metadata_and_list_rooms_stays_small(sfu):
    """A 1,000,000-character room name and 1 MB of metadata are refused with LiveKit's texts (they once made
    ListRooms return 62 MB); an update over the limits too."""
    async with sfu.api() as lk:
        with pytest.raises(api.TwirpError) as err:
            await lk.room.create_room(CreateRoomRequest(name="x" * 1_000_000))
        assert (err.value.code, err.value.message) == ("invalid_argument", "room name length exceeds limits: max length 256")
        name = unique()
        with pytest.raises(api.TwirpError) as err:
            await lk.room.create_room(CreateRoomRequest(name=name, metadata="m" * 1_000_000))
        assert (err.value.code, err.value.message) == ("invalid_argument", "metadata size exceeds limits 524288")
        await lk.room.create_room(CreateRoomRequest(name=name, metadata="m" * 524_288))  # exactly the limit
        with pytest.raises(api.TwirpError) as err:
            await lk.room.update_room_metadata(UpdateRoomMetadataRequest(room=name, metadata="m" * 524_289))
        assert err.value.message == "metadata size exceeds limits 524288"
        with pytest.raises(api.TwirpError) as err:
            await lk.room.update_participant(UpdateParticipantRequest(room=name, identity="nobody", attributes={"k": "v" * 65_536}))
        assert err.value.message == "attribute size exceeds limits 65536"
        listed = await lk.room.list_rooms(ListRoomsRequest())
        assert all(len(r.name) <= 256 and len(r.metadata) <= 524_288 for r in listed.rooms)


async def test_delete_room_disconnects_participants(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
        async with sfu.api() as lk:
            await lk.room.delete_room(DeleteRoomRequest(room=name))
        leave = await alice.recv("leave")
        assert leave.leave.reason == models.DisconnectReason.ROOM_DELETED
        await alice.expect_close()


async def test_participants_list_get_remove(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", name)) as bob:
        alice = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name, name="Alice", metadata="m"))
        async with sfu.api() as lk:
            listed = await lk.room.list_participants(ListParticipantsRequest(room=name))
            by_identity = {p.identity: p for p in listed.participants}
            assert set(by_identity) == {"alice", "bob"}
            assert by_identity["alice"].sid == alice.sid
            assert by_identity["bob"].sid == bob.sid

            info = await lk.room.get_participant(RoomParticipantIdentity(room=name, identity="alice"))
            assert info.sid == alice.sid
            assert info.name == "Alice"
            assert info.metadata == "m"
            assert info.permission.can_publish

            await lk.room.remove_participant(RoomParticipantIdentity(room=name, identity="alice"))
            leave = await alice.recv("leave")
            assert leave.leave.reason == models.DisconnectReason.PARTICIPANT_REMOVED
            assert leave.leave.action == rtc.LeaveRequest.Action.DISCONNECT
            await alice.expect_close()
            gone = await bob.recv_update(lambda p: p.sid == alice.sid and p.state == State.DISCONNECTED)
            assert gone.disconnect_reason == models.DisconnectReason.PARTICIPANT_REMOVED

            with pytest.raises(api.TwirpError) as err:
                await lk.room.get_participant(RoomParticipantIdentity(room=name, identity="alice"))
            assert err.value.code == "not_found" and err.value.status == 404

            listed = await lk.room.list_participants(ListParticipantsRequest(room=name))
            assert [p.identity for p in listed.participants] == ["bob"]


async def test_get_participant_in_unknown_room_is_not_found(sfu):
    async with sfu.api() as lk:
        with pytest.raises(api.TwirpError) as err:
            await lk.room.get_participant(RoomParticipantIdentity(room=unique("absent"), identity="x"))
        assert err.value.code == "not_found"
        assert err.value.status == 404


async def test_mute_published_track(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", name)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
            track = await publish_video(alice, unique("cam"))
            async with sfu.api() as lk:
                resp = await lk.room.mute_published_track(
                    MuteRoomTrackRequest(room=name, identity="alice", track_sid=track.sid, muted=True)
                )
                assert resp.track.sid == track.sid
                assert resp.track.muted is True
            mute = await alice.recv("mute")
            assert mute.mute.sid == track.sid and mute.mute.muted is True
            await bob.recv_update(lambda p: p.sid == alice.sid and any(t.sid == track.sid and t.muted for t in p.tracks))


async def test_update_participant(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", name)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
            async with sfu.api() as lk:
                info = await lk.room.update_participant(
                    UpdateParticipantRequest(
                        room=name, identity="alice", metadata="new-meta", name="New Name", attributes={"role": "host"}
                    )
                )
                assert info.sid == alice.sid
                assert info.metadata == "new-meta" and info.name == "New Name"
                assert dict(info.attributes) == {"role": "host"}

            def updated(p: models.ParticipantInfo) -> bool:
                return p.sid == alice.sid and p.metadata == "new-meta"

            seen = await bob.recv_update(updated)
            assert seen.name == "New Name"
            assert dict(seen.attributes) == {"role": "host"}
            self_seen = await alice.recv_update(updated)
            assert dict(self_seen.attributes) == {"role": "host"}


async def test_update_participant_permission(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
        async with sfu.api() as lk:
            perm = models.ParticipantPermission(can_subscribe=True, can_publish=False, can_publish_data=False)
            info = await lk.room.update_participant(UpdateParticipantRequest(room=name, identity="alice", permission=perm))
            assert info.permission.can_publish is False
        seen = await alice.recv_update(lambda p: p.sid == alice.sid and not p.permission.can_publish)
        assert seen.permission.can_subscribe is True


async def test_update_subscriptions(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("bob", name)) as bob:
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
            track = await publish_video(alice, unique("cam"))
            await bob.recv_update(lambda p: p.sid == alice.sid and any(t.sid == track.sid for t in p.tracks))
            async with sfu.api() as lk:
                resp = await lk.room.update_subscriptions(
                    UpdateSubscriptionsRequest(room=name, identity="bob", track_sids=[track.sid], subscribe=False)
                )
                assert resp is not None
                resp = await lk.room.update_subscriptions(
                    UpdateSubscriptionsRequest(
                        room=name,
                        identity="bob",
                        participant_tracks=[models.ParticipantTracks(participant_sid=alice.sid, track_sids=[track.sid])],
                        subscribe=True,
                    )
                )
                assert resp is not None
                with pytest.raises(api.TwirpError) as err:
                    await lk.room.update_subscriptions(
                        UpdateSubscriptionsRequest(room=name, identity="nobody", track_sids=[track.sid], subscribe=True)
                    )
                assert err.value.code == "not_found"
            assert await bob.alive() and await alice.alive()


async def test_update_room_metadata(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
        async with sfu.api() as lk:
            room = await lk.room.update_room_metadata(UpdateRoomMetadataRequest(room=name, metadata="room-meta"))
            assert room.name == name and room.metadata == "room-meta"
        upd = await alice.recv("room_update", where=lambda m: m.room_update.room.metadata == "room-meta")
        assert upd.room_update.room.name == name


async def test_send_data_is_accepted(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)) as alice:
        async with sfu.api() as lk:
            resp = await lk.room.send_data(
                SendDataRequest(room=name, data=b"hello", kind=models.DataPacket.Kind.RELIABLE, topic="t")
            )
            assert resp is not None
        assert await alice.alive()


async def test_missing_grants_are_unauthenticated(sfu):
    name = unique()
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name)):
        # a join token has none of roomAdmin / roomList / roomCreate
        join_token = sfu.token("someone", name)
        async with api.LiveKitAPI(sfu.http_url, token=join_token, failover=False) as lk:
            for call in (
                lambda: lk.room.list_participants(ListParticipantsRequest(room=name)),
                lambda: lk.room.list_rooms(ListRoomsRequest()),
                lambda: lk.room.create_room(CreateRoomRequest(name=unique())),
                lambda: lk.room.remove_participant(RoomParticipantIdentity(room=name, identity="alice")),
            ):
                with pytest.raises(api.TwirpError) as err:
                    await call()
                assert err.value.code == "unauthenticated", err.value
                assert err.value.status == 401
        # roomAdmin for another room does not cover this one
        other = sfu.admin_token(room=unique("other"))
        async with api.LiveKitAPI(sfu.http_url, token=other, failover=False) as lk:
            with pytest.raises(api.TwirpError) as err:
                await lk.room.list_participants(ListParticipantsRequest(room=name))
            assert err.value.code == "unauthenticated"


# --- plain HTTP / JSON ----------------------------------------------------------------------------------

ROOM_SERVICE = "/twirp/livekit.RoomService/"


def test_json_create_and_list_rooms(sfu):
    name = unique()
    headers = {"Authorization": f"Bearer {sfu.admin_token()}", "Content-Type": "application/json"}
    r = sfu.http("POST", ROOM_SERVICE + "CreateRoom", body=json.dumps({"name": name, "metadata": "j"}), headers=headers)
    assert r.status == 200, r.text
    assert (r.header("Content-Type") or "").startswith("application/json")
    room = r.json()
    assert room["name"] == name and room["metadata"] == "j"
    assert is_sid(room["sid"], "RM_")
    # protojson with proto field names and 64-bit ints as strings (§5). LiveKit also prints zero-valued fields;
    # SwiftProtobuf cannot (docs/protocols.md), so an absent field must mean zero.
    assert room["empty_timeout"] == 300 and room["departure_timeout"] == 20
    for field in ("max_participants", "num_participants", "num_publishers"):
        assert room.get(field, 0) == 0, (field, room)
    assert room.get("active_recording", False) is False
    assert isinstance(room["creation_time"], str) and int(room["creation_time"]) > 0

    r = sfu.http("POST", ROOM_SERVICE + "ListRooms", body="{}", headers=headers)
    assert r.status == 200, r.text
    assert name in [x["name"] for x in r.json()["rooms"]]
    # unknown request fields are ignored
    r = sfu.http("POST", ROOM_SERVICE + "ListRooms", body='{"names": [], "no_such_field": 1}', headers=headers)
    assert r.status == 200, r.text


def test_json_errors_are_twirp_json(sfu):
    headers = {"Authorization": f"Bearer {sfu.admin_token()}", "Content-Type": "application/json"}

    def twirp_error(r, status: int, code: str) -> None:
        assert r.status == status, (r.status, r.text)
        body = r.json()
        assert body["code"] == code, body
        assert isinstance(body.get("msg"), str)

    twirp_error(sfu.http("POST", ROOM_SERVICE + "ListRooms", body="{not json", headers=headers), 400, "malformed")
    twirp_error(sfu.http("POST", ROOM_SERVICE + "NoSuchMethod", body="{}", headers=headers), 404, "bad_route")
    twirp_error(
        sfu.http("POST", ROOM_SERVICE + "ListRooms", body="{}", headers={**headers, "Content-Type": "text/plain"}),
        404,
        "bad_route",
    )
    twirp_error(
        sfu.http("POST", ROOM_SERVICE + "ListRooms", body="{}", headers={"Content-Type": "application/json"}),
        401,
        "unauthenticated",
    )
    absent = unique("absent")
    twirp_error(
        sfu.http(
            "POST",
            ROOM_SERVICE + "GetParticipant",
            body=json.dumps({"room": absent, "identity": "x"}),
            headers={**headers, "Authorization": f"Bearer {sfu.admin_token(room=absent)}"},
        ),
        404,
        "not_found",
    )
    # roomAdmin without the request's room is not enough (§5: roomAdmin + room == request room)
    twirp_error(
        sfu.http("POST", ROOM_SERVICE + "GetParticipant", body=json.dumps({"room": absent, "identity": "x"}), headers=headers),
        401,
        "unauthenticated",
    )
    # malformed protobuf body
    twirp_error(
        sfu.http(
            "POST",
            ROOM_SERVICE + "ListRooms",
            body=b"\x0a\xff\xff\xff\xff\x0f",
            headers={**headers, "Content-Type": "application/protobuf"},
        ),
        400,
        "malformed",
    )
    # a bad token is refused (plain text from the auth layer in the Go server: only the status is fixed)
    r = sfu.http("POST", ROOM_SERVICE + "ListRooms", body="{}", headers={**headers, "Authorization": "Bearer not.a.jwt"})
    assert r.status == 401
