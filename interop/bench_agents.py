"""How long from a room being created to its agent being in it, with a real `livekit-agents` 1.8.9 worker (dev mode,
examples/agent/agent.py) and a real `livekit` SDK participant whose token's roomConfig asks for the agent.

Each run creates a new room; the server's own event log splits the time into its parts:
  dispatch  room.created → agent.out.availability (the server offers the job)
  accept    → agent.in.availability (the worker answers)
  assign    → agent.out.assignment (token minted, sent)
  connect   → the agent participant's participant.joining (the worker starts a job process, which connects)
  active    → agent.job_joined (ICE + DTLS up: the agent is ACTIVE)
Run inside scripts/with-netns:
  scripts/with-netns .venv/bin/python interop/bench_agents.py --bin .build/release/sfusim [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from livekit import api, rtc  # noqa: E402

from agent_harness import AgentWorker  # noqa: E402
from bench_support import summary  # noqa: E402
from sfusim_harness import SfuSim, unique  # noqa: E402

PARTS = [("dispatch", "agent.out.availability"), ("accept", "agent.in.availability"), ("assign", "agent.out.assignment"),
         ("connect", "participant.joining"), ("active", "agent.job_joined")]


async def one_run(sfu: SfuSim) -> dict[str, float]:
    room = unique("bench")
    token = (api.AccessToken(sfu.api_key, sfu.api_secret).with_identity("user").with_grants(api.VideoGrants(room_join=True, room=room))
             .with_room_config(api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name="bench")])).to_jwt())
    r = rtc.Room()
    await r.connect(sfu.livekit_url, token)
    try:
        created = await asyncio.to_thread(sfu.wait_event, kind="room.created", room=room)
        joined = await asyncio.to_thread(sfu.wait_event, kind="agent.job_joined", room=room, timeout=30)
        identity = joined["identity"]
        events = [e for e in sfu.events(created["seq"] - 1) if e.get("room") == room]
        times = {"created": created["t_ms"]}
        for name, kind in PARTS:
            times[name] = next(e["t_ms"] for e in events if e["kind"] == kind and (kind != "participant.joining" or e.get("identity") == identity))
        return times
    finally:
        await r.disconnect()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    ip = os.environ.get("SFUSIM_TEST_IP_A")
    if not ip:
        sys.exit("run inside scripts/with-netns (WebRTC needs a non-loopback address)")
    workdir = Path(tempfile.mkdtemp(prefix="sfusim-bench-agents-"))
    sfu = SfuSim.start(Path(args.bin), workdir, ["--log-level", "error"], bind=ip)
    worker = AgentWorker(sfu, workdir, "bench")
    try:
        await one_run(sfu)  # warm-up: the worker's first job process
        runs = [await one_run(sfu) for _ in range(args.runs)]
    finally:
        worker.stop()
        sfu.stop()
    print(summary("room_created_to_agent_active_ms", [r["active"] - r["created"] for r in runs]))
    previous = "created"
    for name, _ in PARTS:
        print(summary(f"  {name}_ms", [r[name] - r[previous] for r in runs]))
        previous = name


if __name__ == "__main__":
    asyncio.run(main())
