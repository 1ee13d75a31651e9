"""The real LiveKit Python SDK (`livekit` 1.2.x: Rust core + libwebrtc) against sfusim.

Until the media layer lands (issue #3) the server offers no ICE candidates, and the SDK's `Room.connect()`
waits for its peer connection to reach *connected* (it logs `wait_pc_connection timed out`). These tests
therefore assert on what the real SDK does on the wire while `connect()` is in progress: the handshake is
accepted and decoded, the SDK goes on to ping and trickle, answers our subscriber offer after the `/rtc`
fallback, and receives RoomService's Leave. WebRTC ignores loopback, so the server binds the namespace address
of scripts/with-netns (`media_ip`).
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
    """Starts a real SDK `Room.connect()` in the background; cancels and disconnects it on exit."""
    r = rtc.Room()
    task = asyncio.create_task(r.connect(sfu.livekit_url, sfu.token(identity, room, **token_kwargs), rtc.RoomOptions(connect_timeout=5)))
    try:
        yield r, task
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(task, 10)
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(r.disconnect(), 10)


async def test_v1_handshake_is_accepted_then_sdk_pings_and_trickles(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    async with connecting(sfu, "alice", room_name):
        opened = await wait_event(sfu, kind="connection.open", identity="alice")
        assert detail(opened).get("path") == "/rtc/v1" and detail(opened).get("mode") == "single", opened
        assert detail(opened).get("sdk") == "python" and detail(opened).get("protocol", 0) >= 17, opened
        join = await wait_event(sfu, kind="signal.out.join", identity="alice")
        sid = detail(join)["participant"]
        assert is_sid(sid, "PA_"), join
        answer = await wait_event(sfu, kind="signal.out.answer", identity="alice")
        assert answer["seq"] > join["seq"]
        # The Rust core starts its ping loop and trickles only after it accepted the JoinResponse and our answer.
        ping = await wait_event(sfu, kind="signal.in.ping_req", identity="alice", since=join["seq"])
        assert ping["seq"] > join["seq"]
        trickle = await wait_event(sfu, kind="signal.in.trickle", identity="alice", since=answer["seq"])
        assert detail(trickle).get("target") == 0, trickle  # single-PC: always the publisher PC
        again = await wait_event(sfu, kind="signal.in.ping_req", identity="alice", since=ping["seq"], timeout=20)
        assert again["seq"] > ping["seq"]
        participants = {p["identity"]: p for r in sfu.state()["rooms"] if r["name"] == room_name for p in r["participants"]}
        assert participants["alice"]["sid"] == sid and participants["alice"]["state"] == "joined"


async def test_second_sdk_participant_learns_of_the_first(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    async with connecting(sfu, "alice", room_name):
        alice_join = await wait_event(sfu, kind="signal.out.join", identity="alice")
        alice_sid = detail(alice_join)["participant"]
        async with connecting(sfu, "bob", room_name):
            bob_join = await wait_event(sfu, kind="signal.out.join", identity="bob")
            bob_sid = detail(bob_join)["participant"]
            assert detail(bob_join)["others"] == [alice_sid], bob_join
            told = await wait_event(
                sfu, kind="signal.out.update", identity="alice",
                match=lambda e: f"{bob_sid}:bob:joined" in detail(e).get("participants", []),
            )
            assert told["seq"] > bob_join["seq"]
            # bob's SDK accepted the JoinResponse that listed alice: it pings.
            await wait_event(sfu, kind="signal.in.ping_req", identity="bob", since=bob_join["seq"])


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


async def test_remove_participant_sends_leave_to_the_sdk(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    async with connecting(sfu, "alice", room_name) as (_, task):
        join = await wait_event(sfu, kind="signal.out.join", identity="alice")
        async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret, failover=False) as lk:
            await lk.room.remove_participant(RoomParticipantIdentity(room=room_name, identity="alice"))
        leave = await wait_event(sfu, kind="signal.out.leave", identity="alice", since=join["seq"])
        assert detail(leave).get("reason") == 4 and detail(leave).get("action") == 0, leave  # PARTICIPANT_REMOVED, DISCONNECT
        closed = await wait_event(sfu, kind="connection.close", identity="alice", since=leave["seq"])
        assert closed["seq"] > leave["seq"]
        # The Leave arrived before connect() finished, so the SDK counts it as a failed attempt: connect() fails
        # (after its own retries) rather than reporting a connected room.
        with pytest.raises(Exception):
            await asyncio.wait_for(task, 60)
