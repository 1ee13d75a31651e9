"""Data channels through sfusim with an independent WebRTC stack (aiortc: its own ICE, DTLS, SCTP and DCEP).

LiveKit's JS SDK negotiates its publisher PeerConnection at join with nothing but `m=application` (its
`_reliable`/`_lossy` channels); the Rust/Python SDK does the same on its first `publish_data`. Such a PC must get an
answer with a transport, or it never connects. Once DTLS is up, sfusim's SCTP association (both ends send INIT)
carries the client's in-band DCEP opens: the channels must reach `open` on the client (it waits for our
DATA_CHANNEL_ACK), and what the client sends must arrive whole, labelled, at sfusim. The offer goes through the
LiveKit signalling (raw client); the server's trickled candidates are fed to aiortc.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from rawclient import SignalClient
from sfusim_harness import unique

pytestmark = pytest.mark.media


@pytest.fixture
def media_sfu(server, media_ip):
    return server(bind=media_ip)


class DataPeer:
    """An aiortc PeerConnection with only data channels, negotiated as a LiveKit publisher PC through sfusim."""

    def __init__(self, sfu, v1: bool):
        self.sfu, self.v1 = sfu, v1
        self.identity = unique("js-like")

    async def __aenter__(self) -> "DataPeer":
        from aiortc import RTCConfiguration, RTCPeerConnection

        room = unique("dc-only")
        self.client = await SignalClient.connect(self.sfu.livekit_url, self.sfu.token(self.identity, room, can_subscribe=False), v1=self.v1)
        self.sid = self.client.sid
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.connected = asyncio.get_running_loop().create_future()

        @self.pc.on("connectionstatechange")
        def _state() -> None:
            if self.pc.connectionState in ("connected", "failed") and not self.connected.done():
                self.connected.set_result(self.pc.connectionState)

        self.channels = {
            "_reliable": self.pc.createDataChannel("_reliable", ordered=True),
            "_lossy": self.pc.createDataChannel("_lossy", ordered=False, maxRetransmits=0),
        }
        self.opened = {label: asyncio.get_running_loop().create_future() for label in self.channels}
        for label, channel in self.channels.items():
            channel.on("open", lambda label=label: self.opened[label].done() or self.opened[label].set_result(True))
        self.feeder: asyncio.Task | None = None
        return self

    async def negotiate(self) -> str:
        """Offers, applies sfusim's answer, feeds its trickled candidates; returns the answer SDP."""
        from aiortc import RTCSessionDescription
        from aiortc.sdp import candidate_from_sdp

        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = self.pc.localDescription.sdp
        sections = [line.split() for line in offer.splitlines() if line.startswith("m=")]
        assert [(s[0], s[2], s[3]) for s in sections] == [("m=application", "UDP/DTLS/SCTP", "webrtc-datachannel")], offer
        await self.client.offer(offer, offer_id=1)
        answer = (await self.client.recv("answer", timeout=5)).answer.sdp
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

        async def trickle() -> None:
            # The server trickles its candidates for the publisher PC (target 0) on the signal connection.
            while True:
                message = await self.client.recv("trickle", timeout=30, where=lambda m: m.trickle.target == 0)
                init = json.loads(message.trickle.candidateInit)
                candidate = candidate_from_sdp(init["candidate"].removeprefix("candidate:"))
                candidate.sdpMid = init.get("sdpMid")
                candidate.sdpMLineIndex = init.get("sdpMLineIndex")
                await self.pc.addIceCandidate(candidate)

        self.feeder = asyncio.create_task(trickle())
        return answer

    async def __aexit__(self, *exc) -> None:
        if self.feeder:
            self.feeder.cancel()
        await self.pc.close()
        await self.client.close()


@pytest.mark.parametrize("v1", [True, False], ids=["rtc-v1", "rtc"])
async def test_a_data_channel_only_peer_connection_reaches_connected(media_sfu, v1):
    async with DataPeer(media_sfu, v1) as peer:
        answer = await peer.negotiate()
        # Accepted, not rejected with port 0: a transport, SCTP's port and a message size clients may use.
        assert "m=application 9 UDP/DTLS/SCTP webrtc-datachannel" in answer, answer
        assert "a=sctp-port:5000" in answer and "a=max-message-size:262144" in answer, answer
        assert "a=ice-ufrag:" in answer and "a=fingerprint:sha-256 " in answer, answer
        assert await asyncio.wait_for(peer.connected, 15) == "connected"
        assert peer.pc.sctp is not None and peer.pc.sctp.transport.state == "connected"  # the DTLS under SCTP
    # The server saw the same transport come up (ICE + DTLS done on its side too).
    media_sfu.wait_event(lambda e: e["kind"] == "transport.connected" and e.get("participant") == peer.sid, timeout=5)


@pytest.mark.parametrize("v1", [True, False], ids=["rtc-v1", "rtc"])
async def test_aiortc_data_channels_open_and_their_messages_reach_sfusim_whole(media_sfu, v1):
    big = bytes((i * 7) % 251 for i in range(200_000))  # many SCTP chunks: fragmentation and reassembly
    async with DataPeer(media_sfu, v1) as peer:
        await peer.negotiate()
        # Both channels open on the client only once sfusim answered its DCEP OPEN with an ACK.
        await asyncio.wait_for(asyncio.gather(*peer.opened.values()), 15)
        peer.channels["_reliable"].send("hello from aiortc")
        peer.channels["_reliable"].send(big)
        peer.channels["_lossy"].send(b"\x01\x02\x03")
        messages = await asyncio.to_thread(
            media_sfu.wait_events, lambda e: e["kind"] == "datachannel.message" and e.get("participant") == peer.sid, count=3, timeout=15
        )
        details = [(m["detail"]["label"], m["detail"]["binary"], m["detail"]["bytes"]) for m in messages]
        assert ("_reliable", False, len("hello from aiortc")) in details, details
        assert ("_reliable", True, len(big)) in details, details
        assert ("_lossy", True, 3) in details, details
        reliable = [d for d in details if d[0] == "_reliable"]
        assert reliable == [("_reliable", False, 17), ("_reliable", True, len(big))], reliable  # in order
        opened = media_sfu.kinds(participant=peer.sid)
        assert opened.count("datachannel.open") == 2 and "datachannel.ready" in opened
        # Closing a channel resets its stream; sfusim resets its side and forgets it.
        peer.channels["_lossy"].close()
        closed = await asyncio.to_thread(
            media_sfu.wait_event, lambda e: e["kind"] == "datachannel.close" and e.get("participant") == peer.sid, timeout=10
        )
        assert closed["detail"]["label"] == "_lossy"
