"""The real LiveKit Python SDK (`livekit` 1.2.x: Rust core + libwebrtc) against sfusim.

`Room.connect()` completes only when the SDK's peer connection is up (ICE + DTLS), so on `/rtc/v1` (single-PC)
these tests exercise sfusim's real transport: libnice ICE, OpenSSL DTLS, libsrtp keys. Dual-PC connections
(`/rtc`) are still signalling-only, so the fallback test asserts what the SDK does on the wire there. WebRTC
ignores loopback, so the server binds the namespace address of scripts/with-netns (`media_ip`).
Reference: toolchain notes "The real LiveKit Python client", livekit-signaling §1.5, §3.3, §3.8, §8.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime

import pytest
from livekit import api, rtc
from livekit.protocol.room import RoomParticipantIdentity

from sfusim_harness import is_sid, unique

pytestmark = pytest.mark.media


def detail(event: dict) -> dict:
    return event.get("detail") or {}


async def wait_event(sfu, **kwargs) -> dict:
    """The server event matching `kwargs`, awaited off the event loop so the SDK keeps running."""
    return await asyncio.to_thread(sfu.wait_event, **kwargs)


@contextlib.asynccontextmanager
async def connecting(sfu, identity: str, room: str, **token_kwargs):
    """Starts a real SDK `Room.connect()` in the background; on exit lets it finish (it succeeds or its 5 s connect
    timeout ends it) and disconnects. Cancelling it instead leaves the SDK's FFI waiting for the Python side to
    acknowledge the connect; the FFI then panics seconds later and the SDK kills the whole test process (SIGTERM)."""
    r = rtc.Room()
    task = asyncio.create_task(r.connect(sfu.livekit_url, sfu.token(identity, room, **token_kwargs), rtc.RoomOptions(connect_timeout=5)))
    try:
        yield r, task
    finally:
        await asyncio.wait({task}, timeout=20)
        if not task.done():
            task.cancel()
        with contextlib.suppress(BaseException):
            await task
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(r.disconnect(), 10)


async def connect(sfu, identity: str, room: str, **token_kwargs) -> rtc.Room:
    r = rtc.Room()
    await asyncio.wait_for(r.connect(sfu.livekit_url, sfu.token(identity, room, **token_kwargs), rtc.RoomOptions(connect_timeout=5)), 20)
    return r


async def test_v1_connect_completes_over_real_ice_and_dtls(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    room = await connect(sfu, "alice", room_name)
    try:
        assert room.isconnected() and room.name == room_name
        sid = room.local_participant.sid
        assert is_sid(sid, "PA_"), sid
        opened = await wait_event(sfu, kind="connection.open", identity="alice")
        assert detail(opened).get("path") == "/rtc/v1" and detail(opened).get("sdk") == "python", opened
        join = await wait_event(sfu, kind="signal.out.join", identity="alice")
        # Our ICE candidate went out by trickle, the client's came in, DTLS completed, the participant is ACTIVE.
        await wait_event(sfu, kind="signal.out.trickle", identity="alice", since=join["seq"])
        await wait_event(sfu, kind="signal.in.trickle", identity="alice", since=join["seq"])
        connected = await wait_event(sfu, kind="transport.connected", participant=sid)
        active = await wait_event(sfu, kind="participant.active", participant=sid, since=connected["seq"] - 1)
        assert active["seq"] > join["seq"]
        await wait_event(sfu, kind="signal.in.ping_req", identity="alice", since=join["seq"])
        participants = {p["identity"]: p for r in sfu.state()["rooms"] if r["name"] == room_name for p in r["participants"]}
        assert participants["alice"]["state"] == "active"
    finally:
        await asyncio.wait_for(room.disconnect(), 10)
    await wait_event(sfu, kind="participant.disconnected", identity="alice")


async def test_second_sdk_participant_sees_the_first_and_the_first_sees_it_leave(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    alice = await connect(sfu, "alice", room_name)
    try:
        joined = asyncio.get_running_loop().create_future()
        alice.on("participant_connected", lambda p: joined.done() or joined.set_result(p))
        bob = await connect(sfu, "bob", room_name)
        try:
            assert bob.remote_participants["alice"].sid == alice.local_participant.sid
            participant = await asyncio.wait_for(joined, 10)
            assert participant.identity == "bob" and participant.sid == bob.local_participant.sid
            left = asyncio.get_running_loop().create_future()
            alice.on("participant_disconnected", lambda p: left.done() or left.set_result(p))
            await asyncio.wait_for(bob.disconnect(), 10)
            gone = await asyncio.wait_for(left, 10)
            assert gone.identity == "bob" and "bob" not in alice.remote_participants
        finally:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(bob.disconnect(), 10)
    finally:
        await asyncio.wait_for(alice.disconnect(), 10)


async def test_falls_back_to_v0_when_v1_is_disabled_and_answers_our_offer(server, media_ip):
    sfu = server("--disable-rtc-v1", bind=media_ip)
    async with connecting(sfu, "alice", unique()):
        refused = await wait_event(sfu, kind="http.rejected", match=lambda e: detail(e).get("path") == "/rtc/v1")
        assert detail(refused).get("status") == 404, refused
        opened = await wait_event(sfu, kind="connection.open", identity="alice")
        assert detail(opened).get("path") == "/rtc" and detail(opened).get("mode") == "dual", opened
        join = await wait_event(sfu, kind="signal.out.join", identity="alice")
        assert detail(join).get("subscriber_primary") is True, join
        offer = await wait_event(sfu, kind="signal.out.offer", identity="alice")
        # The SDK set our subscriber offer as its remote description and answered it (the Rust core sends id 0,
        # which LiveKit accepts as "the latest offer").
        answer = await wait_event(sfu, kind="signal.in.answer", identity="alice", since=offer["seq"])
        assert detail(answer).get("sdp_bytes", 0) > 0 and detail(answer).get("id") in (0, detail(offer).get("id")), (offer, answer)
        await wait_event(sfu, kind="signal.in.ping_req", identity="alice", since=join["seq"])
        assert not [e for e in sfu.events() if e["kind"] == "connection.open" and detail(e).get("path") == "/rtc/v1"]

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


async def test_remove_participant_disconnects_the_sdk(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    room = await connect(sfu, "alice", room_name)
    try:
        disconnected = asyncio.get_running_loop().create_future()
        room.on("disconnected", lambda reason: disconnected.done() or disconnected.set_result(reason))
        async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret, failover=False) as lk:
            await lk.room.remove_participant(RoomParticipantIdentity(room=room_name, identity="alice"))
        reason = await asyncio.wait_for(disconnected, 10)
        assert reason == rtc.DisconnectReason.PARTICIPANT_REMOVED, rtc.DisconnectReason.Name(reason)
        leave = await wait_event(sfu, kind="signal.out.leave", identity="alice")
        assert detail(leave).get("reason") == 4 and detail(leave).get("action") == 0, leave
    finally:
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(room.disconnect(), 10)
