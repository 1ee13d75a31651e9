"""Benchmark: DataPackets between real LiveKit Python SDK participants through sfusim.

Run inside a network namespace (WebRTC ignores loopback), with a release build:
    swift build -c release --product sfusim
    scripts/with-netns .venv/bin/python interop/bench_data.py --bin .build/release/sfusim
Round trip: alice publishes a small reliable packet to bob, bob's handler publishes it straight back; the time from
alice's send to her receiving the echo, over `--pings` packets (p50/p99). Throughput, 1→1 and then 1→N (`--fanout`
receivers, broadcast): alice sends `--mb` megabytes as 15,000-byte reliable packets (`publish_data`, one SDK call
each) and then as one byte stream (`send_bytes`, chunked inside the SDK); MB/s from the first send to the last
receiver's last byte, each median of `--rounds`. Also the server's CPU time per forwarded DataPacket over the whole run.
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

CHUNK = 15_000


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Receiver:
    """A participant counting the bulk bytes it receives (packets on topic `bulk`, byte streams on `blob`)."""

    def __init__(self, identity: str):
        self.identity = identity
        self.room = rtc.Room()
        self.bytes = 0
        self.last = 0.0
        self.target = 0
        self.done: asyncio.Future | None = None
        self.room.on("data_received", self._packet)
        self.room.register_byte_stream_handler("blob", self._stream)

    def expect(self, target: int) -> asyncio.Future:
        self.bytes, self.target = 0, target
        self.done = asyncio.get_running_loop().create_future()
        return self.done

    def _count(self, n: int) -> None:
        self.bytes += n
        self.last = time.perf_counter()
        if self.done and self.bytes >= self.target and not self.done.done():
            self.done.set_result(True)

    def _packet(self, packet: rtc.DataPacket) -> None:
        if packet.topic == "ping":
            asyncio.get_running_loop().create_task(self.room.local_participant.publish_data(packet.data, topic="pong"))
        elif packet.topic == "bulk":
            self._count(len(packet.data))

    def _stream(self, reader, _identity: str) -> None:
        async def read() -> None:
            async for chunk in reader:
                self._count(len(chunk))

        asyncio.get_running_loop().create_task(read())


async def throughput(alice: rtc.Room, receivers: list[Receiver], target: int, stream: bool) -> tuple[float, float]:
    """Sends `target` bytes to `receivers` (as packets or one byte stream); MB/s delivered to each, and the send time."""
    waits = [r.expect(target) for r in receivers]
    destinations = [r.identity for r in receivers]
    start = time.perf_counter()
    if stream:
        await alice.local_participant.send_bytes(os.urandom(target), topic="blob", destination_identities=destinations)
    else:
        chunk = bytes(CHUNK)
        for _ in range(target // CHUNK):
            await alice.local_participant.publish_data(chunk, topic="bulk", destination_identities=destinations)
    sending = time.perf_counter() - start
    await asyncio.wait_for(asyncio.gather(*waits), 300)
    seconds = max(r.last for r in receivers) - start
    return target / seconds / 1e6, sending


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/sfusim")
    parser.add_argument("--pings", type=int, default=500)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--fanout", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    target = int(args.mb * 1_000_000) // CHUNK * CHUNK
    with release_server(args.bin, os.environ["SFUSIM_TEST_IP_A"]) as (info, server):
        def token(identity: str) -> str:
            grants = api.VideoGrants(room_join=True, room="bench-data")
            return api.AccessToken(info["api_key"], info["api_secret"]).with_identity(identity).with_grants(grants).to_jwt()

        alice = rtc.Room()
        echoes: asyncio.Queue[bytes] = asyncio.Queue()
        alice.on("data_received", lambda packet: echoes.put_nowait(packet.data))
        receivers = [Receiver(f"r{i}") for i in range(args.fanout)]
        await alice.connect(info["livekit_url"], token("alice"))
        for receiver in receivers:
            await receiver.room.connect(info["livekit_url"], token(receiver.identity))
        bob = receivers[0]
        # The first sends wait for the data channels; warm up until an echo comes back.
        await alice.local_participant.publish_data(b"warm-up", topic="ping", destination_identities=[bob.identity])
        await asyncio.wait_for(echoes.get(), 20)
        cpu_before = cpu_seconds(server.pid)
        forwarded = 0

        rtts: list[float] = []
        for index in range(args.pings):
            payload = index.to_bytes(4, "big")
            start = time.perf_counter()
            await alice.local_participant.publish_data(payload, topic="ping", destination_identities=[bob.identity])
            while (await asyncio.wait_for(echoes.get(), 10)) != payload:
                pass
            rtts.append((time.perf_counter() - start) * 1000)
        forwarded += 2 * args.pings
        rtts.sort()
        print(f"data_round_trip pings={len(rtts)} p50_ms={statistics.median(rtts):.2f} p99_ms={rtts[int(0.99 * len(rtts)) - 1]:.2f} "
              f"max_ms={rtts[-1]:.2f}")

        for group, label in (([bob], "1to1"), (receivers, f"1to{len(receivers)}")):
            for stream in (False, True):
                rates, sends = [], []
                for _ in range(args.rounds):
                    rate, sending = await throughput(alice, group, target, stream)
                    rates.append(rate)
                    sends.append(sending)
                    forwarded += len(group) * (target // CHUNK + (3 if stream else 0))
                kind = "stream" if stream else "packets"
                print(f"data_throughput_{label}_{kind} mb={target / 1e6:.0f} rounds={len(rates)} mb_per_s_median={statistics.median(rates):.1f} "
                      f"min={min(rates):.1f} max={max(rates):.1f} sender_s_median={statistics.median(sends):.2f}")
        cpu = cpu_seconds(server.pid) - cpu_before
        print(f"data_server_cpu forwarded~{forwarded} server_cpu_s={cpu:.2f} us_per_forwarded_packet={cpu / forwarded * 1e6:.0f}")
        await alice.disconnect()
        for receiver in receivers:
            await receiver.room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
