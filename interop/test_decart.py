"""Decart realtime on `/v1/stream` against sfusim, with clients that follow the reference's flows.

The control WebSocket is driven with `websockets` exactly as the SDK generations write it (reference §4.2): lean
(JS ≥ 0.1.8: join, then the multi-MB state in a second frame), bundled (Android/iOS: the state inside the join)
and bare (Python: the state after `livekit_room_info`). The LiveKit side is the real `livekit` Python SDK: it
connects with the token from `livekit_room_info`, publishes stripe-coded video, and decodes what the
`inference-server-*` participant sends back (sfusim's generator echoes the client's own video as a new track).
Media tests run inside the test's network namespace.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import urllib.parse

import pytest
import websockets
from livekit import rtc

from test_media_forwarding import COUNTER_BITS, FPS, Publisher, Receiver, unwrap

JS_LEAN = "decart-js-sdk/0.1.9"
ANDROID = "decart-android-sdk/0.7.6"
PYTHON = "decart-python-sdk/0.3.0"


class Control:
    """One `/v1/stream` WebSocket; every server message is kept in arrival order."""

    def __init__(self, ws):
        self.ws = ws
        self.messages: list[dict] = []
        self.closed: tuple[int, str] | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, sfu, *, api_key: str = "dev-key", user_agent: str = JS_LEAN, **params: str):
        query = "&".join(f"{k}={urllib.parse.quote(str(v))}" for k, v in {"model": "mirage", "user_agent": user_agent, **params}.items())
        async with websockets.connect(f"{sfu.livekit_url}/v1/stream?api_key={api_key}&{query}", max_size=None) as ws:
            yield cls(ws)

    async def send(self, message: dict | str | bytes) -> None:
        await self.ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))

    async def next(self, timeout: float = 10) -> dict:
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            self.closed = (closed.rcvd.code if closed.rcvd else 1006, closed.rcvd.reason if closed.rcvd else "")
            raise
        message = json.loads(raw)
        self.messages.append(message)
        return message

    async def until(self, kind: str, timeout: float = 10) -> dict:
        """Reads messages until one of type `kind` arrives (earlier ones stay in `messages`)."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.next(timeout)
                if message["type"] == kind:
                    return message

    def types(self) -> list[str]:
        return [m["type"] for m in self.messages]


def image_b64(size: int) -> str:
    """`size` bytes of deterministic data as base64 (the server checks base64, not pixels)."""
    return base64.b64encode(bytes((i * 31 + 7) % 251 for i in range(size))).decode()


async def decode_inference_video(room: rtc.Room, publisher: Publisher, frames: int = 2 * FPS) -> list[int]:
    """Waits for the inference-server's video track and decodes `frames` frames of it."""
    ready = asyncio.get_running_loop().create_future()

    def on_subscribed(track, publication, participant):
        if isinstance(track, rtc.RemoteVideoTrack) and participant.identity.startswith("inference-server-") and not ready.done():
            ready.set_result(track)

    room.on("track_subscribed", on_subscribed)
    for participant in room.remote_participants.values():
        for publication in participant.track_publications.values():
            if participant.identity.startswith("inference-server-") and isinstance(publication.track, rtc.RemoteVideoTrack):
                ready.set_result(publication.track)
    track = await asyncio.wait_for(ready, 15)
    receiver = Receiver(track)
    try:
        while len(receiver.values) < frames:
            receiver.updated.clear()
            await asyncio.wait_for(receiver.updated.wait(), 10)
    finally:
        await receiver.stop()
    return receiver.values


async def publish_and_check_echo(info: dict, index: int) -> tuple[rtc.Room, Publisher, list[int]]:
    room = rtc.Room()
    await asyncio.wait_for(room.connect(info["livekit_url"], info["token"], rtc.RoomOptions(connect_timeout=5)), 20)
    publisher = Publisher(room, index=index, count=30 * FPS)
    await publisher.publish()
    publisher.start()
    values = await decode_inference_video(room, publisher)
    assert all(v >> COUNTER_BITS == index for v in values), f"the echo is not this client's video: {values[:20]}"
    counters = unwrap(values)
    assert counters == sorted(counters) and counters[-1] - counters[0] >= len(values) - 1, counters[:40]
    return room, publisher, values


@pytest.fixture
def decart_sfu(server, media_ip):
    return server(bind=media_ip)


async def test_lean_flow_with_a_2mb_image_gets_room_info_and_the_clients_video_back(decart_sfu):
    """JS ≥ 0.1.8 (G3): join{passthrough:false}, then a ~2 MB set_image in the same tick; room_info; publish; echo."""
    async with Control.open(decart_sfu, user_agent=JS_LEAN) as control:
        await control.send({"type": "livekit_join", "passthrough": False})
        await control.send({"type": "set_image", "image_data": image_b64(1_500_000), "prompt": "a lighthouse", "enhance_prompt": True})
        info = await control.until("livekit_room_info")
        assert info["livekit_url"].startswith("ws://") and info["token"] and info["room_name"] and info["session_id"]
        room, publisher, _ = await publish_and_check_echo(info, index=1)
        try:
            if "set_image_ack" not in control.types():
                await control.until("set_image_ack")
            ack = next(m for m in control.messages if m["type"] == "set_image_ack")
            assert ack["success"] is True and ack["error"] is None
            await control.until("generation_started")
            tick = await control.until("generation_tick")
            assert isinstance(tick["seconds"], int)
        finally:
            publisher.done.cancel()
            await room.disconnect()
    events = decart_sfu.events()
    frame = next(e for e in events if e["kind"] == "control.in.set_image")
    assert frame["detail"]["image_data_bytes"] == len(image_b64(1_500_000)) > 1_900_000


async def test_bundled_flow_acks_the_initial_state_before_room_info(decart_sfu):
    """Android/iOS (G2): the state rides in the join; its ack may (and here does) precede livekit_room_info."""
    async with Control.open(decart_sfu, user_agent=ANDROID) as control:
        state = {"type": "set_image", "image_data": image_b64(200_000), "prompt": "a forest", "enhance_prompt": False}
        await control.send({"type": "livekit_join", "initial_state": state})
        info = await control.until("livekit_room_info")
        types = control.types()
        assert "set_image_ack" in types and types.index("set_image_ack") < types.index("livekit_room_info"), types
        room, publisher, _ = await publish_and_check_echo(info, index=2)
        publisher.done.cancel()
        await room.disconnect()
        assert "server_metrics" not in control.types()  # never to Android (reference §3.1)


async def test_bare_flow_with_the_null_bootstrap_after_publishing(decart_sfu):
    """Python (G1): bare join, room_info, connect + publish, then set_image{null, null} and its ack."""
    async with Control.open(decart_sfu, user_agent=PYTHON) as control:
        await control.send({"type": "livekit_join"})
        info = await control.until("livekit_room_info")
        room, publisher, _ = await publish_and_check_echo(info, index=3)
        await control.send({"type": "set_image", "image_data": None, "prompt": None})
        ack = await control.until("set_image_ack")
        assert ack["success"] is True
        await control.send({"type": "prompt", "prompt": "caf\u00e9 \\u00e9", "enhance_prompt": False})
        prompt_ack = await control.until("prompt_ack")
        assert prompt_ack["prompt"] == "caf\u00e9 \\u00e9" and prompt_ack["success"] is True
        publisher.done.cancel()
        await room.disconnect()


async def test_viewer_from_watch_stream_receives_the_inference_video_and_cannot_publish(decart_sfu):
    async with Control.open(decart_sfu, user_agent=JS_LEAN) as control:
        await control.send({"type": "livekit_join"})
        info = await control.until("livekit_room_info")
        room, publisher, _ = await publish_and_check_echo(info, index=1)
        try:
            refused = await asyncio.to_thread(decart_sfu.http, "POST", f"/watch-stream/{info['room_name']}")
            assert refused.status == 401, refused.text
            answer = await asyncio.to_thread(
                decart_sfu.http, "POST", f"/watch-stream/{info['room_name']}", headers={"x-api-key": "viewer-key", "content-type": "application/json"}
            )
            assert answer.status == 200, answer.text
            watch = answer.json()
            assert watch["room_name"] == info["room_name"] and watch["livekit_url"] == info["livekit_url"] and watch["token"]
            viewer = rtc.Room()
            await asyncio.wait_for(viewer.connect(watch["livekit_url"], watch["token"], rtc.RoomOptions(connect_timeout=5)), 20)
            try:
                assert viewer.local_participant.permissions.can_publish is False
                values = await decode_inference_video(viewer, publisher, frames=FPS)
                assert all(v >> COUNTER_BITS == 1 for v in values)
                with pytest.raises(Exception):
                    source = rtc.VideoSource(64, 64)
                    track = rtc.LocalVideoTrack.create_video_track("nope", source)
                    await asyncio.wait_for(viewer.local_participant.publish_track(track), 10)
            finally:
                await viewer.disconnect()
            missing = await asyncio.to_thread(decart_sfu.http, "POST", "/watch-stream/no-such-room", headers={"x-api-key": "k"})
            assert missing.status == 404
        finally:
            publisher.done.cancel()
            await room.disconnect()


async def test_server_metrics_only_when_asked(decart_sfu):
    for asked in (True, False):
        params = {"emit_server_metrics": "1"} if asked else {}
        async with Control.open(decart_sfu, user_agent=JS_LEAN, **params) as control:
            await control.send({"type": "livekit_join"})
            info = await control.until("livekit_room_info")
            room = rtc.Room()
            await asyncio.wait_for(room.connect(info["livekit_url"], info["token"]), 20)
            publisher = Publisher(room, index=1, count=30 * FPS)
            await publisher.publish()
            publisher.start()
            try:
                await control.until("generation_started")
                for _ in range(3):
                    await control.until("generation_tick")
                metrics = [m for m in control.messages if m["type"] == "server_metrics"]
                if asked:
                    assert metrics, control.types()
                    latest = metrics[-1]
                    assert latest["session_id"] == info["session_id"]
                    # Real counters from the router: the client's frames in, the echo's frames out (20 fps sent).
                    assert latest["input_frame_count"] > 0 and latest["output_frame_count"] > 0, latest
                    assert 5 < latest["input_fps"] < 40 and 5 < latest["output_fps"] < 40, latest
                    assert latest["video_in_qsize"] == 0 and latest["video_out_qsize"] == 0
                else:
                    assert not metrics
            finally:
                publisher.done.cancel()
                await room.disconnect()


# -- control only (no media): loopback is enough


async def test_queue_positions_move_up_and_a_full_queue_closes_1013(server):
    sfu = server(config={"decart": {"max_active_sessions": 1, "max_waiting_sessions": 1}})
    async with Control.open(sfu) as first, Control.open(sfu) as second, Control.open(sfu) as third:
        await first.send({"type": "livekit_join"})
        await first.until("livekit_room_info")
        await second.send({"type": "livekit_join"})
        waiting = await second.until("queue_position")
        assert waiting["position"] == 1 and waiting["queue_position"] == 1 and waiting["queue_size"] == 1
        await third.send({"type": "livekit_join"})
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await third.next()
        assert third.closed and third.closed[0] == 1013, third.closed
        await first.ws.close()
        info = await second.until("livekit_room_info")
        assert info["room_name"]


async def test_invalid_api_key_gets_an_error_then_a_close(server):
    sfu = server(config={"decart": {"api_keys": ["good-key"]}})
    async with Control.open(sfu, api_key="bad-key") as control:
        error = await control.next()
        assert error["type"] == "error" and "invalid api key" in error["error"].lower()
        with pytest.raises(websockets.ConnectionClosed):
            await control.next()
    async with Control.open(sfu, api_key="good-key") as control:
        await control.send({"type": "livekit_join"})
        assert (await control.until("livekit_room_info"))["token"]


async def test_bad_frames_get_error_frames_and_the_sessions_keep_working(server):
    sfu = server()
    async with Control.open(sfu) as control, Control.open(sfu) as other:
        bad = ["not json", "[1, 2]", json.dumps({"no_type": 1}), json.dumps({"type": "warp_drive"}),
               json.dumps({"type": "prompt"}), json.dumps({"type": "prompt", "prompt": 42})]
        for frame in bad:
            await control.send(frame)
            reply = await control.next()
            assert reply["type"] == "error" and reply["error"], (frame, reply)
        await control.send(b"\x00\x01binary")
        assert (await control.next())["type"] == "error"
        await control.send({"type": "prompt", "prompt": "still here"})
        ack = await control.until("prompt_ack")
        assert ack["prompt"] == "still here" and ack["success"] is True
        await other.send({"type": "livekit_join"})
        assert (await other.until("livekit_room_info"))["room_name"]
    assert any(e["kind"] == "control.in.prompt" for e in sfu.events())


# -- aiortc transport (JS ≤ 0.0.68, reference §4.1): sfusim itself is the peer


class StripeTrack:
    """An aiortc video track of stripe-coded frames (publisher `index`, counter mod 64)."""

    def __new__(cls, index: int):
        from aiortc import VideoStreamTrack
        import av
        import numpy

        width, height = 320, 240

        class Track(VideoStreamTrack):
            def __init__(self):
                super().__init__()
                self.sent = 0

            async def recv(self):
                pts, time_base = await self.next_timestamp()  # aiortc paces the source at 30 fps
                value = (index << COUNTER_BITS) | (self.sent % (1 << COUNTER_BITS))
                self.sent += 1
                bits = numpy.array([(value >> (7 - b)) & 1 for b in range(8)], dtype=numpy.uint8) * 255
                row = numpy.repeat(bits, width // 8)
                image = numpy.repeat(numpy.repeat(row[numpy.newaxis, :, numpy.newaxis], height, axis=0), 3, axis=2)
                frame = av.VideoFrame.from_ndarray(numpy.ascontiguousarray(image), format="rgb24")
                frame.pts, frame.time_base = pts, time_base
                return frame

        return Track()


def read_av_stripes(frame) -> int:
    image = frame.to_ndarray(format="rgb24")
    height, width = image.shape[0], image.shape[1]
    stripe, y, value = width // 8, height // 2, 0
    for bit in range(8):
        value = (value << 1) | (1 if image[y, bit * stripe + stripe // 2, 0] > 128 else 0)
    return value


async def test_aiortc_client_gets_its_own_video_back_on_the_same_peer_connection(decart_sfu):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.sdp import candidate_from_sdp

    async with Control.open(decart_sfu, user_agent="decart-js-sdk/0.0.68") as control:
        # The initial state before any SDP, acked before the offer (reference §4.1 step 2).
        await control.send({"type": "prompt", "prompt": "a harbour", "enhance_prompt": False})
        assert (await control.until("prompt_ack"))["success"] is True
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        remote = asyncio.get_running_loop().create_future()
        pc.on("track", lambda track: track.kind == "video" and not remote.done() and remote.set_result(track))
        pc.addTrack(StripeTrack(2))
        try:
            await pc.setLocalDescription(await pc.createOffer())
            await control.send({"type": "offer", "sdp": pc.localDescription.sdp})
            answer = await control.until("answer")
            assert "a=sendrecv" in answer["sdp"] and "a=candidate:" in answer["sdp"]
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
            await control.send({"type": "ice-candidate", "candidate": None})  # the JS client ends with a null candidate
            track = await asyncio.wait_for(remote, 15)
            values: list[int] = []
            async with asyncio.timeout(20):
                while len(values) < 2 * FPS:
                    values.append(read_av_stripes(await track.recv()))
            assert all(v >> COUNTER_BITS == 2 for v in values), values[:20]
            counters = unwrap(values)
            assert counters == sorted(counters), counters[:40]
            await control.until("generation_started")
            trickled = [m for m in control.messages if m["type"] == "ice-candidate"]
            for message in trickled:
                assert message["candidate"] is not None  # the server never sends a null candidate (iOS/Python reject it)
                candidate_from_sdp(message["candidate"]["candidate"].removeprefix("candidate:"))
        finally:
            await pc.close()
    assert any(e["kind"] == "control.in.offer" for e in decart_sfu.events())


def read_pattern_counter(frame: rtc.VideoFrame) -> int:
    """The test pattern's frame counter: 8 stripes in the bottom quarter, LSB on the left (scripts/make-test-pattern)."""
    rgba = frame.convert(rtc.VideoBufferType.RGBA)
    width, height, data = rgba.width, rgba.height, rgba.data
    y = height * 7 // 8
    value = 0
    for bit in range(8):
        x = bit * width // 8 + width // 16
        offset = (y * width + x) * 4
        if (data[offset] + data[offset + 1] + data[offset + 2]) / 3 > 128:
            value |= 1 << bit
    return value


@pytest.mark.parametrize("codec", ["vp8", "h264"])
async def test_a_client_that_publishes_no_video_gets_the_test_pattern_in_the_requested_codec(decart_sfu, codec):
    async with Control.open(decart_sfu, user_agent=PYTHON, livekit_server_codec=codec) as control:
        await control.send({"type": "livekit_join"})
        info = await control.until("livekit_room_info")
        room = rtc.Room()
        ready = asyncio.get_running_loop().create_future()
        room.on("track_subscribed", lambda track, pub, participant: participant.identity.startswith("inference-server-")
                and isinstance(track, rtc.RemoteVideoTrack) and not ready.done() and ready.set_result((track, pub)))
        await asyncio.wait_for(room.connect(info["livekit_url"], info["token"]), 20)
        try:
            await control.until("generation_started", timeout=15)
            track, publication = await asyncio.wait_for(ready, 15)
            assert publication.mime_type.lower() == f"video/{codec}"
            counters, sizes = [], set()
            async with asyncio.timeout(15):
                async for event in rtc.VideoStream(track):
                    counters.append(read_pattern_counter(event.frame))
                    sizes.add((event.frame.width, event.frame.height))
                    if len(counters) >= 45:
                        break
        finally:
            await room.disconnect()
    assert sizes == {(640, 360)}, sizes
    # The pattern's counter runs 0…59 and loops; consecutive decoded frames step by one (mod 60) almost always.
    steps = [(b - a) % 60 for a, b in zip(counters, counters[1:])]
    assert all(c < 60 for c in counters), counters
    assert sum(1 for s in steps if s == 1) >= 0.8 * len(steps), counters
    assert any(e["kind"] == "decart.media.none" for e in decart_sfu.events())


async def test_a_malformed_offer_gets_an_error_frame_and_close_1008(decart_sfu):
    """The client's fault, not the server's: an `error` naming the offer, then 1008 (not 1011)."""
    async with Control.open(decart_sfu, user_agent="decart-js-sdk/0.0.68") as control:
        await control.send({"type": "offer", "sdp": "v=0\r\nthis is not SDP\r\n"})
        error = await control.until("error")
        assert "invalid offer" in error["error"], error
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await control.next()
        assert control.closed and control.closed[0] == 1008, control.closed
