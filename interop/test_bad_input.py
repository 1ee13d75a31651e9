"""Malformed and unauthorised input: exact HTTP answers (reference §1.1, §1.7), and the server keeps serving.

Every test ends with `still_serving`: a fresh client in a new room must still get its JoinResponse.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import subprocess
import time

import jwt
import pytest
from livekit.protocol import rtc

from rawclient import HandshakeRejected, SignalClient, encode_join_request, join_request_message
from sfusim_harness import unique

TWO_MIB = 2 * 1024 * 1024


async def still_serving(sfu) -> None:
    room = unique("after")
    async with await SignalClient.connect(sfu.livekit_url, sfu.token(unique("fresh"), room)) as c:
        assert c.join.room.name == room
        assert await c.alive()
    assert sfu.http("GET", "/").status == 200


async def alive_or_closed(client: SignalClient) -> str:
    """After bad input the session either keeps answering pings or is closed with a close frame.

    Silence (no pong, no close) fails the test, and so does a dropped connection (1006): the server must
    refuse deliberately, e.g. 1007 (invalid payload) or 1008 (policy), not crash the socket.
    """
    if await client.alive():
        return "alive"
    assert client.close_code not in (None, 1006), f"connection dropped without a close frame ({client.close_code})"
    return "closed"


def raw_jwt(sfu, claims: dict, *, secret: str | None = None) -> str:
    now = int(time.time())
    base = {"iss": sfu.api_key, "nbf": now - 10, "exp": now + 600}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, secret or sfu.api_secret, algorithm="HS256")


# --- WebSocket frames -----------------------------------------------------------------------------------


async def test_malformed_protobuf_frame(sfu):
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique())) as alice:
        await alice.send_raw(b"\x0a\x10abc")  # field 1 (offer), length 16, only 3 bytes follow
        outcome = await alive_or_closed(alice)
        assert outcome in ("alive", "closed")
    await still_serving(sfu)


async def test_unknown_oneof_is_ignored(sfu):
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique())) as alice:
        await alice.send_raw(b"\x98\x06\x01")  # field 99 (varint 1): valid protobuf, no known oneof
        assert await alice.alive(), "an unknown message must be ignored, not end the session"
        await alice.send_raw(b"")  # an empty SignalRequest
        assert await alice.alive()
    await still_serving(sfu)


async def test_oversized_frame_closes(sfu):
    async with await SignalClient.connect(
        sfu.livekit_url, sfu.token("alice", unique(), can_update_own_metadata=True)
    ) as alice:
        big = rtc.SignalRequest(update_metadata=rtc.UpdateParticipantMetadata(metadata="x" * (TWO_MIB + 1)))
        try:
            await alice.send(big)
        except Exception:
            pass  # the server may close while we are still sending
        code = await alice.expect_close()
        assert code is not None
        assert not any(m.WhichOneof("message") == "update" for m in alice.log), "the oversized update was applied"
    await still_serving(sfu)


async def test_text_frame_garbage(sfu):
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique())) as alice:
        await alice.send_raw("this is not protojson {")
        outcome = await alive_or_closed(alice)
        assert outcome in ("alive", "closed")
    await still_serving(sfu)


# --- handshake: join_request ----------------------------------------------------------------------------


def _garbage_join_requests() -> dict[str, str]:
    jr = join_request_message().SerializeToString()
    wrapped_bad_gzip = rtc.WrappedJoinRequest(compression=rtc.WrappedJoinRequest.Compression.GZIP, join_request=b"not gzip")
    wrapped_bad_proto = rtc.WrappedJoinRequest(
        compression=rtc.WrappedJoinRequest.Compression.NONE, join_request=b"\x0a\xff\xff\xff\xff\x0f"
    )
    wrapped_gzip_bad_proto = rtc.WrappedJoinRequest(
        compression=rtc.WrappedJoinRequest.Compression.GZIP, join_request=gzip.compress(b"\x0a\xff\xff\xff\xff\x0f")
    )
    b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")  # noqa: E731
    return {
        "not-base64": "!!!%%%***",
        "not-a-wrapped-request": b64(b"\xff\xfe\xfd\xfc"),
        "bad-gzip": b64(wrapped_bad_gzip.SerializeToString()),
        "bad-join-proto": b64(wrapped_bad_proto.SerializeToString()),
        "gzip-bad-join-proto": b64(wrapped_gzip_bad_proto.SerializeToString()),
        "bare-join-request-not-wrapped": b64(gzip.compress(jr)),
    }


@pytest.mark.parametrize("case", sorted(_garbage_join_requests()))
async def test_garbage_join_request_is_400(sfu, case):
    value = _garbage_join_requests()[case]
    with pytest.raises(HandshakeRejected) as err:
        await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique()), raw_join_request=value)
    assert err.value.status == 400, (err.value.status, err.value.text)
    await still_serving(sfu)


async def test_join_request_with_and_without_padding(sfu):
    for padding in (False, True):
        room = unique()
        value = encode_join_request(join_request_message(), padding=padding)
        async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room), raw_join_request=value) as c:
            assert c.join.room.name == room
    # uncompressed (NONE) is accepted too
    room = unique()
    value = encode_join_request(join_request_message(), compress=False)
    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", room), raw_join_request=value) as c:
        assert c.join.room.name == room


async def test_v1_without_join_request_is_400(sfu):
    with pytest.raises(HandshakeRejected) as err:
        await _connect_v1_bare(sfu)
    assert err.value.status == 400
    assert "join_request" in err.value.text
    await still_serving(sfu)


async def _connect_v1_bare(sfu):
    """A v1 upgrade with a valid token and no join_request parameter at all."""
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import InvalidStatus

    try:
        ws = await ws_connect(
            sfu.livekit_url + "/rtc/v1",
            additional_headers={"Authorization": f"Bearer {sfu.token('alice', unique())}"},
            compression=None,
            open_timeout=5,
        )
    except InvalidStatus as e:
        raise HandshakeRejected(e.response.status_code, e.response.body or b"", {}) from None
    await ws.close()
    raise AssertionError("the /rtc/v1 upgrade without join_request was accepted")


# --- handshake: tokens ----------------------------------------------------------------------------------


def _bad_tokens(sfu) -> dict[str, tuple[str | None, dict[str, str], int, str]]:
    """case → (token or None, extra headers, status, body prefix) as the Go server answers (§1.7)."""
    room = unique()
    expired = sfu.token("alice", room, ttl=datetime.timedelta(seconds=-300))
    return {
        "no-token": (None, {}, 401, "no permissions to access the room"),
        "not-bearer": (None, {"Authorization": "Basic YWxpY2U6c2VjcmV0"}, 401, "invalid authorization header. Must start with Bearer"),
        "wrong-secret": (sfu.token("alice", room, api_secret="not-the-secret"), {}, 401, "invalid authorization token"),
        "unknown-key": (sfu.token("alice", room, api_key="nosuchkey"), {}, 401, "invalid API key"),
        "expired": (expired, {}, 401, "invalid authorization token"),
        "garbage": ("not.a.jwt", {}, 401, "invalid authorization token"),
        "no-video-grant": (raw_jwt(sfu, {"sub": "alice"}), {}, 401, "no permissions to access the room"),
        "no-room-join": (sfu.token("alice", room, room_join=False), {}, 401, "permissions denied"),
        "no-exp": (raw_jwt(sfu, {"sub": "alice", "exp": None, "video": {"roomJoin": True, "room": room}}), {}, 401, "invalid authorization token"),
        "empty-identity": (raw_jwt(sfu, {"video": {"roomJoin": True, "room": room}}), {}, 400, "identity cannot be empty"),
        "no-room": (raw_jwt(sfu, {"sub": "alice", "video": {"roomJoin": True}}), {}, 400, "no room name"),
    }


BAD_TOKEN_CASES = [
    "no-token",
    "not-bearer",
    "wrong-secret",
    "unknown-key",
    "expired",
    "garbage",
    "no-video-grant",
    "no-room-join",
    "no-exp",
    "empty-identity",
    "no-room",
]


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
def test_validate_rejects(sfu, case):
    token, headers, status, prefix = _bad_tokens(sfu)[case]
    hdrs = dict(headers)
    if token is not None:
        hdrs["Authorization"] = f"Bearer {token}"
    for path in ("/rtc/validate", "/rtc/v1/validate?join_request=" + encode_join_request(join_request_message())):
        r = sfu.http("GET", path, headers=hdrs)
        assert r.status == status, (path, r.status, r.text)
        assert r.text.startswith(prefix), (path, r.text)
    ev = sfu.wait_event(kind="http.rejected", match=lambda e: (e.get("detail") or {}).get("status") == status)
    assert ev


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_upgrade_rejects(sfu, case):
    token, headers, status, prefix = _bad_tokens(sfu)[case]
    for v1 in (True, False):
        with pytest.raises(HandshakeRejected) as err:
            await SignalClient.connect(sfu.livekit_url, token, v1=v1, headers=headers)
        assert err.value.status == status, (v1, err.value.status, err.value.text)
        assert err.value.text.startswith(prefix), (v1, err.value.text)
    await still_serving(sfu)


def test_validate_accepts(sfu):
    room = unique()
    token = sfu.token("alice", room)
    r = sfu.http("GET", "/rtc/validate", headers={"Authorization": f"Bearer {token}"})
    assert (r.status, r.text) == (200, "success")
    assert r.header("Access-Control-Allow-Origin") == "*"
    r = sfu.http("GET", f"/rtc/validate?access_token={token}")
    assert (r.status, r.text) == (200, "success")
    jr = encode_join_request(join_request_message())
    r = sfu.http("GET", f"/rtc/v1/validate?join_request={jr}", headers={"Authorization": f"Bearer {token}"})
    assert (r.status, r.text) == (200, "success")
    r = sfu.http("GET", "/rtc/v1/validate", headers={"Authorization": f"Bearer {token}"})
    assert r.status == 400, (r.status, r.text)
    # validate does not join anybody
    rooms = {x["name"]: x for x in sfu.state()["rooms"]}
    assert not rooms.get(room, {}).get("participants")


async def test_no_auto_create_refuses_unknown_room(server):
    sfu = server("--no-auto-create")
    room = unique()
    token = sfu.token("alice", room)
    r = sfu.http("GET", "/rtc/validate", headers={"Authorization": f"Bearer {token}"})
    assert r.status == 404 and "requested room does not exist" in r.text, (r.status, r.text)
    with pytest.raises(HandshakeRejected) as err:
        await SignalClient.connect(sfu.livekit_url, token)
    assert err.value.status == 404 and "requested room does not exist" in err.value.text
    # once created through RoomService the same token joins
    async with sfu.api() as lk:
        from livekit.protocol.room import CreateRoomRequest

        await lk.room.create_room(CreateRoomRequest(name=room))
    async with await SignalClient.connect(sfu.livekit_url, token) as c:
        assert c.join.room.name == room


# --- plain HTTP -----------------------------------------------------------------------------------------


def test_non_websocket_get_is_empty_404(sfu):
    token = sfu.token("alice", unique())
    for path in ("/rtc", "/rtc/v1", f"/rtc?access_token={token}"):
        r = sfu.http("GET", path)
        assert r.status == 404, (path, r.status, r.text)
        assert r.body == b"", (path, r.body)
    r = sfu.http("GET", "/no/such/path")
    assert r.status == 404
    r = sfu.http("GET", "/")
    assert r.status == 200


async def test_many_bad_inputs_then_a_good_one(sfu):
    """A burst of mixed garbage across connections; the server must neither crash nor wedge."""
    for i in range(20):
        try:
            async with await SignalClient.connect(sfu.livekit_url, sfu.token(f"fuzz{i}", unique())) as c:
                await c.send_raw(bytes([i, 0xFF, i ^ 0x5A, 0x01, 0x80]) * (i + 1))
                await alive_or_closed(c)
        except HandshakeRejected as e:  # never expected for a valid token
            raise AssertionError(f"valid join refused after garbage: {e}") from None
    await still_serving(sfu)


def test_sfusim_validate_accepts_good_scenarios_and_exits_2_with_positions_for_bad_ones(sfusim_bin, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: lk-ok\nexpect:\n  - { event: participant.joined, identity: bob }\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: lk-bad\nrules:\n  - when: { event: signal.out.jion }\n    then:\n      - drop: { tap: signal.out, message: update }\n")
    ok = subprocess.run([str(sfusim_bin), "validate", str(good)], capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and "good.yaml: ok" in ok.stdout, (ok.stdout, ok.stderr)
    failed = subprocess.run([str(sfusim_bin), "validate", str(good), str(bad)], capture_output=True, text=True, timeout=30)
    assert failed.returncode == 2, (failed.stdout, failed.stderr)
    assert f"{bad}:3:20: error: unknown event kind \"signal.out.jion\"" in failed.stderr, failed.stderr
    assert 'did you mean "signal.out.join"' in failed.stderr


@pytest.mark.parametrize("path", ["/rtc", "/v1/stream"])
def test_a_peer_that_never_answers_the_close_does_not_keep_the_server_from_exiting(server, path):
    """A client that upgraded and then stopped reading (its event loop blocked, say) never answers the close frame
    sent at shutdown; the server drops it after a short grace period and exits 0 at once after that."""
    import socket

    sfu = server()
    host, port = sfu.livekit_url.removeprefix("ws://").rsplit(":", 1)
    query = f"access_token={sfu.token('alice', 'stuck')}&protocol=15" if path == "/rtc" else "api_key=k&model=mirage"
    with socket.create_connection((host, int(port)), timeout=5) as stuck:
        stuck.sendall((f"GET {path}?{query} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        assert stuck.recv(12) == b"HTTP/1.1 101"
        sfu.wait_event(kind="connection.open" if path == "/rtc" else "control.open", timeout=10)
        started = time.monotonic()
        assert sfu.stop(timeout=10) == 0
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/_sim/scenario", "/_sim/scenarios"])
def test_a_scenario_nested_thousands_deep_is_refused_and_the_server_lives(sfu, path):
    deep = "name: deep\nrules: " + "[" * 20000 + "]" * 20000 + "\n"
    result = sfu.http("POST", path, body=deep)
    assert result.status == 400 and "nested deeper than 128 levels" in result.text
    assert sfu.http("GET", "/_sim/state").status == 200


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /_sim/state HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n", b"431"),
    (b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
    (b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /" + b"a" * 200_000 + b" HTTP/1.1\r\n\r\n", b"414"),  # the second request
], ids=["huge-header", "huge-url", "huge-url-after-a-request"])
def test_a_request_over_the_header_limit_gets_414_or_431_and_the_connection_closes(sfu, request_bytes, status):
    import socket

    with socket.create_connection(("127.0.0.1", sfu.http_port), timeout=5) as connection:
        connection.sendall(request_bytes)
        answer = b""
        while chunk := connection.recv(4096):  # ends when the server closes
            answer += chunk
    assert answer.split(b"HTTP/1.1 ")[-1].startswith(status + b" "), answer[:200]
    assert sfu.http("GET", "/_sim/state").status == 200


@pytest.mark.parametrize("dribble", [True, False], ids=["slowloris", "silent"])
def test_a_request_head_that_does_not_arrive_in_time_gets_408_and_the_connection_closes(server, dribble):
    """200 half-open connections dribbling a byte a second once stayed open for ever. The head must be complete within
    http.header_read_timeout_ms (10 s by default; 600 ms here) of its first byte, or of the connection opening."""
    import socket

    sfu = server(config={"http": {"header_read_timeout_ms": 600}})
    connections = [socket.create_connection(("127.0.0.1", sfu.http_port), timeout=5) for _ in range(50)]
    started = time.monotonic()
    try:
        for c in connections:
            if dribble:
                c.sendall(b"GET /_sim/state HTTP/1.1\r\nX-Slow: a")
        answers = []
        for c in connections:
            answer = b""
            while chunk := c.recv(4096):
                answer += chunk
            answers.append(answer)
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), {a[:40] for a in answers}
        assert time.monotonic() - started < 5
    finally:
        for c in connections:
            c.close()
    assert sfu.http("GET", "/_sim/state").status == 200  # a complete request on time is served


def test_a_body_over_the_limit_gets_413_even_when_the_client_writes_it_all_first(sfu):
    import socket

    size = 20_000_000
    with socket.create_connection(("127.0.0.1", sfu.http_port), timeout=10) as connection:
        connection.sendall(b"POST /_sim/scenario HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size + b"x" * size)
        assert connection.recv(64).startswith(b"HTTP/1.1 413 ")
    assert sfu.http("GET", "/_sim/state").status == 200


def test_websocket_connections_that_come_and_go_leave_no_memory_behind(server):
    """Each upgraded WebSocket once leaked its request context and NIO channel (~6 KB: a reference cycle in the
    WebSocket router, the same for every WebSocket path). 2,000 control connections opened and closed after a warm-up
    batch must not grow the server (the event window is kept tiny so the log does not count; control connections keep
    no room or participant behind)."""
    import asyncio

    import websockets

    sfu = server(config={"event_window": {"events": 50}})

    def rss_kb() -> int:
        with open(f"/proc/{sfu.proc.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    async def churn(count: int) -> None:
        async def worker(k: int) -> None:
            for _ in range(k, count, 4):
                async with websockets.connect(f"{sfu.livekit_url}/v1/stream?api_key=k&model=mirage"):
                    pass

        await asyncio.gather(*(worker(k) for k in range(4)))

    asyncio.run(churn(1000))  # warm-up: pools, arenas and the event window reach their sizes
    before = rss_kb()
    asyncio.run(churn(2000))
    grown = rss_kb() - before
    assert grown < 3_000, f"RSS grew {grown} kB over 2,000 WebSocket connections (the leak was ~6 kB each: ~12,000 kB)"
