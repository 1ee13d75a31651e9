"""The data plane with the real LiveKit Python SDK (libwebrtc's SCTP and DCEP): the SDK opens its `_reliable` and
`_lossy` channels on its publisher PeerConnection through sfusim, and RoomService `SendData` reaches it on them,
as a DataPacket the SDK decodes (payload, topic, no sender), to every participant or only the destinations named.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random

import pytest
from livekit import rtc
from livekit.api import SendDataRequest
from livekit.protocol import models
from livekit.rtc.data_track import PushFrameError

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


async def test_sdks_exchange_data_text_streams_and_rpc_through_sfusim(server, media_ip):
    sfu = server(bind=media_ip)
    name = unique("p2p")
    alice, bob, carol = Receiver(), Receiver(), Receiver()
    texts: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    def on_text(reader, participant_identity: str) -> None:
        async def read() -> None:
            texts.put_nowait((participant_identity, await reader.read_all()))

        asyncio.get_running_loop().create_task(read())

    bob.room.register_text_stream_handler("notes", on_text)

    async def greet(data: rtc.RpcInvocationData) -> str:
        return f"hello {data.caller_identity}, you said {data.payload}"

    for receiver, identity in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        await receiver.room.connect(sfu.livekit_url, sfu.token(identity, name))
    bob.room.local_participant.register_rpc_method("greet", greet)
    try:
        for identity in ("alice", "bob", "carol"):
            await channels_open(sfu, identity)
        # A reliable broadcast with a topic, stamped with its sender.
        await alice.room.local_participant.publish_data(b"to everyone", reliable=True, topic="news")
        for receiver in (bob, carol):
            packet = await receiver.next()
            assert packet.data == b"to everyone" and packet.topic == "news"
            assert packet.participant is not None and packet.participant.identity == "alice"
        # Destinations: only carol; bob never sees it.
        await alice.room.local_participant.publish_data(b"just carol", destination_identities=["carol"])
        assert (await carol.next()).data == b"just carol"
        # A 40 kB text stream of seeded random letters: too big for one packet even compressed, so it goes as chunked
        # DataPackets this schema does not model (forwarded untouched).
        rng = random.Random(7)
        text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(40_000))
        await alice.room.local_participant.send_text(text, topic="notes", destination_identities=["bob"])
        sender, received = await asyncio.wait_for(texts.get(), 15)
        assert sender == "alice" and received == text
        # RPC from alice to bob and back.
        answer = await alice.room.local_participant.perform_rpc(destination_identity="bob", method="greet", payload="hi")
        assert answer == "hello alice, you said hi"
        assert bob.packets.empty(), "bob received the packet meant for carol"
        kinds = [e["detail"]["kind"] for e in sfu.events() if e["kind"] == "data.received"]
        # Classified by their oneof, modelled or not: RPC v2 is an rpc_ack plus text streams (single compressed
        # header packets when small, since sfusim echoes each client's protocol and capabilities).
        assert {"user", "stream_header", "stream_chunk", "stream_trailer", "rpc_ack"} <= set(kinds), kinds
    finally:
        for receiver in (alice, bob, carol):
            await receiver.room.disconnect()


@pytest.mark.parametrize("with_scenario", [True, False], ids=["lk-rpc-ack-lost", "no-scenario"])
async def test_rpc_ack_lost_makes_the_caller_time_out_though_the_callee_answered(server, media_ip, with_scenario):
    sfu = server(bind=media_ip)
    name = unique("rpc")
    attributes = {"sfusim.scenario": "lk-rpc-ack-lost"} if with_scenario else None
    alice, bob = Receiver(), Receiver()
    invoked = asyncio.get_running_loop().create_future()

    async def greet(data: rtc.RpcInvocationData) -> str:
        invoked.done() or invoked.set_result(data.payload)
        return "hello"

    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name, attributes=attributes))
    await bob.room.connect(sfu.livekit_url, sfu.token("bob", name, attributes=attributes))
    bob.room.local_participant.register_rpc_method("greet", greet)
    try:
        await channels_open(sfu, "alice")
        await channels_open(sfu, "bob")
        loop = asyncio.get_running_loop()
        started = loop.time()
        if with_scenario:
            with pytest.raises(rtc.RpcError) as caught:
                await alice.room.local_participant.perform_rpc(destination_identity="bob", method="greet", payload="hi")
            assert caught.value.code == rtc.RpcError.ErrorCode.CONNECTION_TIMEOUT, caught.value
            assert loop.time() - started >= 6.5  # the SDK's round-trip wait, not an immediate error
            assert await asyncio.wait_for(invoked, 1) == "hi"  # the callee did get the request
            dropped = [e for e in sfu.events() if e["kind"] == "fault.applied" and e.get("tap") == "data.out"]
            assert dropped and all(e["detail"].get("message") in (None, "rpc_ack") for e in dropped), dropped
        else:
            assert await alice.room.local_participant.perform_rpc(destination_identity="bob", method="greet", payload="hi") == "hello"
            assert not [e for e in sfu.events() if e["kind"] == "fault.applied"]
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()


@pytest.mark.parametrize("signal_path", ["/rtc/v1", "/rtc"])
async def test_a_data_track_is_published_subscribed_and_its_frames_received(server, media_ip, signal_path):
    """alice publishes a data track; bob sees it, subscribes and receives the frames alice pushes (sfusim rewrites
    the handle to bob's), with their user timestamps; after alice unpublishes, bob is told it is gone."""
    sfu = server(*([] if signal_path == "/rtc/v1" else ["--disable-rtc-v1"]), bind=media_ip)
    name = unique("dtrack")
    alice, bob = Receiver(), Receiver()
    published: asyncio.Queue[rtc.RemoteDataTrack] = asyncio.Queue()
    unpublished: asyncio.Queue[str] = asyncio.Queue()
    bob.room.on("data_track_published", published.put_nowait)
    bob.room.on("data_track_unpublished", unpublished.put_nowait)
    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name))
    await bob.room.connect(sfu.livekit_url, sfu.token("bob", name))
    try:
        await channels_open(sfu, "alice")
        await channels_open(sfu, "bob")
        local = await asyncio.wait_for(alice.room.local_participant.publish_data_track(name="telemetry"), 8)
        assert local.info.sid.startswith("DTR_") and local.info.name == "telemetry"
        remote = await asyncio.wait_for(published.get(), 10)
        assert remote.info.sid == local.info.sid and remote.publisher_identity == "alice"
        stream = remote.subscribe()
        await asyncio.to_thread(sfu.wait_event, lambda e: e["kind"] == "data_track.subscribed", timeout=10)

        def payload(i: int) -> bytes:
            return f"frame {i};".encode() * 40

        # Each frame is pushed once the previous one arrived (or was given up on after 0.5 s: a data track is lossy,
        # and the SDK refuses pushes when its queue is full).
        frames: asyncio.Queue[rtc.DataTrackFrame] = asyncio.Queue()

        async def read() -> None:
            async for frame in stream:
                frames.put_nowait(frame)

        reader = asyncio.get_running_loop().create_task(read())
        try:
            received: list[rtc.DataTrackFrame] = []
            for i in range(100):
                with contextlib.suppress(PushFrameError):
                    local.try_push(rtc.DataTrackFrame(payload=payload(i), user_timestamp=1_000 + i))
                with contextlib.suppress(TimeoutError):
                    received.append(await asyncio.wait_for(frames.get(), 0.5))
                if len(received) == 15:
                    break
        finally:
            reader.cancel()
        assert len(received) == 15, f"only {len(received)} frames arrived"
        stamps = [f.user_timestamp for f in received]
        assert all(f.payload == payload(f.user_timestamp - 1_000) for f in received), "a frame arrived altered"
        assert stamps == sorted(set(stamps)), f"frames repeated or out of order: {stamps}"
        forwarded = [e for e in sfu.events() if e["kind"] == "data.delivered" and e["detail"]["label"] == "_data_track"]
        assert forwarded, "no frame went out on bob's _data_track channel"
        await local.unpublish()
        assert await asyncio.wait_for(unpublished.get(), 10) == local.info.sid
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()


async def test_data_keeps_flowing_across_a_signal_resume(server, media_ip):
    sfu = server(bind=media_ip)
    name = unique("resume")
    alice, bob = Receiver(), Receiver()
    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name))
    await bob.room.connect(sfu.livekit_url, sfu.token("bob", name))
    try:
        sid = await channels_open(sfu, "alice")
        await channels_open(sfu, "bob")
        await alice.room.local_participant.publish_data(b"before", topic="t")
        assert (await bob.next()).data == b"before"
        # The signal drops without a leave (as a network blip does): the SDK resumes on a new signal connection, its
        # transports and data channels stay.
        fault = {"action": "close_signal", "room": name, "identity": "alice", "code": 1001}
        answer = await asyncio.to_thread(sfu.http, "POST", "/_sim/faults", body=json.dumps(fault))
        assert answer.status == 200, answer.text
        await asyncio.to_thread(sfu.wait_event, lambda e: e["kind"] == "participant.resumed" and e.get("participant") == sid, timeout=15)
        await alice.room.local_participant.publish_data(b"after", topic="t")
        assert (await bob.next()).data == b"after"
        assert bob.packets.empty()  # nothing delivered twice
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()
