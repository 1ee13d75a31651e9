"""Benchmark: how exactly the scenario engine applies a scheduled delay under load.

    swift build -c release --product sfusim
    .venv/bin/python interop/bench_scenario_delay.py --clients 50 --rate 50 --seconds 5 --bin .build/release/sfusim
A server-wide scenario delays every `pong_resp` by `--delay` (default 20 ms). N raw signalling clients each send
`ping_req` at `--rate` per second; from the server's own event log, each `pong_resp`'s delivery time minus its
`ping_req`'s arrival time minus the delay is the scheduling error. Prints its p50/p99/max in ms and the load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from livekit import api  # noqa: E402
from livekit.protocol import rtc as proto  # noqa: E402

from bench_support import release_server  # noqa: E402
from rawclient import SignalClient  # noqa: E402
from sfusim_harness import http_request  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=50, help="ping_req per second per client")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--delay", type=int, default=20, help="ms")
    parser.add_argument("--bin", default=".build/release/sfusim")
    args = parser.parse_args()
    scenario = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    scenario.write(f"name: bench-delay\ntimeline:\n  - at: 0s\n    do:\n      - delay: {{ tap: signal.out, message: pong_resp, by: {args.delay}ms }}\n")
    scenario.close()
    with release_server(args.bin, "127.0.0.1", extra=["--scenario", scenario.name]) as (info, _):
        def token(identity: str) -> str:
            return (api.AccessToken(info["api_key"], info["api_secret"]).with_identity(identity)
                    .with_grants(api.VideoGrants(room_join=True, room=f"bench-{identity[-1]}")).to_jwt())

        clients = [await SignalClient.connect(info["livekit_url"], token(f"c{i}")) for i in range(args.clients)]
        loop = asyncio.get_running_loop()
        stop = loop.time() + args.seconds
        ticker = asyncio.Event()

        async def pinger(client) -> None:
            # Paced on the loop's clock: each send is scheduled at its slot (a source's cadence, not a wait).
            slot = loop.time()
            while loop.time() < stop:
                await client.send(proto.SignalRequest(ping_req=proto.Ping(timestamp=int(slot * 1000), rtt=0)))
                slot += 1 / args.rate
                handle = loop.call_at(slot, ticker.set)
                await ticker.wait()
                ticker.clear()
                handle.cancel()

        await asyncio.gather(*(pinger(c) for c in clients))
        drain = loop.create_future()
        loop.call_later(args.delay / 1000 + 0.5, drain.set_result, None)
        await drain
        events = http_request(info["admin_url"] + "/events?since=0&limit=1000000").json()["events"]
        for client in clients:
            await client.close()
    inbound: dict[int, list[float]] = {}
    outbound: dict[int, list[float]] = {}
    for e in events:
        if e["kind"] == "signal.in.ping_req":
            inbound.setdefault(e["conn"], []).append(e["t_ms"])
        elif e["kind"] == "signal.out.pong_resp":
            outbound.setdefault(e["conn"], []).append(e["t_ms"])
    errors = sorted(out - inn - args.delay for conn, ins in inbound.items() for inn, out in zip(ins, outbound.get(conn, [])))
    pick = lambda q: errors[min(len(errors) - 1, int(q * len(errors)))]  # noqa: E731
    print(f"scenario_delay_error_ms delay={args.delay} clients={args.clients} rate={args.rate}/s each "
          f"({args.clients * args.rate} msg/s) samples={len(errors)} p50={pick(0.5):.3f} p99={pick(0.99):.3f} max={errors[-1]:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
