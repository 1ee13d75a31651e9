"""Real media through sfusim: real LiveKit Python SDK participants publish synthetic video and decode each other's.

Each published frame encodes (publisher index, frame counter) as eight black/white vertical stripes, a pattern that
survives VP8 compression; subscribers decode the stripes and check what they got against what was sent. The server
runs inside the test's network namespace (WebRTC ignores loopback). Tests marked with the `signal_path` fixture run
twice: single-PC (`/rtc/v1`, the SDK's default) and dual-PC (`/rtc`: the server is started with `--disable-rtc-v1`,
answers `/rtc/v1` with 404 and the SDK falls back, as it does against older servers).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math

import pytest
from livekit import rtc

from sfusim_harness import unique

pytestmark = pytest.mark.media

# 20 fps: libwebrtc's encoder drops input frames that arrive faster than its configured maximum frame rate, and
# event-loop pacing jitters; at 30 fps the *publisher* drops ~30 % before anything reaches the server.
WIDTH, HEIGHT, FPS = 320, 240, 20
COUNTER_BITS = 6  # low bits: frame counter mod 64; high 2 bits: publisher index


def stripes(value: int, width: int = WIDTH, height: int = HEIGHT) -> rtc.VideoFrame:
    """A frame whose 8 vertical stripes are the bits of `value` (MSB left), white = 1."""
    stripe = width // 8
    row = b"".join((b"\xff\xff\xff\xff" if (value >> (7 - bit)) & 1 else b"\x00\x00\x00\xff") * stripe for bit in range(8))
    return rtc.VideoFrame(width, height, rtc.VideoBufferType.RGBA, row * height)


def read_stripes(frame: rtc.VideoFrame) -> int:
    rgba = frame.convert(rtc.VideoBufferType.RGBA)
    width, data, stripe, y = rgba.width, rgba.data, rgba.width // 8, rgba.height // 2
    value = 0
    for bit in range(8):
        x = bit * stripe + stripe // 2
        value = (value << 1) | (1 if data[(y * width + x) * 4] > 128 else 0)
    return value


class Publisher:
    """Publishes a camera track and sends `count` paced stripe frames for publisher `index`."""

    def __init__(self, room: rtc.Room, index: int, count: int, width: int = WIDTH, height: int = HEIGHT, simulcast: bool = False):
        self.room, self.index, self.count, self.simulcast = room, index, count, simulcast
        self.source = rtc.VideoSource(width, height)
        self.width, self.height = width, height
        self.done = asyncio.get_running_loop().create_future()

    async def publish(self) -> rtc.LocalTrackPublication:
        track = rtc.LocalVideoTrack.create_video_track(f"cam-{self.index}", self.source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA, simulcast=self.simulcast)
        return await self.room.local_participant.publish_track(track, options)

    def start(self) -> None:
        """Captures one frame per tick on the event loop's clock (a live source's pacing, not a wait)."""
        loop = asyncio.get_running_loop()

        def tick(n: int) -> None:
            if n == self.count or self.done.done():
                if not self.done.done():
                    self.done.set_result(n)
                return
            self.source.capture_frame(stripes((self.index << COUNTER_BITS) | (n % (1 << COUNTER_BITS)), self.width, self.height))
            loop.call_later(1 / FPS, tick, n + 1)

        tick(0)


class Receiver:
    """Decodes a remote video track's frames until `last` (publisher index, counter mod 64) has been seen."""

    def __init__(self, track: rtc.RemoteVideoTrack):
        self.stream = rtc.VideoStream(track)
        self.values: list[int] = []
        self.widths: list[int] = []
        self.updated = asyncio.Event()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for event in self.stream:
            self.values.append(read_stripes(event.frame))
            self.widths.append(event.frame.width)
            self.updated.set()

    async def wait_for(self, value: int) -> None:
        """Returns once a frame carrying `value` has been decoded."""
        while value not in self.values:
            self.updated.clear()
            await self.updated.wait()

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(BaseException):
            await self.task
        with contextlib.suppress(BaseException):
            await self.stream.aclose()


def unwrap(values: list[int]) -> list[int]:
    """Frame counters (mod 64) unwrapped into a monotonic sequence."""
    out: list[int] = []
    for value in values:
        counter = value & ((1 << COUNTER_BITS) - 1)
        if not out:
            out.append(counter)
            continue
        base = out[-1] - (out[-1] % (1 << COUNTER_BITS))
        candidate = base + counter
        if candidate < out[-1]:
            candidate += 1 << COUNTER_BITS
        out.append(candidate)
    return out


@pytest.fixture(params=["/rtc/v1", "/rtc"])
def signal_path(request) -> str:
    return request.param


@pytest.fixture
def media_sfu(server, media_ip, signal_path):
    """A server on the namespace address; for `/rtc` it refuses `/rtc/v1` so the SDK falls back to dual-PC."""
    return server(*([] if signal_path == "/rtc/v1" else ["--disable-rtc-v1"]), bind=media_ip)


def opened_paths(sfu) -> set[str]:
    return {e.get("detail", {}).get("path") for e in sfu.events() if e["kind"] == "connection.open"}


async def connect(sfu, identity: str, room: str) -> rtc.Room:
    r = rtc.Room()
    await asyncio.wait_for(r.connect(sfu.livekit_url, sfu.token(identity, room), rtc.RoomOptions(connect_timeout=5)), 20)
    return r


@contextlib.asynccontextmanager
async def alice_and_bob(sfu):
    """Two connected SDK participants in a fresh room; both disconnect on exit."""
    room_name = unique()
    alice = await connect(sfu, "alice", room_name)
    try:
        bob = await connect(sfu, "bob", room_name)
        try:
            yield alice, bob
        finally:
            await asyncio.wait_for(bob.disconnect(), 10)
    finally:
        await asyncio.wait_for(alice.disconnect(), 10)


def subscribed(room: rtc.Room, expected: int) -> tuple[asyncio.Future, dict]:
    """A future resolved once `expected` remote video tracks are subscribed; the dict maps identity → track."""
    tracks: dict[str, rtc.RemoteVideoTrack] = {}
    done = asyncio.get_running_loop().create_future()

    def on_subscribed(track, publication, participant):
        if isinstance(track, rtc.RemoteVideoTrack):
            tracks[participant.identity] = track
            if len(tracks) == expected and not done.done():
                done.set_result(tracks)

    room.on("track_subscribed", on_subscribed)
    return done, tracks


async def test_subscriber_decodes_the_publishers_video(media_sfu, signal_path):
    sfu = media_sfu
    async with alice_and_bob(sfu) as (alice, bob):
        ready, tracks = subscribed(bob, 1)
        publisher = Publisher(alice, index=1, count=10 * FPS)
        publication = await publisher.publish()
        publisher.start()
        await asyncio.wait_for(ready, 10)
        assert tracks["alice"].sid == publication.sid
        receiver = Receiver(tracks["alice"])
        await asyncio.wait_for(publisher.done, 20)
        # Frames in flight when the source stops still arrive: stop once the newest sent frame is decoded or 2 s pass.
        last = ((1 << COUNTER_BITS) | ((publisher.count - 1) % (1 << COUNTER_BITS)))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(receiver.wait_for(last), 2)
        await receiver.stop()

        values = receiver.values
        assert values, "bob decoded no frame"
        assert all(v >> COUNTER_BITS == 1 for v in values), f"frames from the wrong publisher: {values[:20]}"
        counters = unwrap(values)
        assert counters == sorted(counters), f"frames out of order: {counters[:40]}"
        span = counters[-1] - counters[0] + 1
        distinct = len(set(counters))
        assert span >= 5 * FPS, f"only {span} frames of video reached bob"
        print(f"decoded {distinct} of {span} frames ({distinct / span:.1%}); first decoded counter {counters[0]}")
        assert distinct >= 0.9 * span, f"bob decoded {distinct} of the {span} frames sent while he was subscribed"
        negotiated = [e for e in sfu.events() if e["kind"] == "media.downtrack_negotiated"]
        assert negotiated and negotiated[0]["detail"]["target"] == ("publisher" if signal_path == "/rtc/v1" else "subscriber")
        assert opened_paths(sfu) == {signal_path}

async def test_three_participants_each_receive_both_others_without_cross_wiring(server, media_ip):
    sfu = server(bind=media_ip)
    room_name = unique()
    names = ["alice", "bob", "carol"]
    rooms = {name: await connect(sfu, name, room_name) for name in names}
    try:
        waits = {name: subscribed(rooms[name], 2) for name in names}
        publishers = {name: Publisher(rooms[name], index=i, count=6 * FPS) for i, name in enumerate(names)}
        for publisher in publishers.values():
            await publisher.publish()
        for publisher in publishers.values():
            publisher.start()
        receivers: dict[tuple[str, str], Receiver] = {}
        for name, (ready, _) in waits.items():
            tracks = await asyncio.wait_for(ready, 15)
            assert sorted(tracks) == sorted(n for n in names if n != name)
            for sender, track in tracks.items():
                receivers[(name, sender)] = Receiver(track)
        await asyncio.wait_for(asyncio.gather(*(p.done for p in publishers.values())), 20)
        for receiver in receivers.values():
            await receiver.stop()
        for (name, sender), receiver in receivers.items():
            index = names.index(sender)
            assert len(receiver.values) >= 2 * FPS, f"{name} decoded only {len(receiver.values)} frames of {sender}"
            wrong = [v for v in receiver.values if v >> COUNTER_BITS != index]
            assert not wrong, f"{name} got frames of another publisher on {sender}'s track: {wrong[:10]}"
    finally:
        for room in rooms.values():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(room.disconnect(), 10)


async def test_subscriber_hears_the_publishers_sine_tone(media_sfu):
    sfu = media_sfu
    async with alice_and_bob(sfu) as (alice, bob):
        rate, tone = 48_000, 440.0
        ready = asyncio.get_running_loop().create_future()
        bob.on("track_subscribed", lambda track, pub, p: isinstance(track, rtc.RemoteAudioTrack) and not ready.done() and ready.set_result(track))
        source = rtc.AudioSource(rate, 1)
        track = rtc.LocalAudioTrack.create_audio_track("mic", source)
        await alice.local_participant.publish_track(track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))

        async def speak(seconds: float) -> None:
            # capture_frame waits while the source's queue is full, so this runs in real time.
            samples_per_frame = rate // 100
            for index in range(int(seconds * 100)):
                frame = rtc.AudioFrame.create(rate, 1, samples_per_frame)
                data = frame.data
                for i in range(samples_per_frame):
                    t = (index * samples_per_frame + i) / rate
                    data[i] = int(12_000 * math.sin(2 * math.pi * tone * t))
                await source.capture_frame(frame)

        speaker = asyncio.create_task(speak(6))
        remote = await asyncio.wait_for(ready, 10)
        samples: list[int] = []
        heard = asyncio.Event()

        async def listen() -> None:
            async for event in rtc.AudioStream(remote, sample_rate=rate, num_channels=1):
                samples.extend(event.frame.data)
                if len(samples) >= 3 * rate:
                    heard.set()
                    return

        listener = asyncio.create_task(listen())
        await asyncio.wait_for(heard.wait(), 15)
        listener.cancel()
        speaker.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(listener, speaker)
        # The last second: well after the decoder's start-up. Count sign changes of the loud part.
        window = samples[-rate:]
        assert max(abs(s) for s in window) > 2_000, "bob heard silence"
        crossings = sum(1 for a, b in zip(window, window[1:]) if (a < 0) != (b < 0))
        frequency = crossings / 2
        assert abs(frequency - tone) < 0.05 * tone, f"bob heard {frequency:.0f} Hz, alice sent {tone:.0f} Hz"

async def test_mute_unpublish_and_republish_reach_the_subscriber(server, media_ip):
    sfu = server(bind=media_ip)
    async with alice_and_bob(sfu) as (alice, bob):
        events: asyncio.Queue = asyncio.Queue()
        bob.on("track_subscribed", lambda track, pub, p: events.put_nowait(("subscribed", track)))

        def track_sid(*args) -> str:
            """The publication's sid among an event's arguments (the SDK orders them differently per event)."""
            return next(a.sid for a in args if getattr(a, "sid", "").startswith("TR_"))

        bob.on("track_muted", lambda *args: events.put_nowait(("muted", track_sid(*args))))
        bob.on("track_unmuted", lambda *args: events.put_nowait(("unmuted", track_sid(*args))))
        bob.on("track_unpublished", lambda *args: events.put_nowait(("unpublished", track_sid(*args))))

        async def next_event(kind: str):
            while True:
                name, value = await asyncio.wait_for(events.get(), 10)
                if name == kind:
                    return value

        first = Publisher(alice, index=1, count=8 * FPS)
        publication = await first.publish()
        first.start()
        track = await next_event("subscribed")
        receiver = Receiver(track)
        await asyncio.wait_for(receiver.wait_for((1 << COUNTER_BITS) | 20), 10)

        publication.track.mute()
        assert await next_event("muted") == publication.sid
        publication.track.unmute()
        assert await next_event("unmuted") == publication.sid

        await alice.local_participant.unpublish_track(publication.sid)
        assert await next_event("unpublished") == publication.sid
        await receiver.stop()
        first.done.cancel()

        second = Publisher(alice, index=2, count=8 * FPS)
        republished = await second.publish()
        assert republished.sid != publication.sid
        second.start()
        track = await next_event("subscribed")
        receiver = Receiver(track)
        # Decodes the new track's frames (publisher index 2) on the renegotiated section.
        await asyncio.wait_for(receiver.wait_for((2 << COUNTER_BITS) | 30), 15)
        await receiver.stop()
        assert all(v >> COUNTER_BITS == 2 for v in receiver.values[-20:]), receiver.values[-20:]
        second.done.cancel()

@pytest.mark.parametrize("dropped", ["bob", "alice"])
async def test_forced_signal_close_resumes_and_media_keeps_flowing(media_sfu, signal_path, dropped):
    """The server drops one side's signal WebSocket (no LeaveRequest): the SDK resumes with the same SID and
    bob keeps decoding alice's video through it (the transports belong to the participant, not the socket)."""
    sfu = media_sfu
    async with alice_and_bob(sfu) as (alice, bob):
        ready, tracks = subscribed(bob, 1)
        publisher = Publisher(alice, index=1, count=14 * FPS)
        await publisher.publish()
        publisher.start()
        await asyncio.wait_for(ready, 10)
        receiver = Receiver(tracks["alice"])
        await asyncio.wait_for(receiver.wait_for((1 << COUNTER_BITS) | 20), 10)
        room = alice if dropped == "alice" else bob
        sid = room.local_participant.sid
        mark = max((e["seq"] for e in sfu.events()), default=0)

        body = {"action": "close_signal", "room": room.name, "identity": dropped, "code": 1001}
        answer = await asyncio.to_thread(sfu.http, "POST", "/_sim/faults", body=json.dumps(body))
        assert answer.status == 200, answer.text
        resumed = await asyncio.to_thread(sfu.wait_event, kind="participant.resumed", identity=dropped, since=mark, timeout=20)
        assert resumed["participant"] == sid
        before = len(receiver.values)
        # Three more seconds of video decoded after the resume, in order, from alice.
        while len(receiver.values) < before + 3 * FPS:
            receiver.updated.clear()
            await asyncio.wait_for(receiver.updated.wait(), 5)
        await receiver.stop()
        publisher.done.cancel()

        later = sfu.events(mark)
        assert room.local_participant.sid == sid
        assert not [e for e in later if e["kind"] == "participant.joined" and e.get("identity") == dropped], "a full reconnect, not a resume"
        assert not [e for e in later if e["kind"] == "transport.open"], "the resume created new transports"
        counters = unwrap(receiver.values[before:])
        assert counters == sorted(counters), counters[:40]
        if signal_path == "/rtc":
            assert any(e["kind"] == "transport.ice_restart" and e["detail"]["target"] == "subscriber" for e in later)


async def test_simulcast_publisher_and_a_subscriber_changing_quality_keeps_decoding(media_sfu, signal_path):
    """alice publishes 1280x720 with simulcast (rid layers q/h/f on the wire, no a=ssrc); bob gets the high layer,
    asks for LOW (UpdateTrackSettings) and then HIGH again: the decoded size follows, and decoding never stops.
    (At 640x360 the SDK's two layers are both 640x360, so the size would not show the switch.)"""
    sfu = media_sfu
    async with alice_and_bob(sfu) as (alice, bob):
        ready, tracks = subscribed(bob, 1)
        publisher = Publisher(alice, index=1, count=40 * FPS, width=1280, height=720, simulcast=True)
        await publisher.publish()
        publisher.start()
        await asyncio.wait_for(ready, 10)
        publication = next(p for p in bob.remote_participants["alice"].track_publications.values() if p.kind == rtc.TrackKind.KIND_VIDEO)
        assert publication.simulcasted
        receiver = Receiver(tracks["alice"])

        async def frames_at(predicate, count: int, timeout: float = 15) -> None:
            """Waits until `count` consecutive decoded frames satisfy `predicate(width)`."""
            async with asyncio.timeout(timeout):
                while True:
                    if len(receiver.widths) >= count and all(predicate(w) for w in receiver.widths[-count:]):
                        return
                    receiver.updated.clear()
                    await receiver.updated.wait()

        await frames_at(lambda w: w == 1280, 20)
        publication.set_video_quality(rtc.VideoQuality.VIDEO_QUALITY_LOW)
        await frames_at(lambda w: w < 1280, 20)
        low = min(receiver.widths)
        publication.set_video_quality(rtc.VideoQuality.VIDEO_QUALITY_HIGH)
        await frames_at(lambda w: w == 1280, 20)
        await receiver.stop()
        publisher.done.cancel()

        assert low <= 320, f"the low layer is {low} wide"
        assert all(v >> COUNTER_BITS == 1 for v in receiver.values), "frames from another publisher"
        counters = unwrap(receiver.values)
        assert counters == sorted(counters), "frames out of order across the layer switches"
        gaps = [b - a for a, b in zip(counters, counters[1:])]
        assert max(gaps) <= FPS, f"decoding stopped for {max(gaps)} frames around a switch"
        settings = [e["detail"]["quality"] for e in sfu.events() if e["kind"] == "signal.in.track_setting"]
        assert 0 in settings and settings[-1] == 2, settings
        applied = [e["detail"] for e in sfu.events() if e["kind"] == "media.layer_settings"]
        assert any(d["max_quality"] == "q" and d["applied"] and len(d["active_layers"]) >= 2 for d in applied), applied
