"""Media impairments applied by a scenario at the `media.rtp` tap, seen by a real decoding subscriber: `media_delay`
adds its delay to every frame bob decodes, `freeze` leaves a gap in bob's picture and then it recovers; alice's own
publication is untouched. Each test also runs without the scenario, where neither happens."""

from __future__ import annotations

import asyncio
import statistics

import pytest
from livekit import rtc

from test_media_forwarding import COUNTER_BITS, FPS, Publisher, alice_and_bob, read_stripes, subscribed

pytestmark = pytest.mark.media


class TimedPublisher(Publisher):
    """A publisher that notes when each counter value was captured."""

    def __init__(self, room: rtc.Room, count: int):
        super().__init__(room, index=1, count=count)
        self.captured: dict[int, float] = {}
        original = self.source.capture_frame

        def capture(frame: rtc.VideoFrame):
            # The frame is our own RGBA stripes: read the bits straight from the middle row.
            stripe, row = frame.width // 8, (frame.height // 2) * frame.width
            value = 0
            for bit in range(8):
                value = (value << 1) | (1 if frame.data[(row + bit * stripe + stripe // 2) * 4] > 128 else 0)
            self.captured[value & ((1 << COUNTER_BITS) - 1)] = asyncio.get_running_loop().time()
            original(frame)

        self.source.capture_frame = capture


async def decode_times(track: rtc.RemoteVideoTrack, until: float) -> list[tuple[float, int]]:
    """(time, counter) of every frame decoded until the loop time `until`."""
    stream = rtc.VideoStream(track)
    out: list[tuple[float, int]] = []
    loop = asyncio.get_running_loop()

    async def run() -> None:
        async for event in stream:
            out.append((loop.time(), read_stripes(event.frame) & ((1 << COUNTER_BITS) - 1)))

    task = asyncio.create_task(run())
    try:
        await asyncio.wait_for(asyncio.shield(task), max(0.0, until - loop.time()))
    except asyncio.TimeoutError:
        pass
    finally:
        task.cancel()
        await stream.aclose()
    return out


async def start_scenario(sfu, text: str) -> None:
    answer = await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body=text)
    assert answer.status == 200, answer.text
    await asyncio.to_thread(sfu.wait_event, kind="scenario.started", timeout=10)


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_media_delay_to_bob_adds_its_delay_to_every_frame_he_decodes(server, media_ip, with_scenario):
    sfu = server(bind=media_ip)
    if with_scenario:
        await start_scenario(sfu, "name: slow-bob\ntimeline:\n  - at: 0s\n    do:\n      - media_delay: { identity: bob, by: 400ms }\n")
    async with alice_and_bob(sfu) as (alice, bob):
        ready, tracks = subscribed(bob, 1)
        publisher = TimedPublisher(alice, count=60)  # 3 s; counters stay below 64, so each is unique
        await publisher.publish()
        publisher.start()
        await asyncio.wait_for(ready, 10)
        decoded = await decode_times(tracks["alice"], asyncio.get_running_loop().time() + 4.5)
    latencies = [t - publisher.captured[c] for t, c in decoded if c in publisher.captured]
    assert len(latencies) >= 20, decoded
    median = statistics.median(latencies)
    print(f"capture → decode at bob: median {median * 1000:.0f} ms over {len(latencies)} frames")
    if with_scenario:
        assert median >= 0.4, median
        faults = [e for e in sfu.events() if e["kind"] == "fault.applied" and e["detail"].get("fault") == "media_delay"]
        assert faults, "the impairment was not logged"
    else:
        assert median < 0.3, median


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_freeze_leaves_a_gap_in_bobs_picture_and_it_recovers(server, media_ip, with_scenario):
    sfu = server(bind=media_ip)
    async with alice_and_bob(sfu) as (alice, bob):
        ready, tracks = subscribed(bob, 1)
        publisher = Publisher(alice, index=1, count=10 * FPS)
        await publisher.publish()
        publisher.start()
        await asyncio.wait_for(ready, 10)
        loop = asyncio.get_running_loop()
        watcher = asyncio.create_task(decode_times(tracks["alice"], loop.time() + 7))
        # Frames flow first; then (with the scenario) every packet to bob is dropped for 2 s.
        if with_scenario:
            await start_scenario(sfu, "name: freeze-bob\ntimeline:\n  - at: 1s\n    do:\n      - freeze: { identity: bob, for: 2s }\n")
        decoded = await watcher
    times = [t for t, _ in decoded]
    assert len(times) >= 40, f"bob decoded only {len(times)} frames"
    gaps = [b - a for a, b in zip(times, times[1:])]
    longest = max(gaps)
    print(f"longest gap between decoded frames at bob: {longest * 1000:.0f} ms")
    if with_scenario:
        assert longest >= 1.8, longest
        after = times[gaps.index(longest) + 1:]
        assert len(after) >= 10, "bob's picture did not recover after the freeze"
        ended = await asyncio.to_thread(
            sfu.wait_event, lambda e: e["detail"].get("fault") == "freeze" and e["detail"].get("action") == "impair_end",
            kind="fault.applied", timeout=10,
        )
        assert ended["detail"]["affected"] > 0, ended
    else:
        assert longest < 0.6, longest
