"""A PeerConnection whose only section is the data channel connects (ICE + DTLS) through sfusim.

LiveKit's JS SDK negotiates its publisher PeerConnection at join with nothing but `m=application` (its
`_reliable`/`_lossy` channels); the Rust/Python SDK does the same on its first `publish_data`. Such a PC must get an
answer with a transport, or it never connects and the SDK's connect (JS) or send (Rust) times out. The client here
is aiortc, an independent WebRTC stack: its RTCPeerConnection carries one data channel, its offer goes through the
LiveKit signalling (raw client), and the test waits for aiortc's own connection state to reach "connected", which
it reports only after ICE has a pair and the DTLS handshake (with our fingerprint) completed.
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


@pytest.mark.parametrize("v1", [True, False], ids=["rtc-v1", "rtc"])
async def test_a_data_channel_only_peer_connection_reaches_connected(media_sfu, v1):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.sdp import candidate_from_sdp

    room, identity = unique("dc-only"), unique("js-like")
    token = media_sfu.token(identity, room, can_subscribe=False)
    client = await SignalClient.connect(media_sfu.livekit_url, token, v1=v1)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = asyncio.get_running_loop().create_future()

    @pc.on("connectionstatechange")
    def _state() -> None:
        if pc.connectionState in ("connected", "failed") and not connected.done():
            connected.set_result(pc.connectionState)

    sid = client.sid
    try:
        pc.createDataChannel("_reliable", ordered=True)
        pc.createDataChannel("_lossy", ordered=False, maxRetransmits=0)
        await pc.setLocalDescription(await pc.createOffer())
        offer = pc.localDescription.sdp
        sections = [line.split() for line in offer.splitlines() if line.startswith("m=")]
        assert [(s[0], s[2], s[3]) for s in sections] == [("m=application", "UDP/DTLS/SCTP", "webrtc-datachannel")], offer
        await client.offer(offer, offer_id=1)
        answer = (await client.recv("answer", timeout=5)).answer.sdp
        # Accepted, not rejected with port 0: a transport, SCTP's port and a message size clients may use.
        assert "m=application 9 UDP/DTLS/SCTP webrtc-datachannel" in answer, answer
        assert "a=sctp-port:5000" in answer and "a=max-message-size:262144" in answer, answer
        assert "a=ice-ufrag:" in answer and "a=fingerprint:sha-256 " in answer, answer
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

        async def trickle() -> None:
            # The server trickles its candidates for the publisher PC (target 0) on the signal connection.
            while True:
                message = await client.recv("trickle", timeout=20, where=lambda m: m.trickle.target == 0)
                init = json.loads(message.trickle.candidateInit)
                candidate = candidate_from_sdp(init["candidate"].removeprefix("candidate:"))
                candidate.sdpMid = init.get("sdpMid")
                candidate.sdpMLineIndex = init.get("sdpMLineIndex")
                await pc.addIceCandidate(candidate)

        feeder = asyncio.create_task(trickle())
        try:
            state = await asyncio.wait_for(connected, 15)
        finally:
            feeder.cancel()
        assert state == "connected"
        assert pc.sctp is not None and pc.sctp.transport.state == "connected"  # the DTLS under the SCTP transport
    finally:
        await pc.close()
        await client.close()
    # The server saw the same transport come up (ICE + DTLS done on its side too).
    media_sfu.wait_event(lambda e: e["kind"] == "transport.connected" and e.get("participant") == sid, timeout=5)
