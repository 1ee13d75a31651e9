"""The data plane with the real LiveKit Python SDK (libwebrtc's SCTP and DCEP): the SDK opens its `_reliable` and
`_lossy` channels on its publisher PeerConnection through sfusim, and RoomService `SendData` reaches it on them,
as a DataPacket the SDK decodes (payload, topic, no sender), to every participant or only the destinations named.
"""

from __future__ import annotations

import asyncio

import pytest
from livekit import rtc
from livekit.api import SendDataRequest
from livekit.protocol import models

from sfusim_harness import unique

pytestmark = pytest.mark.media


class Receiver:
    """An SDK participant collecting the data packets it receives."""

    def __init__(self):
        self.room = rtc.Room()
        self.packets: asyncio.Queue[rtc.DataPacket] = asyncio.Queue()
        self.room.on("data_received", self.packets.put_nowait)

    async def next(self, timeout: float = 10) -> rtc.DataPacket:
        return await asyncio.wait_for(self.packets.get(), timeout)


async def channels_open(sfu, identity: str) -> str:
    """Waits until the server saw the SDK's `_reliable` channel open; returns the participant SID."""
    sid = next(p["sid"] for r in sfu.state()["rooms"] for p in r["participants"] if p["identity"] == identity)
    await asyncio.to_thread(
        sfu.wait_event,
        lambda e: e["kind"] == "datachannel.open" and e.get("participant") == sid and e["detail"]["label"] == "_reliable",
        timeout=20,
    )
    return sid


async def test_send_data_reaches_the_sdks_on_their_data_channels(server, media_ip):
    sfu = server(bind=media_ip)
    name = unique("data")
    alice, bob = Receiver(), Receiver()
    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name))
    await bob.room.connect(sfu.livekit_url, sfu.token("bob", name))
    try:
        await channels_open(sfu, "alice")
        await channels_open(sfu, "bob")
        async with sfu.api() as lk:
            await lk.room.send_data(SendDataRequest(room=name, data=b"hello sdks", kind=models.DataPacket.Kind.RELIABLE, topic="greeting"))
            for receiver in (alice, bob):
                packet = await receiver.next()
                assert packet.data == b"hello sdks" and packet.topic == "greeting"
                assert packet.participant is None  # sent by the server: no sender
                assert packet.kind == rtc.DataPacketKind.KIND_RELIABLE
            # Only the destination gets a directed packet.
            await lk.room.send_data(SendDataRequest(room=name, data=b"for bob", kind=models.DataPacket.Kind.RELIABLE,
                                                    destination_identities=["bob"]))
            directed = await bob.next()
            assert directed.data == b"for bob"
            # A lossy packet goes on the lossy channel.
            await lk.room.send_data(SendDataRequest(room=name, data=b"lossy", kind=models.DataPacket.Kind.LOSSY))
            lossy = await alice.next()
            assert lossy.data == b"lossy" and lossy.kind == rtc.DataPacketKind.KIND_LOSSY
        assert alice.packets.empty(), "alice received the packet meant for bob"
        delivered = [e for e in sfu.events() if e["kind"] == "data.delivered"]
        assert sorted(e["detail"]["label"] for e in delivered) == ["_lossy", "_lossy", "_reliable", "_reliable", "_reliable"]
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()
