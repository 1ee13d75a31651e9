"""A minimal LiveKit agent to run against sfusim (livekit-agents 1.8.9, offline: no model, no cloud).

When dispatched to a room it joins as an agent participant, answers the RPC method `ping` with `pong:<payload>`,
echoes every data packet back to its sender on topic `echo`, and publishes a 440 Hz tone.

    LIVEKIT_URL=ws://127.0.0.1:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret \
    LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE=0 python agent.py dev

`SFUSIM_AGENT_NAME` sets the agent name (default "": automatic dispatch to every new room); `SFUSIM_TONE_HZ` the
tone's frequency.
"""

from __future__ import annotations

import asyncio
import math
import os

import numpy as np
from livekit import rtc
from livekit.agents import AgentServer, JobContext, cli

AGENT_NAME = os.environ.get("SFUSIM_AGENT_NAME", "")
TONE_HZ = float(os.environ.get("SFUSIM_TONE_HZ", "440"))
RATE = 48_000
FRAME = 480  # 10 ms

server = AgentServer()


@server.rtc_session(agent_name=AGENT_NAME)
async def entry(ctx: JobContext) -> None:
    await ctx.connect()
    local = ctx.room.local_participant

    async def ping(data: rtc.RpcInvocationData) -> str:
        return "pong:" + data.payload

    local.register_rpc_method("ping", ping)

    def on_data(packet: rtc.DataPacket) -> None:
        if packet.participant is not None and packet.topic != "echo":
            asyncio.ensure_future(
                local.publish_data(packet.data, topic="echo", destination_identities=[packet.participant.identity])
            )

    ctx.room.on("data_received", on_data)

    source = rtc.AudioSource(RATE, 1)
    track = rtc.LocalAudioTrack.create_audio_track("tone", source)
    await local.publish_track(track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
    # The entrypoint returns; the job goes on until the room disconnects or the job is terminated (the framework
    # then disconnects the room, which ends the tone).
    tone = asyncio.create_task(play_tone(ctx, source))
    ctx.add_shutdown_callback(lambda: cancel(tone))


async def play_tone(ctx: JobContext, source: rtc.AudioSource) -> None:
    step = 2 * math.pi * TONE_HZ / RATE
    sample = 0
    while ctx.room.isconnected():
        frame = rtc.AudioFrame.create(RATE, 1, FRAME)
        samples = np.frombuffer(frame.data, dtype=np.int16)
        samples[:] = (8000 * np.sin(step * (sample + np.arange(FRAME)))).astype(np.int16)
        sample += FRAME
        await source.capture_frame(frame)  # waits while the source's queue is full: real time


async def cancel(task: asyncio.Task) -> None:
    task.cancel()

if __name__ == "__main__":
    cli.run_app(server)
