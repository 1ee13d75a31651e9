"""A minimal raw LiveKit signalling client for interop tests.

It speaks the wire protocol directly with `websockets` and decodes with the LiveKit client's own protobuf
classes (`livekit.protocol.rtc` / `livekit.protocol.models`), so the server's encoding is checked by an
independent implementation. It has no WebRTC: SDP offers come from `make_offer()`, a small template.

    client = await SignalClient.connect(server.livekit_url, token)           # /rtc/v1, gzip join_request
    join = client.join                                                        # the first frame, decoded
    await client.add_track(cid="cam-1", kind="video")
    published = await client.recv("track_published")
    await client.offer(make_offer([OfferTrack("video", "cam-1")]), offer_id=2)
    answer = await client.recv("answer")

`recv(kind)` returns the next SignalResponse whose oneof is `kind`; every other message received meanwhile
stays queued for later `recv` calls, and `log` keeps everything in arrival order for ordering assertions.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Iterable

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from livekit.protocol import models, rtc

__all__ = [
    "SignalClient",
    "HandshakeRejected",
    "Closed",
    "OfferTrack",
    "make_offer",
    "encode_join_request",
    "join_request_message",
    "signal_url",
    "v0_params",
    "resume",
]

DEFAULT_TIMEOUT = 5.0
CLIENT_PROTOCOL_VERSION = 16
CLIENT_SDK_VERSION = "0.1.0-sfusim-interop"
MAX_MESSAGE = 64 * 1024 * 1024


class HandshakeRejected(Exception):
    """The server refused the WebSocket upgrade with a plain HTTP response."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str]):
        super().__init__(f"HTTP {status}: {body[:200]!r}")
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Closed(Exception):
    """The signal WebSocket closed while a message was awaited."""

    def __init__(self, code: int | None, reason: str, waiting_for: str | None):
        super().__init__(f"signal closed (code {code}, reason {reason!r}) while waiting for {waiting_for}")
        self.code = code
        self.reason = reason


# --- join request / URL ----------------------------------------------------------------------------


def client_info(sdk: int = models.ClientInfo.SDK.PYTHON, protocol: int = CLIENT_PROTOCOL_VERSION) -> models.ClientInfo:
    return models.ClientInfo(
        sdk=sdk,
        version=CLIENT_SDK_VERSION,
        protocol=protocol,
        client_protocol=2,
        os="linux",
    )


def join_request_message(
    *,
    publisher_offer: str | None = None,
    offer_id: int = 0,
    add_tracks: Iterable[rtc.AddTrackRequest] = (),
    auto_subscribe: bool = True,
    metadata: str | None = None,
    attributes: dict[str, str] | None = None,
    reconnect: bool = False,
    participant_sid: str | None = None,
    reconnect_reason: int = 0,
    protocol: int = CLIENT_PROTOCOL_VERSION,
) -> rtc.JoinRequest:
    """Builds a v1 `JoinRequest` like the JS/Rust SDKs do."""
    req = rtc.JoinRequest(
        client_info=client_info(protocol=protocol),
        connection_settings=rtc.ConnectionSettings(auto_subscribe=auto_subscribe),
    )
    if metadata is not None:
        req.metadata = metadata
    if attributes:
        req.participant_attributes.update(attributes)
    req.add_track_requests.extend(add_tracks)
    if publisher_offer is not None:
        req.publisher_offer.CopyFrom(rtc.SessionDescription(type="offer", sdp=publisher_offer, id=offer_id))
    if reconnect:
        req.reconnect = True
        req.reconnect_reason = reconnect_reason
    if participant_sid:
        req.participant_sid = participant_sid
    return req


def encode_join_request(req: rtc.JoinRequest | bytes, *, compress: bool = True, padding: bool = False) -> str:
    """`join_request` query value: base64url(WrappedJoinRequest{compression, join_request})."""
    raw = req if isinstance(req, bytes) else req.SerializeToString()
    wrapped = rtc.WrappedJoinRequest(
        compression=rtc.WrappedJoinRequest.Compression.GZIP if compress else rtc.WrappedJoinRequest.Compression.NONE,
        join_request=gzip.compress(raw) if compress else raw,
    )
    encoded = base64.urlsafe_b64encode(wrapped.SerializeToString()).decode("ascii")
    return encoded if padding else encoded.rstrip("=")


def signal_url(base: str, path: str, params: dict[str, str] | None = None) -> str:
    """`ws://host:port` + `/rtc` or `/rtc/v1` + query."""
    url = base.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    return url


def v0_params(
    *,
    protocol: int = CLIENT_PROTOCOL_VERSION,
    auto_subscribe: bool = True,
    reconnect: bool = False,
    sid: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The query parameters a v0 (`/rtc`) client sends (reference §1.3)."""
    params = {
        "sdk": "python",
        "version": CLIENT_SDK_VERSION,
        "protocol": str(protocol),
        "client_protocol": "2",
        "os": "linux",
        "auto_subscribe": "1" if auto_subscribe else "0",
        "adaptive_stream": "0",
    }
    if reconnect:
        params["reconnect"] = "1"
        params["reconnect_reason"] = "1"
        if sid:
            params["sid"] = sid
    if extra:
        params.update(extra)
    return params


# --- SDP template -----------------------------------------------------------------------------------


@dataclass
class OfferTrack:
    """One sendonly m-line of `make_offer`: kind `audio`/`video`, and the msid track id (= AddTrack cid)."""

    kind: str
    cid: str
    stream: str = "stream-0"
    ssrc: int = field(default_factory=lambda: secrets.randbelow(2**31 - 1) + 1)


def make_offer(
    tracks: Iterable[OfferTrack] = (),
    *,
    recvonly_audio: int = 0,
    recvonly_video: int = 0,
    data_channel: bool = True,
) -> str:
    """A small, valid Unified Plan publisher offer (what a browser would send, trimmed).

    Sendonly m-lines carry `a=msid:<stream> <cid>` so the server can match them to AddTrack requests.
    ICE credentials are random and the DTLS fingerprint is a dummy: it is for signalling tests only.
    """
    ufrag = secrets.token_hex(4)
    pwd = secrets.token_hex(12)
    fingerprint = ":".join(f"{b:02X}" for b in secrets.token_bytes(32))
    sections: list[tuple[str, str, str | None, OfferTrack | None]] = []
    for t in tracks:
        sections.append((t.kind, "sendonly", None, t))
    for _ in range(recvonly_audio):
        sections.append(("audio", "recvonly", None, None))
    for _ in range(recvonly_video):
        sections.append(("video", "recvonly", None, None))
    if data_channel:
        sections.append(("application", "", None, None))

    mids = [str(i) for i in range(len(sections))]
    lines = [
        "v=0",
        f"o=- {secrets.randbelow(2**62)} 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE " + " ".join(mids),
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS *",
    ]
    common = [
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        f"a=ice-ufrag:{ufrag}",
        f"a=ice-pwd:{pwd}",
        "a=ice-options:trickle",
        f"a=fingerprint:sha-256 {fingerprint}",
        "a=setup:actpass",
    ]
    for mid, (kind, direction, _, track) in zip(mids, sections):
        if kind == "audio":
            lines.append("m=audio 9 UDP/TLS/RTP/SAVPF 111")
            lines += common
            lines += [
                f"a=mid:{mid}",
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                f"a={direction}",
            ]
            if track:
                lines.append(f"a=msid:{track.stream} {track.cid}")
            lines += [
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=rtcp-fb:111 transport-cc",
                "a=fmtp:111 minptime=10;useinbandfec=1",
            ]
            if track:
                lines += [
                    f"a=ssrc:{track.ssrc} cname:sfusim-interop",
                    f"a=ssrc:{track.ssrc} msid:{track.stream} {track.cid}",
                ]
        elif kind == "video":
            lines.append("m=video 9 UDP/TLS/RTP/SAVPF 96 97")
            lines += common
            lines += [
                f"a=mid:{mid}",
                "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                f"a={direction}",
            ]
            if track:
                lines.append(f"a=msid:{track.stream} {track.cid}")
            lines += [
                "a=rtcp-mux",
                "a=rtcp-rsize",
                "a=rtpmap:96 VP8/90000",
                "a=rtcp-fb:96 goog-remb",
                "a=rtcp-fb:96 transport-cc",
                "a=rtcp-fb:96 ccm fir",
                "a=rtcp-fb:96 nack",
                "a=rtcp-fb:96 nack pli",
                "a=rtpmap:97 rtx/90000",
                "a=fmtp:97 apt=96",
            ]
            if track:
                rtx = track.ssrc + 1
                lines += [
                    f"a=ssrc-group:FID {track.ssrc} {rtx}",
                    f"a=ssrc:{track.ssrc} cname:sfusim-interop",
                    f"a=ssrc:{track.ssrc} msid:{track.stream} {track.cid}",
                    f"a=ssrc:{rtx} cname:sfusim-interop",
                    f"a=ssrc:{rtx} msid:{track.stream} {track.cid}",
                ]
        else:
            lines.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel")
            lines += common
            lines += [f"a=mid:{mid}", "a=sctp-port:5000", "a=max-message-size:262144"]
    return "\r\n".join(lines) + "\r\n"


# --- the client -------------------------------------------------------------------------------------


class SignalClient:
    """One LiveKit signal WebSocket. Create with `await SignalClient.connect(...)`."""

    def __init__(self, ws: ClientConnection, url: str):
        self.ws = ws
        self.url = url
        self.log: list[rtc.SignalResponse] = []  # everything received, in order
        self.inbox: list[rtc.SignalResponse] = []  # received but not yet returned by recv()
        self.raw_log: list[bytes | str] = []
        self.close_code: int | None = None
        self.close_reason: str = ""
        self.closed = False
        self.first: rtc.SignalResponse | None = None

    # -- connecting

    @classmethod
    async def connect(
        cls,
        base_url: str,
        token: str | None,
        *,
        v1: bool = True,
        join_request: rtc.JoinRequest | None = None,
        raw_join_request: str | None = None,
        params: dict[str, str] | None = None,
        token_in: str = "header",
        headers: dict[str, str] | None = None,
        expect_first: str | None = "join",
        timeout: float = DEFAULT_TIMEOUT,
        **join_kwargs,
    ) -> "SignalClient":
        """Opens `/rtc/v1` (default: gzip WrappedJoinRequest built from `join_kwargs`) or `/rtc` (v0 params).

        `token_in` is `header` (Authorization: Bearer), `query` (access_token=) or `none`. With
        `expect_first` set, the first frame is read and must be of that kind (`join`, `reconnect`,
        `leave`); it is stored in `first` (and `join` when it is a JoinResponse).
        Raises HandshakeRejected when the server answers the upgrade with an HTTP error.
        """
        query: dict[str, str] = {}
        if v1:
            if raw_join_request is not None:
                query["join_request"] = raw_join_request
            else:
                jr = join_request if join_request is not None else join_request_message(**join_kwargs)
                query["join_request"] = encode_join_request(jr)
        else:
            if join_kwargs:
                raise TypeError(f"join request options need v1=True: {sorted(join_kwargs)}")
            query.update(v0_params() if params is None else {})
        if params:
            query.update(params)
        hdrs = dict(headers or {})
        if token is not None:
            if token_in == "header":
                hdrs["Authorization"] = f"Bearer {token}"
            elif token_in == "query":
                query["access_token"] = token
            elif token_in != "none":
                raise ValueError(token_in)
        url = signal_url(base_url, "/rtc/v1" if v1 else "/rtc", query)
        try:
            ws = await ws_connect(
                url,
                additional_headers=hdrs,
                compression=None,
                max_size=MAX_MESSAGE,
                open_timeout=timeout,
                ping_interval=None,
                close_timeout=2,
            )
        except InvalidStatus as e:
            resp = e.response
            raise HandshakeRejected(resp.status_code, resp.body or b"", dict(resp.headers.raw_items())) from None
        client = cls(ws, url)
        if expect_first:
            first = await client.recv_next(timeout)
            client.first = first
            kind = first.WhichOneof("message")
            if kind != expect_first:
                raise AssertionError(f"first frame is {kind!r}, expected {expect_first!r}: {first}")
        return client

    @property
    def join(self) -> rtc.JoinResponse:
        assert self.first is not None and self.first.WhichOneof("message") == "join", "no JoinResponse"
        return self.first.join

    @property
    def sid(self) -> str:
        return self.join.participant.sid

    # -- receiving

    async def _read_one(self, deadline: float, waiting_for: str | None) -> rtc.SignalResponse:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise asyncio.TimeoutError
        try:
            data = await asyncio.wait_for(self.ws.recv(), remaining)
        except ConnectionClosed as e:
            self._note_close(e)
            raise Closed(self.close_code, self.close_reason, waiting_for) from None
        self.raw_log.append(data)
        msg = rtc.SignalResponse()
        if isinstance(data, str):
            from google.protobuf import json_format

            json_format.Parse(data, msg, ignore_unknown_fields=True)
        else:
            msg.ParseFromString(data)
        self.log.append(msg)
        return msg

    def _note_close(self, e: ConnectionClosed) -> None:
        self.closed = True
        if e.rcvd is not None:
            self.close_code = e.rcvd.code
            self.close_reason = e.rcvd.reason
        else:
            self.close_code = 1006
            self.close_reason = ""

    async def recv_next(self, timeout: float = DEFAULT_TIMEOUT) -> rtc.SignalResponse:
        """The next message in arrival order (queued ones first)."""
        if self.inbox:
            return self.inbox.pop(0)
        return await self._read_one(time.monotonic() + timeout, "any message")

    async def recv(self, kind: str, timeout: float = DEFAULT_TIMEOUT, where=None) -> rtc.SignalResponse:
        """The next message whose oneof is `kind` (and for which `where(msg)` holds, if given)."""

        def ok(m: rtc.SignalResponse) -> bool:
            return m.WhichOneof("message") == kind and (where is None or where(m))

        for i, m in enumerate(self.inbox):
            if ok(m):
                return self.inbox.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            try:
                m = await self._read_one(deadline, kind)
            except asyncio.TimeoutError:
                seen = [x.WhichOneof("message") for x in self.inbox]
                raise AssertionError(f"no {kind!r} within {timeout}s; queued meanwhile: {seen}") from None
            if ok(m):
                return m
            self.inbox.append(m)

    async def recv_update(self, where, timeout: float = DEFAULT_TIMEOUT) -> models.ParticipantInfo:
        """The next `update` carrying a ParticipantInfo for which `where(info)` holds; returns that info."""
        found: list[models.ParticipantInfo] = []

        def match(m: rtc.SignalResponse) -> bool:
            for p in m.update.participants:
                if where(p):
                    found.append(p)
                    return True
            return False

        await self.recv("update", timeout, where=match)
        return found[0]

    async def expect_close(self, timeout: float = DEFAULT_TIMEOUT) -> int | None:
        """Reads (and queues) messages until the server closes; returns the close code (1006: no frame)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            try:
                m = await self._read_one(deadline, "close")
            except Closed:
                break
            except asyncio.TimeoutError:
                raise AssertionError(f"the server did not close within {timeout}s") from None
            self.inbox.append(m)
        return self.close_code

    async def alive(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """True when a ping_req gets its pong_resp; False when the socket closes instead."""
        ts = int(time.time() * 1000)
        try:
            await self.ping_req(ts)
            await self.recv("pong_resp", timeout, where=lambda m: m.pong_resp.last_ping_timestamp == ts)
            return True
        except (Closed, ConnectionClosed):
            return False

    def kinds(self) -> list[str]:
        return [m.WhichOneof("message") or "" for m in self.log]

    # -- sending

    async def send(self, req: rtc.SignalRequest) -> None:
        await self.ws.send(req.SerializeToString())

    async def send_raw(self, data: bytes | str) -> None:
        await self.ws.send(data)

    async def add_track(
        self,
        cid: str,
        kind: str = "video",
        *,
        name: str | None = None,
        source: int | None = None,
        muted: bool = False,
        width: int = 640,
        height: int = 480,
    ) -> None:
        track_type = models.TrackType.VIDEO if kind == "video" else models.TrackType.AUDIO
        if source is None:
            source = models.TrackSource.CAMERA if kind == "video" else models.TrackSource.MICROPHONE
        req = rtc.AddTrackRequest(cid=cid, name=name or cid, type=track_type, source=source, muted=muted)
        if kind == "video":
            req.width, req.height = width, height
        await self.send(rtc.SignalRequest(add_track=req))

    async def offer(self, sdp: str, offer_id: int = 0) -> None:
        await self.send(rtc.SignalRequest(offer=rtc.SessionDescription(type="offer", sdp=sdp, id=offer_id)))

    async def answer(self, sdp: str, answer_id: int = 0) -> None:
        await self.send(rtc.SignalRequest(answer=rtc.SessionDescription(type="answer", sdp=sdp, id=answer_id)))

    async def ping(self, ts_ms: int | None = None) -> int:
        ts_ms = int(time.time() * 1000) if ts_ms is None else ts_ms
        await self.send(rtc.SignalRequest(ping=ts_ms))
        return ts_ms

    async def ping_req(self, ts_ms: int | None = None, rtt: int = 0) -> int:
        ts_ms = int(time.time() * 1000) if ts_ms is None else ts_ms
        await self.send(rtc.SignalRequest(ping_req=rtc.Ping(timestamp=ts_ms, rtt=rtt)))
        return ts_ms

    async def mute(self, track_sid: str, muted: bool = True) -> None:
        await self.send(rtc.SignalRequest(mute=rtc.MuteTrackRequest(sid=track_sid, muted=muted)))

    async def update_metadata(
        self,
        *,
        metadata: str | None = None,
        name: str | None = None,
        attributes: dict[str, str] | None = None,
        request_id: int = 0,
    ) -> None:
        req = rtc.UpdateParticipantMetadata(request_id=request_id)
        if metadata is not None:
            req.metadata = metadata
        if name is not None:
            req.name = name
        if attributes:
            req.attributes.update(attributes)
        await self.send(rtc.SignalRequest(update_metadata=req))

    async def leave(
        self,
        reason: int = models.DisconnectReason.CLIENT_INITIATED,
        action: int = rtc.LeaveRequest.Action.DISCONNECT,
    ) -> None:
        await self.send(rtc.SignalRequest(leave=rtc.LeaveRequest(reason=reason, action=action)))

    async def simulate(self, **scenario) -> None:
        """`simulate(speaker_update=1)`, `simulate(node_failure=True)`, …"""
        await self.send(rtc.SignalRequest(simulate=rtc.SimulateScenario(**scenario)))

    async def close(self) -> None:
        """Closes the socket from the client side (code 1000) without a LeaveRequest."""
        await self.ws.close()
        self.closed = True

    async def abort(self) -> None:
        """Drops the TCP connection without a close handshake (a network failure, code 1006)."""
        self.ws.transport.abort()
        self.closed = True

    async def __aenter__(self) -> "SignalClient":
        return self

    async def __aexit__(self, *exc) -> None:
        if not self.closed:
            try:
                await self.ws.close()
            except Exception:
                pass
            self.closed = True


async def resume(
    base_url: str,
    token: str,
    sid: str,
    *,
    v1: bool = True,
    expect_first: str | None = "reconnect",
    timeout: float = DEFAULT_TIMEOUT,
) -> SignalClient:
    """Opens a resume connection (`JoinRequest.reconnect` on v1, `reconnect=1&sid=` on v0)."""
    if v1:
        jr = join_request_message(reconnect=True, participant_sid=sid, reconnect_reason=1)
        return await SignalClient.connect(base_url, token, join_request=jr, expect_first=expect_first, timeout=timeout)
    return await SignalClient.connect(
        base_url,
        token,
        v1=False,
        params=v0_params(reconnect=True, sid=sid),
        expect_first=expect_first,
        timeout=timeout,
    )
