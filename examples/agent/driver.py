"""A user for examples/agent/agent.py: creates a room whose token asks for the agent, then checks what it does.

    LIVEKIT_URL=ws://ADDR:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret \
    .venv/bin/python examples/agent/driver.py [--agent NAME] [--room ROOM]

Waits for the agent participant (kind AGENT), sends it a data packet and awaits the echo, calls its `ping` RPC,
and waits for its audio track; prints each step and exits non-zero if one does not happen within 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import uuid

from livekit import api, rtc


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default=os.environ.get("SFUSIM_AGENT_NAME", ""), help="agent name ('': automatic dispatch)")
    parser.add_argument("--room", default=f"demo-{uuid.uuid4().hex[:8]}", help="a room that does not exist yet")
    args = parser.parse_args()
    token = api.AccessToken(os.environ["LIVEKIT_API_KEY"], os.environ["LIVEKIT_API_SECRET"]).with_identity("user")
    token.with_grants(api.VideoGrants(room_join=True, room=args.room))
    if args.agent:
        token.with_room_config(api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name=args.agent)]))
    room = rtc.Room()
    loop = asyncio.get_running_loop()
    agent_joined, echoed, audio = loop.create_future(), loop.create_future(), loop.create_future()

    def on_participant(p: rtc.RemoteParticipant) -> None:
        if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT and not agent_joined.done():
            agent_joined.set_result(p)

    room.on("participant_connected", on_participant)
    room.on("data_received", lambda packet: packet.topic == "echo" and not echoed.done() and echoed.set_result(packet.data))
    room.on("track_subscribed", lambda track, pub, p: track.kind == rtc.TrackKind.KIND_AUDIO and not audio.done() and audio.set_result(p.identity))
    await room.connect(os.environ["LIVEKIT_URL"], token.to_jwt())
    try:
        for p in room.remote_participants.values():
            on_participant(p)
        agent = await asyncio.wait_for(agent_joined, 20)
        print(f"agent joined: {agent.identity} attributes={dict(agent.attributes)}")
        await room.local_participant.publish_data(b"hello", topic="hi", destination_identities=[agent.identity])
        print(f"echo: {await asyncio.wait_for(echoed, 20)!r}")
        print(f"rpc ping -> {await room.local_participant.perform_rpc(destination_identity=agent.identity, method='ping', payload='x')}")
        print(f"audio track from {await asyncio.wait_for(audio, 20)}")
    finally:
        await room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
