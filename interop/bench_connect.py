"""Benchmark: the real LiveKit Python SDK's Room.connect() against sfusim (product bar: median <= 300 ms).

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_connect.py --runs 20 --bin .build/release/sfusim
Each run connects a fresh Room as a new identity into one room (so later joiners also receive the earlier ones'
participant info), then disconnects. Prints the median, p90, min and max in milliseconds.

With `--first-frame`, a publisher first joins and sends stripe-coded video at 20 fps; each run then also measures
connect() start → the first video frame decoded from it (product bar: 1 s), and checks the frame's content.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

from livekit import api, rtc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_support import release_server, summary  # noqa: E402
from test_media_forwarding import COUNTER_BITS, Publisher, Receiver  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--bin", default=".build/release/sfusim")
    parser.add_argument("--first-frame", action="store_true", help="also time connect() → first decoded frame")
    args = parser.parse_args()
    with release_server(args.bin, os.environ["SFUSIM_TEST_IP_A"]) as (info, _):
        def token(identity: str) -> str:
            return (
                api.AccessToken(info["api_key"], info["api_secret"])
                .with_identity(identity)
                .with_grants(api.VideoGrants(room_join=True, room="bench"))
                .to_jwt()
            )

        publisher = None
        if args.first_frame:
            source_room = rtc.Room()
            await asyncio.wait_for(source_room.connect(info["livekit_url"], token("bench-publisher")), 20)
            publisher = Publisher(source_room, index=1, count=10**9)
            await publisher.publish()
            publisher.start()
        samples, first_frames = [], []
        for index in range(args.runs):
            room = rtc.Room()
            video = asyncio.get_running_loop().create_future()
            room.on("track_subscribed", lambda track, *_: isinstance(track, rtc.RemoteVideoTrack) and not video.done() and video.set_result(track))
            start = time.monotonic()
            await asyncio.wait_for(room.connect(info["livekit_url"], token(f"bench-{index}")), 20)
            samples.append((time.monotonic() - start) * 1000)
            if publisher is not None:
                receiver = Receiver(await asyncio.wait_for(video, 10))
                await asyncio.wait_for(receiver.updated.wait(), 10)
                first_frames.append((time.monotonic() - start) * 1000)
                assert receiver.values[0] >> COUNTER_BITS == 1, receiver.values
                await receiver.stop()
            await asyncio.wait_for(room.disconnect(), 10)
        print(summary("room_connect_ms", samples))
        if first_frames:
            print(summary("first_decoded_frame_ms", first_frames))
        if publisher is not None:
            publisher.done.cancel()
            await source_room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
