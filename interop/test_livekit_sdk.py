"""The real LiveKit Python SDK (`livekit` 1.2.x: Rust core + libwebrtc) against sfusim.

`Room.connect()` completes only when the client's peer connection is up (ICE + DTLS), and WebRTC ignores
loopback: these tests bind the server to the namespace address of scripts/with-netns (`media_ip`).
Reference: toolchain notes "The real LiveKit Python client", livekit-signaling §1.5, §3.3, §3.8, §8.
"""

from __future__ import annotations

import asyncio
import datetime

import pytest
from livekit import api, rtc
from livekit.protocol.room import RoomParticipantIdentity

from sfusim_harness import is_sid, unique

pytestmark = pytest.mark.media

CONNECT_DEADLINE = 20.0


async def connect(sfu, identity: str, room: str, **token_kwargs) -> rtc.Room:
    r = rtc.Room()
    await asyncio.wait_for(
        r.connect(sfu.livekit_url, sfu.token(identity, room, **token_kwargs), rtc.RoomOptions(connect_timeout=5)),
        CONNECT_DEADLINE,
    )
    return r


async def disconnect_all(*rooms: rtc.Room) -> None:
    for r in rooms:
        if r.isconnected():
            await asyncio.wait_for(r.disconnect(), 10)


def future_event(room: rtc.Room, name: str, predicate=lambda *args: True) -> asyncio.Future:
    """A future resolved with the arguments of the first `name` event for which `predicate` holds."""
    fut: asyncio.Future = asyncio.get_running_loop().create_future()

    def handler(*args):
        if not fut.done() and predicate(*args):
            fut.set_result(args)

    room.on(name, handler)
    return fut


async def test_connect_over_v1(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    room = await connect(sfu, "alice", room_name)
    try:
        assert room.isconnected()
        assert room.name == room_name
        sid = room.local_participant.sid
        assert is_sid(sid, "PA_"), sid
        assert room.local_participant.identity == "alice"

        opened = sfu.wait_event(kind="connection.open", match=lambda e: (e.get("detail") or {}).get("path") == "/rtc/v1")
        assert (opened.get("detail") or {}).get("mode") == "single", opened
        join = sfu.wait_event(kind="signal.out.join", participant=sid)
        answer = sfu.wait_event(kind="signal.out.answer", participant=sid)
        assert answer["seq"] > join["seq"]
        # the SDK sends ping_req right after the JoinResponse and then every ping_interval (§3.12)
        ping = sfu.wait_event(kind="signal.in.ping_req", participant=sid, since=join["seq"])
        assert ping["seq"] > join["seq"]
        later = sfu.wait_event(kind="signal.in.ping_req", participant=sid, since=answer["seq"], timeout=20)
        assert later["seq"] > answer["seq"]
        sfu.wait_event(kind="participant.active", participant=sid)
    finally:
        await disconnect_all(room)
    sfu.wait_event(kind="participant.disconnected", identity="alice")


async def test_second_participant_sees_first(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    alice = await connect(sfu, "alice", room_name)
    try:
        joined = future_event(alice, "participant_connected", lambda p: p.identity == "bob")
        bob = await connect(sfu, "bob", room_name)
        try:
            assert "alice" in bob.remote_participants
            assert bob.remote_participants["alice"].sid == alice.local_participant.sid
            (participant,) = await asyncio.wait_for(joined, 10)
            assert participant.sid == bob.local_participant.sid
            assert "bob" in alice.remote_participants

            left = future_event(alice, "participant_disconnected", lambda p: p.identity == "bob")
            await asyncio.wait_for(bob.disconnect(), 10)
            await asyncio.wait_for(left, 10)
            assert "bob" not in alice.remote_participants
        finally:
            await disconnect_all(bob)
    finally:
        await disconnect_all(alice)


async def test_falls_back_to_v0_when_v1_is_disabled(server, media_ip):
    sfu = server("--disable-rtc-v1", bind=media_ip)
    room = await connect(sfu, "alice", unique())
    try:
        assert room.isconnected()
        assert is_sid(room.local_participant.sid, "PA_")
        opened = sfu.wait_event(kind="connection.open", match=lambda e: (e.get("detail") or {}).get("path") == "/rtc")
        assert (opened.get("detail") or {}).get("mode") == "dual", opened
        v1_opened = [e for e in sfu.events() if e["kind"] == "connection.open" and (e.get("detail") or {}).get("path") == "/rtc/v1"]
        assert v1_opened == []
    finally:
        await disconnect_all(room)


@pytest.mark.parametrize("case", ["wrong-secret", "unknown-key", "expired", "no-room-join"])
async def test_bad_token_makes_connect_raise(server, media_ip, case):
    sfu = server(bind=media_ip)
    room_name = unique()
    kwargs = {
        "wrong-secret": {"api_secret": "not-the-secret"},
        "unknown-key": {"api_key": "nosuchkey"},
        "expired": {"ttl": datetime.timedelta(seconds=-300)},
        "no-room-join": {"room_join": False},
    }[case]
    room = rtc.Room()
    with pytest.raises(rtc.ConnectError):
        await asyncio.wait_for(
            room.connect(sfu.livekit_url, sfu.token("alice", room_name, **kwargs), rtc.RoomOptions(connect_timeout=3)),
            60,
        )
    assert not room.isconnected()
    rooms = {r["name"]: r for r in sfu.state()["rooms"]}
    assert not rooms.get(room_name, {}).get("participants"), "a refused client must not be in the room"
    sfu.wait_event(kind="http.rejected", match=lambda e: (e.get("detail") or {}).get("status") == 401)


async def test_remove_participant_disconnects_sdk(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    room = await connect(sfu, "alice", room_name)
    try:
        disconnected = future_event(room, "disconnected")
        async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret, failover=False) as lk:
            await lk.room.remove_participant(RoomParticipantIdentity(room=room_name, identity="alice"))
        (reason,) = await asyncio.wait_for(disconnected, 10)
        assert reason == rtc.DisconnectReason.PARTICIPANT_REMOVED, rtc.DisconnectReason.Name(reason)
        assert not room.isconnected()
    finally:
        await disconnect_all(room)
