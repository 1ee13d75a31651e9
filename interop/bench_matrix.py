"""Benchmark: the embedded homeserver's long-poll /sync wake-up latency.

    swift build -c release --product sfusim
    .venv/bin/python interop/bench_matrix.py --bin .build/release/sfusim [--rounds 300]

Two users in one room, plain HTTP (aiohttp, one keep-alive connection each). Each round bob's `/sync`
(`timeout=30000`) is sent first; once the server logs that it holds it (`matrix.sync_held`, read from the admin
API), alice sends a message. The sample is the
time from the start of alice's `PUT /send` to bob's sync response (so it includes the send's own round trip).
Prints p50/p99 in milliseconds, and the mean `/versions` round trip for scale. With `--synapse`, also the proxy's
added latency: `/sync?timeout=0` round trips to Synapse direct and through `sfusim --matrix-upstream`, p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_support import release_server  # noqa: E402


async def register(session: aiohttp.ClientSession, base: str, name: str) -> str:
    async with session.post(f"{base}/_matrix/client/v3/register",
                            json={"username": name, "password": "pw", "auth": {"type": "m.login.dummy"}}) as r:
        return (await r.json())["access_token"]


async def call(session, method, url, token, **kwargs) -> dict:
    async with session.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs) as r:
        assert r.status == 200, (url, r.status, await r.text())
        return await r.json()


async def held(session: aiohttp.ClientSession, admin: str, since: int) -> int:
    """Asks the admin API until the server logs that it holds a sync; the last event's sequence number."""
    while True:
        async with session.get(f"{admin}/events", params={"since": str(since)}) as r:
            events = (await r.json())["events"]
        for event in events:
            since = max(since, event["seq"])
            if event["kind"] == "matrix.sync_held":
                return since


async def run(base: str, rounds: int) -> None:
    async with aiohttp.ClientSession() as alice_http, aiohttp.ClientSession() as bob_http:
        alice = await register(alice_http, base, "alice")
        bob = await register(bob_http, base, "bob")
        room = (await call(alice_http, "POST", f"{base}/_matrix/client/v3/createRoom", alice, json={"preset": "public_chat"}))["room_id"]
        await call(bob_http, "POST", f"{base}/_matrix/client/v3/join/{room}", bob, json={})
        since = (await call(bob_http, "GET", f"{base}/_matrix/client/v3/sync", bob, params={"timeout": "0"}))["next_batch"]
        admin = base + "/_sim"
        seq = 0
        samples: list[float] = []
        for n in range(rounds):
            waiting = asyncio.create_task(call(bob_http, "GET", f"{base}/_matrix/client/v3/sync", bob,
                                               params={"since": since, "timeout": "30000"}))
            seq = await held(alice_http, admin, seq)  # measure only a sync the server is already holding
            start = time.perf_counter()
            await call(alice_http, "PUT", f"{base}/_matrix/client/v3/rooms/{room}/send/m.room.message/t{n}", alice,
                       json={"msgtype": "m.text", "body": str(n)})
            response = await waiting
            samples.append((time.perf_counter() - start) * 1000)
            since = response["next_batch"]
        samples.sort()
        p99 = samples[min(len(samples) - 1, int(round(0.99 * len(samples))) - 1)]
        print(f"matrix_sync_wakeup rounds={len(samples)} p50_ms={statistics.median(samples):.2f} p99_ms={p99:.2f} max_ms={samples[-1]:.2f}"
              " (send request start → the held sync's response, including the send's own round trip)")
        start = time.perf_counter()
        for _ in range(500):
            async with alice_http.get(f"{base}/_matrix/client/versions") as r:
                await r.read()
        print(f"matrix_versions_round_trip requests=500 mean_ms={(time.perf_counter() - start) * 2:.3f}")


async def sync_round_trips(base: str, token: str, rounds: int) -> list[float]:
    """`GET /sync?since=…&timeout=0` round trips (nothing new: the answer is immediate), in ms."""
    samples = []
    async with aiohttp.ClientSession() as session:
        since = (await call(session, "GET", f"{base}/_matrix/client/v3/sync", token, params={"timeout": "0"}))["next_batch"]
        for _ in range(rounds):
            start = time.perf_counter()
            since = (await call(session, "GET", f"{base}/_matrix/client/v3/sync", token, params={"since": since, "timeout": "0"}))["next_batch"]
            samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


async def proxy_overhead(synapse_url: str, proxy_url: str, rounds: int) -> None:
    async with aiohttp.ClientSession() as session:
        token = await register(session, synapse_url, "bench")
    direct = await sync_round_trips(synapse_url, token, rounds)
    proxied = await sync_round_trips(proxy_url, token, rounds)
    p50 = statistics.median
    print(f"matrix_proxy_sync rounds={rounds} synapse_direct_p50_ms={p50(direct):.2f} through_sfusim_p50_ms={p50(proxied):.2f} "
          f"added_p50_ms={p50(proxied) - p50(direct):.2f} direct_p99_ms={direct[int(0.99 * rounds) - 1]:.2f} "
          f"proxied_p99_ms={proxied[int(0.99 * rounds) - 1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/sfusim")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--synapse", action="store_true", help="also: /sync through sfusim --matrix-upstream vs Synapse direct")
    args = parser.parse_args()
    with release_server(args.bin, "127.0.0.1") as (info, _):
        asyncio.run(run(info["http_url"].rstrip("/"), args.rounds))
    if args.synapse:
        import tempfile
        from pathlib import Path

        from synapse_harness import Synapse

        synapse = Synapse(Path(tempfile.mkdtemp(prefix="synapse-bench-")))
        try:
            with release_server(args.bin, "127.0.0.1", ["--matrix-upstream", synapse.url]) as (info, _):
                asyncio.run(proxy_overhead(synapse.url, info["http_url"].rstrip("/"), args.rounds))
        finally:
            synapse.stop()


if __name__ == "__main__":
    main()
