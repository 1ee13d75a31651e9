"""Benchmark: the Decart realtime path through sfusim, with the real `livekit` Python SDK.

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_decart.py --runs 10 --bin .build/release/sfusim
Each run opens a `/v1/stream` control WebSocket (JS lean flow: join, then a 100 KB set_image), and times
  - open → `livekit_room_info` (the control handshake), and
  - LiveKit `Room.connect()` start → the first frame of the inference server's echo decoded (its stripes are
    checked to be this client's own video).
Prints median, p90, min and max in milliseconds for both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import websockets  # noqa: E402
from livekit import rtc  # noqa: E402

from bench_support import release_server, summary  # noqa: E402
from test_decart import image_b64  # noqa: E402
from test_media_forwarding import COUNTER_BITS, Publisher, Receiver  # noqa: E402


async def one_run(info: dict, index: int) -> tuple[float, float]:
    start = time.monotonic()
    async with websockets.connect(f"{info['livekit_url']}/v1/stream?api_key=bench&model=mirage&user_agent=decart-js-sdk/0.1.9", max_size=None) as ws:
        await ws.send(json.dumps({"type": "livekit_join", "passthrough": False}))
        await ws.send(json.dumps({"type": "set_image", "image_data": image_b64(100_000), "prompt": "bench"}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "livekit_room_info":
                break
        room_info_ms = (time.monotonic() - start) * 1000
        room = rtc.Room()
        echo = asyncio.get_running_loop().create_future()
        room.on("track_subscribed", lambda track, pub, participant: participant.identity.startswith("inference-server-")
                and isinstance(track, rtc.RemoteVideoTrack) and not echo.done() and echo.set_result(track))
        connect_start = time.monotonic()
        await asyncio.wait_for(room.connect(message["livekit_url"], message["token"]), 20)
        publisher = Publisher(room, index=index % 4, count=10**9)
        await publisher.publish()
        publisher.start()
        receiver = Receiver(await asyncio.wait_for(echo, 10))
        await asyncio.wait_for(receiver.updated.wait(), 10)
        first_frame_ms = (time.monotonic() - connect_start) * 1000
        assert receiver.values[0] >> COUNTER_BITS == index % 4, receiver.values
        await receiver.stop()
        publisher.done.cancel()
        await room.disconnect()
    return room_info_ms, first_frame_ms


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bin", default=".build/release/sfusim")
    args = parser.parse_args()
    with release_server(args.bin, os.environ["SFUSIM_TEST_IP_A"]) as (info, _):
        results = [await one_run(info, index) for index in range(args.runs)]
    print(summary("decart_open_to_room_info_ms", [r[0] for r in results]))
    print(summary("decart_connect_to_first_echoed_frame_ms", [r[1] for r in results]))


if __name__ == "__main__":
    asyncio.run(main())
