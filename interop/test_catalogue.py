"""Built-in catalogue scenarios (`sfusim serve --scenario NAME`) against real clients, each run with and without the
scenario: with it the race happens on the wire, without it the same client sees the normal order.

- `lk-track-before-metadata`: the real SDK subscriber's signal socket runs through `SignalRecorder`, a relay that
  decodes every server frame with the LiveKit client's own protobufs in the order the client receives them, so the
  order of the track's SDP (dual-PC `offer`; single-PC `media_sections_requirement` and the `answer` to the
  re-offer) and of the `update` carrying its TrackInfo is read off the wire, not off the server's log.
- `lk-slow-track-published`: what the real SDK's `publish_track` does when `track_published` is 12 s late.
- `dc-error-after-handshake`, `dc-retry-orphan-ack`: Decart control clients written as the SDKs write them
  (`test_decart.Control`); the LiveKit side, where needed, is the real SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Awaitable, Callable

import pytest
import websockets
from google.protobuf import json_format
from livekit import rtc
from livekit.protocol import rtc as proto
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed, InvalidStatus

from sfusim_harness import unique
from test_decart import ANDROID, JS_LEAN, PYTHON, Control
from test_media_forwarding import FPS, Publisher, connect


def scenario(name: str, enabled: bool) -> list[str]:
    """The server arguments that load built-in scenario `name` (none when disabled)."""
    return ["--scenario", name] if enabled else []


async def report(sfu) -> dict:
    """`GET /_sim/report`: the running scenario's expectations."""
    answer = await asyncio.to_thread(sfu.http, "GET", "/_sim/report")
    assert answer.status == 200, answer.text
    return answer.json()


# -- lk-track-before-metadata ------------------------------------------------------------------------------------


class SignalRecorder:
    """A WebSocket relay between one SDK participant and sfusim's signal endpoint.

    Every server frame is decoded (`livekit.protocol.rtc.SignalResponse`) and kept in `received` with its arrival
    time, in the order the client gets it; `before_relay(message)`, when set, runs before the frame is passed on,
    so it sees the client exactly as it was when the message arrived. An upgrade the server refuses (the 404 for
    `/rtc/v1` under `--disable-rtc-v1`) is answered with the same status, so the SDK falls back as it would.
    """

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.received: list[tuple[float, proto.SignalResponse]] = []
        self.paths: list[str] = []
        self.before_relay: Callable[[proto.SignalResponse], Awaitable[None]] | None = None
        self.url = ""
        self._pending: dict[ServerConnection, websockets.ClientConnection] = {}

    @contextlib.asynccontextmanager
    async def running(self, host: str):
        async with ws_serve(self._relay, host, 0, process_request=self._open_upstream, compression=None,
                            max_size=None, ping_interval=None) as relay:
            self.url = f"ws://{host}:{relay.sockets[0].getsockname()[1]}"
            yield self

    def messages(self) -> list[proto.SignalResponse]:
        return [message for _, message in self.received]

    async def _open_upstream(self, connection: ServerConnection, request):
        headers = [(k, v) for k, v in request.headers.raw_items() if k.lower() == "authorization"]
        try:
            upstream = await ws_connect(self.upstream + request.path, additional_headers=headers, compression=None,
                                        max_size=None, ping_interval=None, open_timeout=10)
        except InvalidStatus as refused:
            return connection.respond(refused.response.status_code, (refused.response.body or b"").decode("utf-8", "replace"))
        self.paths.append(request.path.split("?")[0])
        self._pending[connection] = upstream
        return None

    async def _relay(self, client: ServerConnection) -> None:
        upstream = self._pending.pop(client)

        async def down() -> None:
            async for frame in upstream:
                message = proto.SignalResponse()
                if isinstance(frame, bytes):
                    message.ParseFromString(frame)
                else:
                    json_format.Parse(frame, message, ignore_unknown_fields=True)
                self.received.append((time.monotonic(), message))
                if self.before_relay is not None:
                    await self.before_relay(message)
                await client.send(frame)

        async def up() -> None:
            async for frame in client:
                await upstream.send(frame)

        tasks = [asyncio.create_task(down()), asyncio.create_task(up())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            code = upstream.close_code if upstream.close_code not in (None, 1005, 1006) else 1000
            with contextlib.suppress(ConnectionClosed):
                await client.close(code, upstream.close_reason or "")
            await upstream.close()


def kind(message: proto.SignalResponse) -> str:
    return message.WhichOneof("message") or ""


def first(messages: list[proto.SignalResponse], predicate: Callable[[proto.SignalResponse], bool]) -> int:
    """The index of the first message for which `predicate` holds (fails when there is none)."""
    index = next((i for i, m in enumerate(messages) if predicate(m)), None)
    assert index is not None, f"no such message among {[kind(m) for m in messages]}"
    return index


def lists_tracks_of(identity: str, track_sid: str | None = None) -> Callable[[proto.SignalResponse], bool]:
    """An `update` carrying `identity`'s TrackInfo (for `track_sid`, or any track)."""

    def match(message: proto.SignalResponse) -> bool:
        return kind(message) == "update" and any(
            p.identity == identity and any(track_sid is None or t.sid == track_sid for t in p.tracks)
            for p in message.update.participants
        )

    return match


async def received_video_packets(room: rtc.Room) -> int:
    """RTP packets of video the client's peer connections have received so far (inbound-rtp stats)."""
    stats = await room.get_rtc_stats()
    return sum(
        s.inbound_rtp.received.packets_received
        for s in [*stats.publisher_stats, *stats.subscriber_stats]
        if s.WhichOneof("stats") == "inbound_rtp" and s.inbound_rtp.stream.kind == "video"
    )


@pytest.mark.media
@pytest.mark.parametrize("signal_path", ["/rtc", "/rtc/v1"])
@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_track_before_metadata_sdp_overtakes_the_track_info(server, media_ip, with_scenario, signal_path):
    """bob (real SDK, through the recorder) is in the room when alice (real SDK) publishes video.

    Dual-PC (`/rtc`): the server's subscriber `offer` with the track overtakes the `update` listing it. Single-PC
    (`/rtc/v1`): `media_sections_requirement`, bob's re-offer and the server's `answer` with the track overtake it.
    Either way the update follows at once (the order fault releases it behind the SDP) and the SDK, which holds a
    track it cannot match to a TrackInfo, subscribes once the update arrives. Without the scenario the update comes
    first and no RTP precedes it.
    """
    sfu = server(*scenario("lk-track-before-metadata", with_scenario),
                 *([] if signal_path == "/rtc/v1" else ["--disable-rtc-v1"]), bind=media_ip)
    room_name = unique()
    loop = asyncio.get_running_loop()
    recorder = SignalRecorder(sfu.livekit_url)
    async with recorder.running(media_ip):
        bob = rtc.Room()
        outcome: asyncio.Future = loop.create_future()
        bob.on("track_subscribed", lambda track, publication, participant: not outcome.done()
               and outcome.set_result(("subscribed", publication.sid, "", time.monotonic())))
        bob.on("track_subscription_failed", lambda participant, track_sid, error: not outcome.done()
               and outcome.set_result(("failed", track_sid, error, time.monotonic())))
        packets_at_update: list[int] = []

        async def snapshot(message: proto.SignalResponse) -> None:
            if not packets_at_update and lists_tracks_of("alice")(message):
                packets_at_update.append(await received_video_packets(bob))

        recorder.before_relay = snapshot
        await asyncio.wait_for(bob.connect(recorder.url, sfu.token("bob", room_name), rtc.RoomOptions(connect_timeout=5)), 20)
        try:
            alice = await connect(sfu, "alice", room_name)
            publisher = Publisher(alice, index=1, count=20 * FPS)
            try:
                publication = await asyncio.wait_for(publisher.publish(), 10)
                publisher.start()
                result, track_sid, error, at = await asyncio.wait_for(outcome, 15)
            finally:
                publisher.done.cancel()
                await asyncio.wait_for(alice.disconnect(), 10)
        finally:
            await asyncio.wait_for(bob.disconnect(), 10)

    assert recorder.paths and set(recorder.paths) == {signal_path}, recorder.paths
    assert track_sid == publication.sid
    messages = recorder.messages()
    arrived = [t for t, _ in recorder.received]
    update = first(messages, lists_tracks_of("alice", publication.sid))
    if signal_path == "/rtc":
        media = first(messages, lambda m: kind(m) == "offer" and publication.sid in m.offer.sdp)
        request = media
    else:
        request = first(messages, lambda m: kind(m) == "media_sections_requirement")
        media = first(messages, lambda m: kind(m) == "answer" and publication.sid in m.answer.sdp)
        assert request < media
    faults = [e for e in sfu.events() if e["kind"] == "fault.applied"]
    if with_scenario:
        assert media < update, [kind(m) for m in messages]
        held = [e for e in faults if e["detail"].get("action") == "hold"]
        assert held and held[0]["identity"] == "bob" and held[0]["detail"]["message"] == "update", faults
        # Swapped: the update comes right behind the SDP (released by it, not by the 5 s timeout).
        assert arrived[update] - arrived[media] < 1.0, arrived[update] - arrived[media]
        if signal_path == "/rtc":
            assert packets_at_update == [0]  # bob had not even answered yet
        assert result == "subscribed", (result, error)
        assert at >= arrived[update]
        results = (await report(sfu))["results"]
        assert [r["status"] for r in results] == ["passed", "passed"], results
    else:
        assert update < request, [kind(m) for m in messages]
        assert packets_at_update == [0]
        assert result == "subscribed", (result, error)
        assert not faults


# -- lk-slow-track-published -------------------------------------------------------------------------------------


@pytest.mark.media
@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_slow_track_published_fails_the_sdks_publish_after_its_10s_timeout(server, media_ip, with_scenario):
    """alice (real SDK) publishes video while bob watches. With the catalogue's 12 s delay, `publish_track` gives up
    after its 10 s timeout; the late `track_published` (12 s) is ignored and the track never goes live. Without it
    the publish returns at once and bob sees the track."""
    sfu = server(*scenario("lk-slow-track-published", with_scenario), bind=media_ip)
    room_name = unique()
    loop = asyncio.get_running_loop()
    alice = rtc.Room()
    await asyncio.wait_for(alice.connect(sfu.livekit_url, sfu.token("alice", room_name, can_update_own_metadata=True),
                                         rtc.RoomOptions(connect_timeout=5)), 20)
    bob = await connect(sfu, "bob", room_name)
    try:
        seen_by_bob: asyncio.Future = loop.create_future()
        bob.on("track_published", lambda publication, participant: not seen_by_bob.done() and seen_by_bob.set_result(publication.sid))
        publisher = Publisher(alice, index=1, count=10 * FPS)
        started = loop.time()
        if with_scenario:
            with pytest.raises(Exception) as failure:
                await asyncio.wait_for(publisher.publish(), 15)
            waited = loop.time() - started
            assert "timed out" in str(failure.value), repr(failure.value)
            assert 9.5 <= waited < 11.5, waited
            added = sfu.wait_event(kind="signal.in.add_track", identity="alice")
            late = await asyncio.to_thread(sfu.wait_event, kind="signal.out.track_published", identity="alice", timeout=6)
            assert late["detail"]["cid"] == added["detail"]["cid"]
            assert late["t_ms"] - added["t_ms"] >= 12_000, (added, late)
            # A barrier behind the late track_published on alice's socket: her own metadata change comes back in an
            # update, so once she sees it the SDK has handled the track_published before it.
            changed: asyncio.Future = loop.create_future()
            alice.on("participant_metadata_changed", lambda participant, old, new: new == "after" and not changed.done()
                     and changed.set_result(participant.identity))
            await alice.local_participant.set_metadata("after")
            assert await asyncio.wait_for(changed, 10) == "alice"
            assert not alice.local_participant.track_publications, "the SDK adopted the late track_published"
            tracks = [t for r in sfu.state()["rooms"] if r["name"] == room_name for p in r["participants"]
                      if p["identity"] == "alice" for t in p.get("tracks", [])]
            assert [t["cid"] for t in tracks] == [added["detail"]["cid"]] and tracks[0]["state"] != "published", tracks
            assert not seen_by_bob.done() and not bob.remote_participants["alice"].track_publications
            fault = next(e for e in sfu.events() if e["kind"] == "fault.applied")
            assert fault["detail"]["fault"] == "delay_track_published" and fault["detail"]["delay_ms"] == 12_000, fault
            results = (await report(sfu))["results"]
            assert [r["status"] for r in results] == ["passed"], results
            # Only the first track_published is late: a retry publishes at once and bob sees it.
            retry = Publisher(alice, index=2, count=10 * FPS)
            started = loop.time()
            publication = await asyncio.wait_for(retry.publish(), 15)
            assert loop.time() - started < 3
            assert await asyncio.wait_for(seen_by_bob, 10) == publication.sid
        else:
            publication = await asyncio.wait_for(publisher.publish(), 15)
            assert loop.time() - started < 3
            assert await asyncio.wait_for(seen_by_bob, 10) == publication.sid
            assert not [e for e in sfu.events() if e["kind"] == "fault.applied"]
    finally:
        await asyncio.wait_for(bob.disconnect(), 10)
        await asyncio.wait_for(alice.disconnect(), 10)


# -- dc-error-after-handshake ------------------------------------------------------------------------------------


@pytest.mark.media
@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_error_after_handshake_error_then_generation_ended_then_close(server, media_ip, with_scenario):
    """JS ≥ 0.1.8 flow: join, room_info, the real SDK joins the room and publishes. With the scenario the client gets
    generation_started, then `error`, `generation_ended{reason:error}` and the close (1000), in that order, and its
    LiveKit room is deleted; without it generation runs (ticks) and no error comes."""
    sfu = server(*scenario("dc-error-after-handshake", with_scenario), bind=media_ip)
    loop = asyncio.get_running_loop()
    async with Control.open(sfu, user_agent=JS_LEAN) as control:
        await control.send({"type": "livekit_join"})
        info = await control.until("livekit_room_info")
        room = rtc.Room()
        disconnected: asyncio.Future = loop.create_future()
        room.on("disconnected", lambda reason: not disconnected.done() and disconnected.set_result(reason))
        await asyncio.wait_for(room.connect(info["livekit_url"], info["token"], rtc.RoomOptions(connect_timeout=5)), 20)
        publisher = Publisher(room, index=1, count=30 * FPS)
        try:
            await asyncio.wait_for(publisher.publish(), 10)
            publisher.start()
            await control.until("generation_started", timeout=15)
            if with_scenario:
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        await control.next()
                types = control.types()
                tail = types[types.index("generation_started"):]
                assert tail == ["generation_started", "error", "generation_ended"], types
                error, ended = control.messages[-2], control.messages[-1]
                assert error["error"] == "insufficient credits", error
                assert ended["reason"] == "error" and ended["seconds"] == 0, ended
                assert control.closed == (1000, "insufficient credits"), control.closed
                assert await asyncio.wait_for(disconnected, 10) == rtc.DisconnectReason.ROOM_DELETED
            else:
                for _ in range(2):
                    await control.until("generation_tick")
                assert "error" not in control.types() and "generation_ended" not in control.types()
                assert control.closed is None and room.isconnected() and not disconnected.done()
        finally:
            publisher.done.cancel()
            await asyncio.wait_for(room.disconnect(), 10)
    events = sfu.events()
    if with_scenario:
        conn = next(e["conn"] for e in events if e["kind"] == "control.open")
        steps = ["control.out.error", "control.out.generation_ended", "control.close"]
        seqs = [next(e["seq"] for e in events if e["kind"] == step and e.get("conn") == conn) for step in steps]
        assert seqs == sorted(seqs), seqs
        results = (await report(sfu))["results"]
        assert [r["status"] for r in results] == ["passed"], results
    else:
        assert not [e for e in events if e["kind"] in ("fault.applied", "control.out.error")]


# -- dc-retry-orphan-ack -----------------------------------------------------------------------------------------


FLOWS = {"lean": ANDROID, "bare": PYTHON}


async def send_initial_state(control: Control, flow: str, prompt: str) -> None:
    """Android lean join (join{passthrough:false} and set_image back to back) or Python bare join (join,
    room_info, then set_image)."""
    if flow == "lean":
        await control.send({"type": "livekit_join", "passthrough": False})
    else:
        await control.send({"type": "livekit_join"})
        await control.until("livekit_room_info")
    await control.send({"type": "set_image", "image_data": None, "prompt": prompt})


async def finish_handshake(control: Control) -> None:
    """Waits for whichever of room_info and the set_image ack has not arrived yet."""
    for awaited in ("livekit_room_info", "set_image_ack"):
        if awaited not in control.types():
            await control.until(awaited)


async def still_open(control: Control) -> None:
    """A prompt round trip: the session is alive and answers on this connection."""
    await control.send({"type": "prompt", "prompt": "still here", "enhance_prompt": False})
    assert (await control.until("prompt_ack"))["prompt"] == "still here"


def sent_on(events: list[dict], conn: str) -> list[str]:
    """The control message types the server sent on connection `conn`, in order."""
    return [e["kind"].removeprefix("control.out.") for e in events
            if e.get("conn") == conn and e["kind"].startswith("control.out.") and e["kind"] != "control.out.suppressed"]


@pytest.mark.parametrize("flow", ["lean", "bare"])
@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_retry_orphan_ack_first_attempt_closed_retry_gets_its_own_ack(server, with_scenario, flow):
    """With the scenario, attempt 1 is closed 1011 instead of getting its set_image_ack, so its ack watcher is left
    pending; attempt 2, on a new connection, gets room_info and one set_image_ack, both sent on its own connection
    after its own set_image, and nothing of attempt 1. Without the scenario attempt 1 succeeds."""
    sfu = server(*scenario("dc-retry-orphan-ack", with_scenario))
    user_agent = FLOWS[flow]
    async with Control.open(sfu, user_agent=user_agent) as attempt1:
        await send_initial_state(attempt1, flow, "attempt-1")
        if not with_scenario:
            await finish_handshake(attempt1)
            await still_open(attempt1)
            assert attempt1.types().count("set_image_ack") == 1 and attempt1.closed is None
            events = sfu.events()
            conn = next(e["conn"] for e in events if e["kind"] == "control.open")
            assert sent_on(events, conn) == attempt1.types()
            assert not [e for e in events if e["kind"] == "fault.applied"]
            return
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await attempt1.next()
    assert attempt1.closed == (1011, "attempt 1 fails"), attempt1.closed
    # Attempt 1 never got its ack: the socket closed at the moment it would have gone out (room_info may have come
    # first: lean, when the room was ready sooner; bare, always, as it precedes the set_image).
    assert "set_image_ack" not in attempt1.types(), attempt1.types()
    assert set(attempt1.types()) <= {"livekit_room_info", "session_id"}, attempt1.types()

    async with Control.open(sfu, user_agent=user_agent) as attempt2:
        await send_initial_state(attempt2, flow, "attempt-2")
        await finish_handshake(attempt2)
        await still_open(attempt2)
        info = next(m for m in attempt2.messages if m["type"] == "livekit_room_info")
        assert attempt2.types().count("set_image_ack") == 1 and attempt2.closed is None, attempt2.types()
        ack = next(m for m in attempt2.messages if m["type"] == "set_image_ack")
        assert ack["success"] is True and ack["error"] is None, ack

    events = sfu.events()
    first_conn, second_conn = [e["conn"] for e in events if e["kind"] == "control.open"]
    # Each client got exactly what the server sent on its own connection: nothing crossed over.
    assert sent_on(events, first_conn) == attempt1.types()
    assert sent_on(events, second_conn) == attempt2.types()
    own_state = next(e for e in events if e["kind"] == "control.in.set_image" and e.get("conn") == second_conn)
    assert own_state["detail"]["prompt"] == "attempt-2"
    own_ack = next(e for e in events if e["kind"] == "control.out.set_image_ack" and e.get("conn") == second_conn)
    assert own_ack["seq"] > own_state["seq"]
    sessions = {e["conn"]: e["detail"]["session_id"] for e in events if e["kind"] == "decart.session.opened"}
    assert info["session_id"] == sessions[second_conn] != sessions[first_conn], (info, sessions)
    close = next(e for e in events if e["kind"] == "fault.applied")
    assert close["detail"]["action"] == "close" and close["detail"]["message"] == "set_image_ack", close
    assert close.get("conn") == first_conn, close
    results = (await report(sfu))["results"]
    # "exactly one ack" is decided only when the run ends (another could still come): pending, with one seen so far.
    assert [r["status"] for r in results] == ["pending", "passed"], results
    assert len(results[0]["events"]) == 1 and results[0]["events"][0]["seq"] == own_ack["seq"], results[0]
