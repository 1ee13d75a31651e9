"""Benchmark: DataPackets between two real LiveKit Python SDK participants through sfusim.

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_data.py --bin .build/release/sfusim
Round trip: alice publishes a small reliable packet to bob, bob's handler publishes it straight back; the time from
alice's send to her receiving the echo, over `--pings` packets (p50/p99). Throughput: alice sends `--mb` megabytes
as 15,000-byte reliable packets to bob, as fast as the SDK takes them; MB/s from the first send to bob's last
receive. Also the server's CPU time per forwarded DataPacket over the whole run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

from livekit import api, rtc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_support import release_server  # noqa: E402


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/sfusim")
    parser.add_argument("--pings", type=int, default=500)
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    with release_server(args.bin, os.environ["SFUSIM_TEST_IP_A"]) as (info, server):
        def token(identity: str) -> str:
            grants = api.VideoGrants(room_join=True, room="bench-data")
            return api.AccessToken(info["api_key"], info["api_secret"]).with_identity(identity).with_grants(grants).to_jwt()

        alice, bob = rtc.Room(), rtc.Room()
        echoes: asyncio.Queue[bytes] = asyncio.Queue()
        received = {"bytes": 0, "last": 0.0}
        done = asyncio.get_running_loop().create_future()
        target = int(args.mb * 1_000_000)

        @alice.on("data_received")
        def _alice(packet: rtc.DataPacket) -> None:
            echoes.put_nowait(packet.data)

        @bob.on("data_received")
        def _bob(packet: rtc.DataPacket) -> None:
            if packet.topic == "ping":
                asyncio.get_running_loop().create_task(bob.local_participant.publish_data(packet.data, topic="pong"))
                return
            received["bytes"] += len(packet.data)
            received["last"] = time.perf_counter()
            if received["bytes"] >= target and not done.done():
                done.set_result(True)

        await alice.connect(info["livekit_url"], token("alice"))
        await bob.connect(info["livekit_url"], token("bob"))
        # The first sends wait for the data channels; warm up until an echo comes back.
        await alice.local_participant.publish_data(b"warm-up", topic="ping")
        await asyncio.wait_for(echoes.get(), 20)
        cpu_before = cpu_seconds(server.pid)

        rtts: list[float] = []
        for index in range(args.pings):
            payload = index.to_bytes(4, "big")
            start = time.perf_counter()
            await alice.local_participant.publish_data(payload, topic="ping", destination_identities=["bob"])
            while (await asyncio.wait_for(echoes.get(), 10)) != payload:
                pass
            rtts.append((time.perf_counter() - start) * 1000)

        chunk = bytes(15_000)
        start = time.perf_counter()
        sent = 0
        while sent < target:
            await alice.local_participant.publish_data(chunk, topic="bulk", destination_identities=["bob"])
            sent += len(chunk)
        sending = time.perf_counter() - start
        await asyncio.wait_for(done, 120)
        seconds = received["last"] - start
        forwarded = args.pings * 2 + target // len(chunk) + 2
        cpu = cpu_seconds(server.pid) - cpu_before
        rtts.sort()
        print(f"data_round_trip pings={len(rtts)} p50_ms={statistics.median(rtts):.2f} p99_ms={rtts[int(0.99 * len(rtts)) - 1]:.2f} "
              f"max_ms={rtts[-1]:.2f}")
        print(f"data_throughput_1to1 bytes={received['bytes']} seconds={seconds:.2f} mb_per_s={received['bytes'] / seconds / 1e6:.1f} "
              f"sender_loop_s={sending:.2f}")
        print(f"data_server_cpu packets~{forwarded} server_cpu_s={cpu:.2f} us_per_forwarded_packet={cpu / forwarded * 1e6:.0f}")
        await alice.disconnect()
        await bob.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
