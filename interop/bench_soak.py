"""Soak: churn joins, publications, metadata updates and leaves (clean, and abrupt ones the server keeps for its
resume window) against a release server for a while, sampling its RSS, threads and open fds, while a bystander in
another room measures its ping_req → pong_resp round trip.

  scripts/with-netns .venv/bin/python interop/bench_soak.py --bin .build/release/sfusim --minutes 10 [--workers 8] [--rooms 200]

Prints the samples, the joins per second sustained, RSS growth after a one-minute warm-up (extrapolated to 10
minutes), the thread and fd ranges, and the bystander's pong p50/p99. Raw signalling clients (rawclient.py) with a
real publisher offer, so every publishing join opens a real ICE transport on the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from livekit import api  # noqa: E402

from bench_support import release_server  # noqa: E402
from rawclient import OfferTrack, SignalClient, make_offer  # noqa: E402


async def at(when: float) -> None:
    """Resumes at `when` on the loop's clock: the cadence of a sampler or a pinger (scheduled slots, not a wait for
    something to happen)."""
    loop = asyncio.get_running_loop()
    slot = loop.create_future()
    loop.call_at(when, lambda: slot.done() or slot.set_result(None))
    await slot


def token(info: dict, identity: str, room: str) -> str:
    grants = api.VideoGrants(room_join=True, room=room, can_update_own_metadata=True)
    return api.AccessToken(info["api_key"], info["api_secret"]).with_identity(identity).with_grants(grants).to_jwt()


def sample(pid: int) -> tuple[int, int, int]:
    """(RSS in kB, threads, open fds) of the server process."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads, len(os.listdir(f"/proc/{pid}/fd"))


async def churn(info: dict, worker: int, rooms: int, deadline: float, counts: dict, publish: bool = True) -> None:
    cycle = 0
    while time.monotonic() < deadline:
        cycle += 1
        room = f"soak-{(worker * 7919 + cycle) % rooms}"
        identity = f"w{worker}-{cycle}"
        try:
            client = await SignalClient.connect(info["livekit_url"], token(info, identity, room))
            if publish:
                await client.add_track(f"cam-{cycle}", "video")
                await client.recv("track_published")
                await client.offer(make_offer([OfferTrack("video", f"cam-{cycle}")]), 1)
                await client.recv("answer")
            await client.update_metadata(metadata=f"m{cycle}", request_id=cycle)
            if cycle % 10 == 0:
                await client.abort()  # abrupt: the server keeps the participant for its resume window
            else:
                await client.leave()
                await client.close()
            counts["joins"] += 1
        except Exception as error:  # noqa: BLE001 - counted and reported, the soak goes on
            counts["errors"] += 1
            counts["last_error"] = repr(error)


async def bystander(info: dict, deadline: float, rtts: list[float]) -> None:
    client = await SignalClient.connect(info["livekit_url"], token(info, "bystander", "bystander-room"))
    loop = asyncio.get_running_loop()
    slot = loop.time()
    while time.monotonic() < deadline:
        sent = time.monotonic()
        await client.ping_req()
        await client.recv("pong_resp", timeout=10)
        rtts.append((time.monotonic() - sent) * 1000)
        slot += 0.1
        await at(slot)
    await client.close()


async def run(args) -> None:
    ip = os.environ.get("SFUSIM_TEST_IP_A")
    if not ip:
        sys.exit("run inside scripts/with-netns (the publishing joins open real ICE transports)")
    with release_server(args.bin, ip, args.server_arg) as (info, server):
        start = time.monotonic()
        deadline = start + args.minutes * 60
        counts = {"joins": 0, "errors": 0, "last_error": ""}
        rtts: list[float] = []
        samples: list[tuple[float, int, int, int]] = []
        tasks = [asyncio.create_task(churn(info, w, args.rooms, deadline, counts, not args.no_publish)) for w in range(args.workers)]
        tasks.append(asyncio.create_task(bystander(info, deadline, rtts)))
        loop = asyncio.get_running_loop()
        slot = loop.time()
        while time.monotonic() < deadline:
            samples.append((time.monotonic() - start, *sample(server.pid)))
            print(f"t={samples[-1][0]:6.0f}s rss={samples[-1][1] / 1024:7.1f}MB threads={samples[-1][2]:5d} fds={samples[-1][3]:5d} "
                  f"joins={counts['joins']} errors={counts['errors']}", flush=True)
            slot += args.interval
            await at(min(slot, loop.time() + max(0.0, deadline - time.monotonic())))
        await asyncio.gather(*tasks)
        samples.append((time.monotonic() - start, *sample(server.pid)))
    elapsed = samples[-1][0]
    warm = [s for s in samples if s[0] >= args.warmup]
    growth = (warm[-1][1] - warm[0][1]) / 1024 if len(warm) > 1 else 0.0
    span = (warm[-1][0] - warm[0][0]) if len(warm) > 1 else 1.0
    print(f"joins={counts['joins']} ({counts['joins'] / elapsed:.1f}/s) errors={counts['errors']} {counts['last_error']}")
    print(f"rss_after_warmup_mb first={warm[0][1] / 1024:.1f} last={warm[-1][1] / 1024:.1f} "
          f"growth={growth:.2f}MB over {span:.0f}s = {growth * 600 / span:.2f}MB per 10 min")
    print(f"threads min={min(s[2] for s in warm)} max={max(s[2] for s in warm)}; fds min={min(s[3] for s in warm)} max={max(s[3] for s in warm)}")
    ordered = sorted(rtts)
    print(f"bystander_pong_ms n={len(ordered)} p50={statistics.median(ordered):.1f} p99={ordered[int(0.99 * (len(ordered) - 1))]:.1f} max={ordered[-1]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--interval", type=float, default=15, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=60, help="seconds before growth is measured")
    parser.add_argument("--no-publish", action="store_true", help="joins only: no track, no offer, no ICE transport")
    parser.add_argument("--server-arg", action="append", default=[], help="an extra `sfusim serve` argument (repeatable)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
