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


async def join(sfu, name: str, receivers: dict[str, Receiver], attributes: dict | None = None,
               grants: dict[str, dict] | None = None) -> None:
    """Connects each receiver to `name` as its identity, in order (token `attributes` for all, `grants` per identity),
    then waits until the server saw every one's `_reliable` channel open."""
    for identity, receiver in receivers.items():
        token = sfu.token(identity, name, attributes=attributes, **(grants or {}).get(identity, {}))
        await receiver.room.connect(sfu.livekit_url, token)
    for identity in receivers:
        await channels_open(sfu, identity)


async def rpc_pair(sfu, name: str, attributes: dict | None, greet) -> tuple[Receiver, Receiver]:
    """alice and bob in `name` (with the scenario `attributes`), bob serving `greet`, both data channels open."""
    alice, bob = Receiver(), Receiver()
    await join(sfu, name, {"alice": alice, "bob": bob}, attributes)
    bob.room.local_participant.register_rpc_method("greet", greet)
    return alice, bob


async def test_send_data_reaches_the_sdks_on_their_data_channels(server, media_ip):
    sfu = server(bind=media_ip)
    name = unique("data")
    alice, bob = Receiver(), Receiver()
    try:
        await join(sfu, name, {"alice": alice, "bob": bob})
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


async def test_dual_pc_data_reaches_a_receive_only_sdk_on_the_servers_subscriber_channels(server, media_ip):
    """On `/rtc` sfusim opens its own `_reliable`, `_lossy` and `_data_track` channels on the subscriber PC, as
    LiveKit does, and writes server → client data there: a participant that may not publish (so its SDK never
    negotiates a publisher PC) still gets its peers' data and RoomService SendData."""
    sfu = server("--disable-rtc-v1", bind=media_ip)
    name = unique("subdc")
    alice, viewer = Receiver(), Receiver()
    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name))
    await viewer.room.connect(sfu.livekit_url, sfu.token("viewer", name, can_publish=False))
    try:
        await channels_open(sfu, "alice")
        sid = next(p["sid"] for r in sfu.state()["rooms"] for p in r["participants"] if p["identity"] == "viewer")
        opened = set()
        while opened != {"_reliable", "_lossy", "_data_track"}:
            event = await asyncio.to_thread(
                sfu.wait_event, lambda e: e["kind"] == "datachannel.open" and e.get("participant") == sid
                and e["detail"]["label"] not in opened, timeout=20)
            assert event["detail"]["target"] == "subscriber"
            assert event["detail"]["stream"] % 2 == 1  # the server's ids: odd, as the DTLS server of that PC
            opened.add(event["detail"]["label"])
        await alice.room.local_participant.publish_data(b"for the viewer", topic="t")
        packet = await viewer.next()
        assert packet.data == b"for the viewer" and packet.participant.identity == "alice"
        async with sfu.api() as lk:
            await lk.room.send_data(SendDataRequest(room=name, data=b"from the api", kind=models.DataPacket.Kind.RELIABLE,
                                                    destination_identities=["viewer"]))
        assert (await viewer.next()).data == b"from the api"
        delivered = [e for e in sfu.events() if e["kind"] == "data.delivered" and e.get("participant") == sid]
        assert [e["detail"]["target"] for e in delivered] == ["subscriber", "subscriber"]
        assert not [e for e in sfu.events() if e["kind"] == "datachannel.open" and e.get("participant") == sid
                    and e["detail"]["target"] == "publisher"], "the viewer's SDK opened a publisher PC after all"
    finally:
        await alice.room.disconnect()
        await viewer.room.disconnect()


@pytest.mark.parametrize("signal_path", ["/rtc/v1", "/rtc"])
async def test_sdks_exchange_data_text_streams_and_rpc_through_sfusim(server, media_ip, signal_path):
    sfu = server(*([] if signal_path == "/rtc/v1" else ["--disable-rtc-v1"]), bind=media_ip)
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

    try:
        await join(sfu, name, {"alice": alice, "bob": bob, "carol": carol})
        bob.room.local_participant.register_rpc_method("greet", greet)
        # A reliable broadcast with a topic, stamped with its sender.
        await alice.room.local_participant.publish_data(b"to everyone", reliable=True, topic="news")
        for receiver in (bob, carol):
            packet = await receiver.next()
            assert packet.data == b"to everyone" and packet.topic == "news"
            assert packet.participant is not None and packet.participant.identity == "alice"
        # Destinations: only carol; bob never sees it.
        await alice.room.local_participant.publish_data(b"just carol", destination_identities=["carol"])
        assert (await carol.next()).data == b"just carol"
        # Lossy, on the unordered channel without retransmissions (nothing is lost between namespaces).
        await alice.room.local_participant.publish_data(b"quick", reliable=False, destination_identities=["carol"])
        lossy = await carol.next()
        assert lossy.data == b"quick" and lossy.kind == rtc.DataPacketKind.KIND_LOSSY
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


@pytest.mark.parametrize("signal_path", ["/rtc/v1", "/rtc"])
async def test_byte_streams_large_and_failing_rpc_and_attributes_through_sfusim(server, media_ip, signal_path):
    """A 1 MB byte stream arrives whole; an RPC with a 20 kB payload (RPC v2) is answered; an unknown method gives
    UNSUPPORTED_METHOD from the callee; an RPC to an identity not in the room times out at the caller (the server
    never answers for peers); set_attributes reaches the peer. On both signal paths."""
    sfu = server(*([] if signal_path == "/rtc/v1" else ["--disable-rtc-v1"]), bind=media_ip)
    name = unique("streams")
    alice, bob = Receiver(), Receiver()
    blobs: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()

    def on_bytes(reader, participant_identity: str) -> None:
        async def read() -> None:
            blobs.put_nowait((reader.info.name, b"".join([chunk async for chunk in reader])))

        asyncio.get_running_loop().create_task(read())

    bob.room.register_byte_stream_handler("files", on_bytes)
    attributes: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    bob.room.on("participant_attributes_changed", lambda changed, participant: attributes.put_nowait(dict(participant.attributes)))

    async def echo_length(data: rtc.RpcInvocationData) -> str:
        return f"{len(data.payload)}:{data.payload[-8:]}"

    try:
        await join(sfu, name, {"alice": alice, "bob": bob}, grants={"alice": {"can_update_own_metadata": True}})
        bob.room.local_participant.register_rpc_method("length", echo_length)
        blob = random.Random(3).randbytes(1_000_000)
        await alice.room.local_participant.send_bytes(blob, topic="files", name="blob.bin", destination_identities=["bob"])
        received_name, received = await asyncio.wait_for(blobs.get(), 30)
        assert received_name == "blob.bin" and received == blob
        payload = "".join(random.Random(4).choice("abcdef") for _ in range(20_000))
        answer = await alice.room.local_participant.perform_rpc(destination_identity="bob", method="length", payload=payload)
        assert answer == f"20000:{payload[-8:]}"
        with pytest.raises(rtc.RpcError) as unknown:
            await alice.room.local_participant.perform_rpc(destination_identity="bob", method="nope", payload="x")
        assert unknown.value.code == rtc.RpcError.ErrorCode.UNSUPPORTED_METHOD, unknown.value
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(rtc.RpcError) as absent:
            await alice.room.local_participant.perform_rpc(destination_identity="nobody", method="length", payload="x",
                                                           max_round_trip_latency=1.5)
        assert absent.value.code == rtc.RpcError.ErrorCode.CONNECTION_TIMEOUT, absent.value
        assert loop.time() - started >= 1.2  # the caller's own wait, not an answer from the server
        await alice.room.local_participant.set_attributes({"mood": "curious"})
        assert (await asyncio.wait_for(attributes.get(), 10)).get("mood") == "curious"
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()


@pytest.mark.parametrize("with_scenario", [True, False], ids=["lk-rpc-ack-lost", "no-scenario"])
async def test_rpc_ack_lost_makes_the_caller_time_out_though_the_callee_answered(server, media_ip, with_scenario):
    sfu = server(bind=media_ip)
    name = unique("rpc")
    attributes = {"sfusim.scenario": "lk-rpc-ack-lost"} if with_scenario else None
    invoked = asyncio.get_running_loop().create_future()

    async def greet(data: rtc.RpcInvocationData) -> str:
        invoked.done() or invoked.set_result(data.payload)
        return "hello"

    alice, bob = await rpc_pair(sfu, name, attributes, greet)
    try:
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
    try:
        await join(sfu, name, {"alice": alice, "bob": bob})
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
    try:
        await join(sfu, name, {"alice": alice, "bob": bob})
        sid = await channels_open(sfu, "alice")  # already open: its SID
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


@pytest.mark.parametrize("with_scenario", [True, False], ids=["lk-data-before-participant", "no-scenario"])
async def test_data_before_participant_reaches_a_peer_from_someone_it_does_not_know(server, media_ip, with_scenario):
    """bob is in the room; alice joins and sends at once. Normally bob knows alice (her ParticipantInfo) before her
    packet arrives; with the scenario her packet overtakes it, so bob's SDK hands it over with no participant, and
    learns of alice only afterwards."""
    sfu = server(bind=media_ip)
    name = unique("early")
    attributes = {"sfusim.scenario": "lk-data-before-participant"} if with_scenario else None
    alice, bob = Receiver(), Receiver()
    known_when_received: list[bool] = []
    bob.room.on("data_received", lambda packet: known_when_received.append("alice" in bob.room.remote_participants))
    connected: asyncio.Queue[str] = asyncio.Queue()
    bob.room.on("participant_connected", lambda participant: connected.put_nowait(participant.identity))
    await bob.room.connect(sfu.livekit_url, sfu.token("bob", name, attributes=attributes))
    await channels_open(sfu, "bob")
    await alice.room.connect(sfu.livekit_url, sfu.token("alice", name, attributes=attributes))
    try:
        await channels_open(sfu, "alice")
        await alice.room.local_participant.publish_data(b"hello early", topic="t")
        packet = await bob.next()
        assert packet.data == b"hello early"
        if with_scenario:
            assert packet.participant is None, "bob already knew the sender"
            assert known_when_received == [False]
            assert await asyncio.wait_for(connected.get(), 10) == "alice"  # the held info arrives after the data
            held = [e for e in sfu.events() if e["kind"] == "fault.applied" and e.get("tap") == "signal.out"]
            assert held and held[0]["detail"]["message"] == "update", held
        else:
            assert packet.participant is not None and packet.participant.identity == "alice"
            assert known_when_received == [True]
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()


@pytest.mark.parametrize("with_scenario", [True, False], ids=["lk-rpc-response-late", "no-scenario"])
async def test_rpc_response_late_arrives_after_the_callers_response_timeout(server, media_ip, with_scenario):
    """bob answers alice's RPC at once (RPC v2: its response is a text stream on lk.rpc_response). With the scenario
    sfusim holds the response 16 s, so alice's perform_rpc (response timeout 3 s here) fails with RESPONSE_TIMEOUT
    though the server had bob's answer in hand well before."""
    sfu = server(bind=media_ip)
    name = unique("late")
    attributes = {"sfusim.scenario": "lk-rpc-response-late"} if with_scenario else None

    async def greet(data: rtc.RpcInvocationData) -> str:
        return "hello " + data.caller_identity

    alice, bob = await rpc_pair(sfu, name, attributes, greet)
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        call = alice.room.local_participant.perform_rpc(destination_identity="bob", method="greet", payload="hi", response_timeout=3.0)
        if with_scenario:
            with pytest.raises(rtc.RpcError) as caught:
                await call
            assert caught.value.code == rtc.RpcError.ErrorCode.RESPONSE_TIMEOUT, caught.value
            assert loop.time() - started >= 2.5
            # On the wire: the server took bob's response long before alice gave up, and delayed it at data.out.
            def first(identity: str) -> dict:
                return next(e for e in sfu.events() if e["kind"] == "data.received" and e.get("identity") == identity
                            and e["detail"]["kind"] in ("rpc_request", "rpc_response", "stream_header"))

            assert first("bob")["t_ms"] - first("alice")["t_ms"] < 1_000, "bob did not answer at once"

            delayed = [e for e in sfu.events() if e["kind"] == "fault.applied" and e.get("tap") == "data.out"]
            assert delayed and all(e["detail"]["delay_ms"] == 16_000 for e in delayed), delayed
            assert {e["detail"].get("topic") for e in delayed} <= {"lk.rpc_response", None}
        else:
            assert await call == "hello alice"
            assert not [e for e in sfu.events() if e["kind"] == "fault.applied"]
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()


@pytest.mark.parametrize("with_scenario", [True, False], ids=["lk-stream-chunk-reorder", "no-scenario"])
async def test_stream_chunk_reorder_delivers_a_chunk_after_its_trailer(server, media_ip, with_scenario):
    """alice sends bob a 40 kB text stream (three chunks). With the scenario the first chunk reaches bob after the
    others and after the trailer, and bob's reader fails the stream; without it, the text arrives whole."""
    sfu = server(bind=media_ip)
    name = unique("chunks")
    attributes = {"sfusim.scenario": "lk-stream-chunk-reorder"} if with_scenario else None
    alice, bob = Receiver(), Receiver()
    texts: asyncio.Queue[str | BaseException] = asyncio.Queue()

    def on_text(reader, participant_identity: str) -> None:
        async def read() -> None:
            try:
                texts.put_nowait(await reader.read_all())
            except Exception as error:  # the SDK may give up on the stream instead
                texts.put_nowait(error)

        asyncio.get_running_loop().create_task(read())

    bob.room.register_text_stream_handler("notes", on_text)
    try:
        await join(sfu, name, {"alice": alice, "bob": bob}, attributes)
        rng = random.Random(9)
        text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(40_000))
        await alice.room.local_participant.send_text(text, topic="notes", destination_identities=["bob"])
        received = await asyncio.wait_for(texts.get(), 15)
        if with_scenario:
            # The Python SDK's reader fails the stream at the first chunk out of sequence.
            assert isinstance(received, Exception) and "chunk index" in str(received), received
            applied = [e["detail"] for e in sfu.events() if e["kind"] == "fault.applied" and e.get("tap") == "data.out"]
            assert [d["action"] for d in applied][:1] == ["hold"] and applied[0]["message"] == "stream_chunk", applied
            assert applied[0]["topic"] == "notes"
        else:
            assert received == text
    finally:
        await alice.room.disconnect()
        await bob.room.disconnect()
