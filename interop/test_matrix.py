"""The embedded Matrix homeserver and the LiveKit JWT service, driven by matrix-nio (with its e2e extra: real
vodozemac Olm/Megolm keys) and the LiveKit Python SDK, as an Element Call participant would use them.

One server per test; every client talks to 127.0.0.1 or the test's namespace address only.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import time

import aiohttp
import pytest
from livekit import rtc
from nio import (
    AsyncClient,
    AsyncClientConfig,
    GetOpenIDTokenResponse,
    JoinResponse,
    KeysClaimResponse,
    KeysQueryResponse,
    KeysUploadResponse,
    RegisterResponse,
    RoomCreateResponse,
    RoomMessageText,
    RoomPutStateResponse,
    SyncResponse,
)

from test_media_forwarding import COUNTER_BITS, Publisher, Receiver, subscribed

SERVER_NAME = "sfusim.local"
CALL_MEMBER = "org.matrix.msc3401.call.member"


async def make_client(sfu, name: str, store, *, base: str | None = None, server_name: str = SERVER_NAME) -> AsyncClient:
    """A registered nio client with encryption on (its Olm account in `store`), on sfusim or on `base`."""
    path = store / name
    path.mkdir(parents=True)
    client = AsyncClient(base or sfu.http_url, f"@{name}:{server_name}", store_path=str(path),
                         config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False))
    response = await client.register(name, f"pw-{name}", device_name=f"{name}-laptop")
    assert isinstance(response, RegisterResponse), response
    assert client.olm is not None, "nio did not load its Olm machine"
    return client


async def sync(client: AsyncClient, timeout: int = 0) -> SyncResponse:
    response = await client.sync(timeout=timeout, full_state=False)
    assert isinstance(response, SyncResponse), response
    return response


async def sync_until(client: AsyncClient, found, rounds: int = 20):
    """Long-polls (1 s server-side wait) until `found(response)` returns something; that value."""
    for _ in range(rounds):
        response = await sync(client, timeout=1000)
        value = found(response)
        if value:
            return value
    raise AssertionError(f"{client.user_id}: not seen after {rounds} syncs")


async def encrypted_room(alice: AsyncClient, bob: AsyncClient):
    """Both upload device keys; alice creates an encrypted room and invites bob, who joins; each sees the other and
    queries the other's keys. The room id and bob's join response."""
    for client in (alice, bob):
        uploaded = await client.keys_upload()
        assert isinstance(uploaded, KeysUploadResponse), uploaded
        assert uploaded.signed_curve25519_count > 0
    created = await alice.room_create(name="call", invite=[bob.user_id], initial_state=[
        {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}},
    ])
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id
    await sync_until(bob, lambda r: room_id in r.rooms.invite)
    joined = await bob.join(room_id)
    await sync_until(alice, lambda _: alice.rooms.get(room_id) and bob.user_id in alice.rooms[room_id].users)
    await sync_until(bob, lambda _: bob.rooms.get(room_id) and alice.user_id in bob.rooms[room_id].users)
    for client in (alice, bob):
        if client.should_query_keys:
            queried = await client.keys_query()
            assert isinstance(queried, KeysQueryResponse), queried
    return room_id, joined


def membership_content(client: AsyncClient, livekit_service_url: str, room_id: str) -> dict:
    """A legacy call membership as matrix-js-sdk sends it (session format)."""
    return {
        "application": "m.call", "call_id": "", "scope": "m.room", "device_id": client.device_id,
        "membershipID": f"{client.user_id}:{client.device_id}", "expires": 14_400_000,
        "focus_active": {"type": "livekit", "focus_selection": "oldest_membership"},
        "foci_preferred": [{"type": "livekit", "livekit_service_url": livekit_service_url, "livekit_alias": room_id}],
    }


def rtc_hash(parts: list[str]) -> str:
    """lk-jwt-service's current hash: unpadded base64 of SHA-256 over the JSON array of the parts."""
    text = json.dumps(parts, separators=(",", ":"))
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


def jwt_claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def post_json(url: str, body: dict) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body) as response:
            return response.status, await response.json(content_type=None)


async def test_two_nio_users_share_an_encrypted_room_call_memberships_and_a_livekit_call(server, media_ip, tmp_path):
    sfu = server(bind=media_ip)
    alice = await make_client(sfu, "alice", tmp_path)
    bob = await make_client(sfu, "bob", tmp_path)
    try:
        room_id, joined = await encrypted_room(alice, bob)
        assert isinstance(joined, JoinResponse), joined

        # Call memberships, echoed to every member (the sender included).
        for client in (alice, bob):
            key = f"_{client.user_id}_{client.device_id}_m.call"
            put = await client.room_put_state(room_id, CALL_MEMBER, membership_content(client, sfu.http_url, room_id), state_key=key)
            assert isinstance(put, RoomPutStateResponse), put

        def call_members(response: SyncResponse) -> set[str]:
            room = response.rooms.join.get(room_id)
            events = (room.timeline.events + room.state) if room else []
            return {e.source["state_key"] for e in events if e.source.get("type") == CALL_MEMBER}

        seen_by_bob: set[str] = set()
        await sync_until(bob, lambda r: seen_by_bob.update(call_members(r)) or len(seen_by_bob) == 2)
        assert f"_{alice.user_id}_{alice.device_id}_m.call" in seen_by_bob

        # An encrypted room message: nio claims bob's one-time key, shares the Megolm session in an Olm-encrypted
        # to-device message, and bob decrypts both.
        sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "key check"}, ignore_unverified_devices=True)
        assert getattr(sent, "event_id", None), sent

        def decrypted(response: SyncResponse):
            room = response.rooms.join.get(room_id)
            return next((e for e in (room.timeline.events if room else []) if isinstance(e, RoomMessageText)), None)

        message = await sync_until(bob, decrypted)
        assert message.body == "key check" and message.decrypted, message
        claims = [e for e in sfu.events() if e["kind"] == "matrix.request" and e["detail"].get("endpoint") == "keys_claim"]
        assert claims and claims[0]["detail"]["status"] == 200
        to_device = [e for e in sfu.events() if e["kind"] == "matrix.request" and e["detail"].get("endpoint") == "send_to_device"]
        assert to_device, "no sendToDevice request"

        # OpenID → the JWT service → a LiveKit token for the call's room, identity @user:server:DEVICE.
        grants = {}
        for client in (alice, bob):
            openid = await client.get_openid_token(client.user_id)
            assert isinstance(openid, GetOpenIDTokenResponse), openid
            status, answer = await post_json(f"{sfu.http_url}/sfu/get", {
                "room": room_id, "device_id": client.device_id,
                "openid_token": {"access_token": openid.access_token, "token_type": openid.token_type,
                                 "matrix_server_name": openid.matrix_server_name, "expires_in": openid.expires_in},
            })
            assert status == 200, answer
            assert answer["url"] == sfu.livekit_url
            claims_ = jwt_claims(answer["jwt"])
            assert claims_["sub"] == f"{client.user_id}:{client.device_id}"
            assert claims_["video"]["room"] == rtc_hash([room_id, "m.call#ROOM"])
            assert claims_["video"]["roomJoin"] is True and claims_["video"].get("roomCreate") is False
            grants[client.user_id] = answer

        alice_rtc, bob_rtc = rtc.Room(), rtc.Room()
        await asyncio.wait_for(alice_rtc.connect(grants[alice.user_id]["url"], grants[alice.user_id]["jwt"]), 20)
        try:
            await asyncio.wait_for(bob_rtc.connect(grants[bob.user_id]["url"], grants[bob.user_id]["jwt"]), 20)
            try:
                ready, tracks = subscribed(bob_rtc, 1)
                publisher = Publisher(alice_rtc, index=1, count=60)
                await publisher.publish()
                publisher.start()
                await asyncio.wait_for(ready, 10)
                identity = f"{alice.user_id}:{alice.device_id}"
                assert list(tracks) == [identity]
                receiver = Receiver(tracks[identity])
                await asyncio.wait_for(publisher.done, 10)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(receiver.wait_for((1 << COUNTER_BITS) | 59 % (1 << COUNTER_BITS)), 2)
                await receiver.stop()
                assert len(receiver.values) >= 20, f"bob decoded only {len(receiver.values)} frames of alice's video"
                assert all(v >> COUNTER_BITS == 1 for v in receiver.values)
            finally:
                await asyncio.wait_for(bob_rtc.disconnect(), 10)
        finally:
            await asyncio.wait_for(alice_rtc.disconnect(), 10)
    finally:
        await alice.close()
        await bob.close()


async def test_a_held_sync_returns_as_soon_as_a_message_arrives_and_a_to_device_message_survives_a_lost_response(sfu, tmp_path):
    alice = await make_client(sfu, "alice", tmp_path)
    bob = await make_client(sfu, "bob", tmp_path)
    try:
        created = await alice.room_create(invite=[bob.user_id])
        await sync_until(bob, lambda r: created.room_id in r.rooms.invite)
        await bob.join(created.room_id)
        await sync(bob)
        await sync(alice)
        # Long poll: bob waits up to 10 s; alice's message ends the wait at once.
        waiting = asyncio.create_task(bob.sync(timeout=10_000))
        await asyncio.to_thread(sfu.wait_event, lambda e: e["detail"].get("user") == bob.user_id, kind="matrix.sync_held", timeout=5)
        started = time.monotonic()
        await alice.room_send(created.room_id, "m.room.message", {"msgtype": "m.text", "body": "wake up"})
        response = await asyncio.wait_for(waiting, 5)
        elapsed = time.monotonic() - started
        bodies = [e.body for e in response.rooms.join[created.room_id].timeline.events if isinstance(e, RoomMessageText)]
        assert bodies == ["wake up"] and elapsed < 2, (bodies, elapsed)

        # The acknowledgement rule: a to-device message stays queued until bob syncs past the response carrying it.
        token = bob.next_batch
        sent = await alice.to_device(_plain_to_device(bob, "m.sfusim.check", {"n": 1}))
        assert type(sent).__name__ == "ToDeviceResponse", sent
        raw = await _raw_sync(sfu, bob, since=token)
        assert [e["type"] for e in raw["to_device"]["events"]] == ["m.sfusim.check"]
        again = await _raw_sync(sfu, bob, since=token)  # the first response was "lost": same since, same message
        assert [e["content"] for e in again["to_device"]["events"]] == [{"n": 1}]
        after = await _raw_sync(sfu, bob, since=again["next_batch"])  # acknowledged: gone
        assert after["to_device"]["events"] == []
    finally:
        await alice.close()
        await bob.close()


def _plain_to_device(target: AsyncClient, kind: str, content: dict):
    from nio import ToDeviceMessage
    return ToDeviceMessage(kind, target.user_id, target.device_id, content)


async def _raw_sync(sfu, client: AsyncClient, since: str) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sfu.http_url}/_matrix/client/v3/sync", params={"since": since, "timeout": "0"},
                               headers={"Authorization": f"Bearer {client.access_token}"}) as response:
            assert response.status == 200
            return await response.json()


@pytest.mark.parametrize("method,path,body,status,errcode", [
    ("GET", "/_matrix/client/v3/sync", None, 401, "M_MISSING_TOKEN"),
    ("GET", "/_matrix/client/v3/sync?access_token=nope", None, 401, "M_UNKNOWN_TOKEN"),
    ("POST", "/_matrix/client/v3/login", b"{not json", 400, "M_NOT_JSON"),
    ("POST", "/_matrix/client/v3/login", b'{"type":"m.login.password","identifier":{"type":"m.id.user","user":"nobody"},"password":"x"}', 403, "M_FORBIDDEN"),
    ("GET", "/_matrix/client/v3/no/such/endpoint", None, 404, "M_UNRECOGNIZED"),
    ("POST", "/sfu/get", b'{"room":"!r:sfusim.local","device_id":"D","openid_token":{"access_token":"bad","matrix_server_name":"sfusim.local"}}', 401, "M_UNAUTHORIZED"),
    ("POST", "/sfu/get", b'{"room":"!r:sfusim.local"}', 400, "M_BAD_JSON"),
    ("POST", "/sfu/get", b'{"room":"!r:sfusim.local","extra":1}', 400, "M_NOT_JSON"),
])
def test_bad_requests_get_matrix_errors_and_cors_headers(sfu, method, path, body, status, errcode):
    result = sfu.http(method, path, body=body)
    assert result.status == status, result.text
    assert result.json()["errcode"] == errcode
    assert result.header("Access-Control-Allow-Origin") == "*"


async def test_a_delayed_leave_is_sent_by_the_server_when_restarts_stop(sfu, tmp_path):
    """MSC4140 as matrix-js-sdk's MembershipManager uses it: a delayed leave scheduled before the join, restarted
    without an access token; when the restarts stop the server sends the leave and a waiting sync sees it."""
    alice = await make_client(sfu, "alice", tmp_path)
    bob = await make_client(sfu, "bob", tmp_path)
    try:
        created = await alice.room_create(invite=[bob.user_id])
        room_id = created.room_id
        await sync_until(bob, lambda r: room_id in r.rooms.invite)
        await bob.join(room_id)
        await sync(bob)
        key = f"_{alice.user_id}_{alice.device_id}_m.call"
        base = f"{sfu.http_url}/_matrix/client"
        headers = {"Authorization": f"Bearer {alice.access_token}"}
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/versions") as r:
                assert (await r.json())["unstable_features"]["org.matrix.msc4140"] is True
            url = f"{base}/v3/rooms/{room_id}/state/{CALL_MEMBER}/{key}"
            async with session.put(url, params={"org.matrix.msc4140.delay": "1500"}, json={}, headers=headers) as r:
                delay_id = (await r.json())["delay_id"]
            async with session.put(url, json=membership_content(alice, sfu.http_url, room_id), headers=headers) as r:
                assert r.status == 200
            async with session.post(f"{base}/unstable/org.matrix.msc4140/delayed_events/{delay_id}/restart") as r:
                assert r.status == 200  # no access token, as the SDK sends it
        started = time.monotonic()

        def left(response: SyncResponse):
            room = response.rooms.join.get(room_id)
            return next((e for e in (room.timeline.events if room else [])
                         if e.source.get("state_key") == key and e.source.get("content") == {}), None)

        event = await sync_until(bob, left, rounds=10)
        elapsed = time.monotonic() - started
        assert event.sender == alice.user_id
        assert 1.0 <= elapsed < 4.0, f"the delayed leave came after {elapsed:.1f} s"
        assert [e["detail"]["action"] for e in sfu.events() if e["kind"] == "matrix.delayed_event"] == ["scheduled", "restart", "sent"]
    finally:
        await alice.close()
        await bob.close()


def test_a_truncated_response_has_its_headers_and_half_its_body_then_the_connection_ends(sfu):
    """`http_truncate` at http.out: the status line and headers (with the full Content-Length), half the body, then
    the connection closes: the client's body read fails (aiohttp's ClientPayloadError, which ends nio's
    sync_forever)."""
    import http.client

    scenario = "name: cut\ntimeline:\n  - at: 0s\n    do:\n      - http_truncate: { tap: http.out, message: versions, count: 1 }\n"
    assert sfu.http("POST", "/_sim/scenario", body=scenario).status in (200, 201)
    connection = http.client.HTTPConnection("127.0.0.1", sfu.http_port, timeout=5)
    try:
        connection.request("GET", "/_matrix/client/versions")
        response = connection.getresponse()
        assert response.status == 200
        length = int(response.getheader("Content-Length"))
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
        assert len(cut.value.partial) == length // 2
    finally:
        connection.close()
    whole = sfu.http("GET", "/_matrix/client/versions")  # count 1: the next answer is whole
    assert whole.status == 200 and "v1.6" in whole.json()["versions"]
    assert [e["detail"]["action"] for e in sfu.events() if e["kind"] == "fault.applied"] == ["http_truncate"]


def test_a_fault_can_pick_one_device_of_a_user(sfu):
    """`device` at the HTTP taps: bob's phone gets the error, his laptop does not."""
    def post(path: str, body: dict) -> dict:
        result = sfu.http("POST", path, body=json.dumps(body))
        assert result.status == 200, result.text
        return result.json()

    laptop = post("/_matrix/client/v3/register", {"username": "bob", "password": "pw", "auth": {"type": "m.login.dummy"},
                                                 "device_id": "LAPTOP"})
    phone = post("/_matrix/client/v3/login", {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "bob"},
                                             "password": "pw", "device_id": "PHONE"})
    scenario = ("name: phone-down\ntimeline:\n  - at: 0s\n    do:\n"
                "      - http_error: { tap: http.in, message: sync, identity: \"@bob:sfusim.local\", device: PHONE, status: 503 }\n")
    assert sfu.http("POST", "/_sim/scenario", body=scenario).status in (200, 201)
    assert sfu.http("GET", f"/_matrix/client/v3/sync?access_token={laptop['access_token']}").status == 200
    down = sfu.http("GET", f"/_matrix/client/v3/sync?access_token={phone['access_token']}")
    assert down.status == 503 and down.json()["errcode"] == "M_UNKNOWN"
    applied = [e for e in sfu.events() if e["kind"] == "fault.applied"]
    assert [e["detail"].get("device") for e in applied] == ["PHONE"]


@pytest.mark.parametrize("path", ["/_matrix/client/v3/sync", "/_matrix/client/versions", "/sfu/get", "/get_token", "/.well-known/matrix/client"])
def test_options_is_answered_with_the_cors_headers_everywhere(sfu, path):
    result = sfu.http("OPTIONS", path)
    assert result.status == 200
    assert result.header("Access-Control-Allow-Origin") == "*"
    assert "PUT" in result.header("Access-Control-Allow-Methods") and "Authorization" in result.header("Access-Control-Allow-Headers")
