"""Benchmark: the server's resident memory per participant with real media (product bar: ≤ 2 MiB each).

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_rss.py --participants 10 --bin .build/release/sfusim
N real `livekit` SDK participants join one room (each with its own ICE/DTLS/SRTP transport); the first publishes
stripe-coded video and every other one decodes it (N-1 down tracks, each with its packet cache). Prints the
server's RSS when idle, with everyone connected and forwarding, and (difference) / N.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from livekit import api, rtc  # noqa: E402

from bench_support import release_server  # noqa: E402
from test_media_forwarding import Publisher, Receiver, subscribed  # noqa: E402


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10)
    parser.add_argument("--bin", default=".build/release/sfusim")
    args = parser.parse_args()
    rooms: list[rtc.Room] = []
    with release_server(args.bin, os.environ["SFUSIM_TEST_IP_A"]) as (info, server):
        try:
            idle = rss_kib(server.pid)

            def token(identity: str) -> str:
                return (api.AccessToken(info["api_key"], info["api_secret"]).with_identity(identity)
                        .with_grants(api.VideoGrants(room_join=True, room="rss")).to_jwt())

            publisher_room = rtc.Room()
            await asyncio.wait_for(publisher_room.connect(info["livekit_url"], token("publisher")), 20)
            rooms.append(publisher_room)
            publisher = Publisher(publisher_room, index=1, count=10**9)
            await publisher.publish()
            publisher.start()
            receivers = []
            for index in range(args.participants - 1):
                room = rtc.Room()
                ready_track, tracks = subscribed(room, 1)
                await asyncio.wait_for(room.connect(info["livekit_url"], token(f"viewer-{index}")), 20)
                rooms.append(room)
                receivers.append(Receiver((await asyncio.wait_for(ready_track, 15))["publisher"]))
            for receiver in receivers:  # every subscriber decodes: its down track and cache are in use
                while len(receiver.values) < 40:
                    receiver.updated.clear()
                    await asyncio.wait_for(receiver.updated.wait(), 15)
            loaded = rss_kib(server.pid)
            per = (loaded - idle) / args.participants / 1024
            print(f"server_rss idle={idle / 1024:.1f}MiB loaded={loaded / 1024:.1f}MiB participants={args.participants} "
                  f"per_participant={per:.2f}MiB")
            for receiver in receivers:
                await receiver.stop()
            publisher.done.cancel()
        finally:
            for room in rooms:
                await room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
