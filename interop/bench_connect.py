"""Benchmark: the real LiveKit Python SDK's Room.connect() against sfusim (product bar: median <= 300 ms).

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_connect.py --runs 20 --bin .build/release/sfusim
Each run connects a fresh Room as a new identity into one room (so later joiners also receive the earlier ones'
participant info), then disconnects. Prints the median, p90, min and max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time

from livekit import api, rtc


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--bin", default=".build/release/sfusim")
    args = parser.parse_args()
    ip = os.environ["SFUSIM_TEST_IP_A"]
    workdir = tempfile.mkdtemp(prefix="sfusim-bench-")
    ready_path = os.path.join(workdir, "ready")
    os.mkfifo(ready_path)
    server = subprocess.Popen([args.bin, "serve", "--bind", ip, "--port", "0", "--ready-file", ready_path, "--log-level", "error"])
    try:
        with open(ready_path) as ready:  # blocks until the server writes it
            info = json.load(ready)
        samples = []
        for index in range(args.runs):
            token = (
                api.AccessToken(info["api_key"], info["api_secret"])
                .with_identity(f"bench-{index}")
                .with_grants(api.VideoGrants(room_join=True, room="bench"))
                .to_jwt()
            )
            room = rtc.Room()
            start = time.monotonic()
            await asyncio.wait_for(room.connect(info["livekit_url"], token), 20)
            samples.append((time.monotonic() - start) * 1000)
            await asyncio.wait_for(room.disconnect(), 10)
        samples.sort()
        p90 = samples[max(0, int(round(0.9 * len(samples))) - 1)]
        print(
            f"room_connect_ms runs={len(samples)} median={statistics.median(samples):.1f} "
            f"p90={p90:.1f} min={samples[0]:.1f} max={samples[-1]:.1f}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
