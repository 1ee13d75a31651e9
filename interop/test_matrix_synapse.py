"""Synapse, a real homeserver, beside the embedded one: (1) the same matrix-nio script against both gives the same
observable results; (2) sfusim in front of Synapse (`--matrix-upstream`) passes the script through unchanged, its
JWT service checks Synapse's OpenID tokens, and `mx-sync-abort-flap` bites through the proxy as it does on the
embedded homeserver. One Synapse for the module (SQLite, 127.0.0.1)."""

from __future__ import annotations

import itertools

import pytest
from nio import KeysClaimResponse, RoomMessageText, SyncResponse, ToDeviceMessage, UnknownToDeviceEvent

from sfusim_harness import http_request
from synapse_harness import SERVER_NAME as SYNAPSE_NAME, Synapse
from test_catalogue_matrix import check_sync_abort_flap, joined_pair
from test_matrix import CALL_MEMBER, SERVER_NAME, encrypted_room, jwt_claims, make_client, membership_content, post_json, sync_until

_names = itertools.count(1)


@pytest.fixture(scope="module")
def synapse(tmp_path_factory):
    homeserver = Synapse(tmp_path_factory.mktemp("synapse"))
    yield homeserver
    homeserver.stop()


async def observe(sfu, tmp_path, *, base: str, server_name: str) -> dict:
    """Runs one call's Matrix side with two nio users; what a client can observe, minus ids."""
    n = next(_names)
    where = {"base": base, "server_name": server_name}
    alice = await make_client(sfu, f"alice{n}", tmp_path, **where)
    bob = await make_client(sfu, f"bob{n}", tmp_path, **where)
    carol = await make_client(sfu, f"carol{n}", tmp_path, **where)
    seen: dict = {}
    try:
        room_id, joined = await encrypted_room(alice, bob)
        seen["bob_joined"] = type(joined).__name__
        seen["carol_join"] = getattr(await carol.join(room_id), "status_code", "joined")
        key = f"_{alice.user_id}_{alice.device_id}_m.call"
        seen["put_state"] = type(await alice.room_put_state(room_id, CALL_MEMBER, membership_content(alice, base, room_id), state_key=key)).__name__

        def member(response: SyncResponse):
            room = response.rooms.join.get(room_id)
            return next((e.source["content"]["application"] for e in (room.timeline.events + room.state if room else [])
                         if e.source.get("type") == CALL_MEMBER and e.source.get("state_key") == key), None)

        seen["bob_sees_membership"] = await sync_until(bob, member)
        claimed = await bob.keys_claim({alice.user_id: [alice.device_id]})
        assert isinstance(claimed, KeysClaimResponse), claimed
        seen["claimed_key_algorithms"] = sorted(k.split(":")[0] for k in claimed.one_time_keys.get(alice.user_id, {}).get(alice.device_id, {}))
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hi"}, ignore_unverified_devices=True)

        def text(response: SyncResponse):
            room = response.rooms.join.get(room_id)
            return next((e.body for e in (room.timeline.events if room else []) if isinstance(e, RoomMessageText)), None)

        seen["bob_decrypted"] = await sync_until(bob, text)
        await alice.to_device(ToDeviceMessage("m.sfusim.check", bob.user_id, bob.device_id, {"n": 7}))
        got = []
        for _ in range(3):
            response = await bob.sync(timeout=500)
            got += [e.source["content"] for e in response.to_device_events
                    if isinstance(e, UnknownToDeviceEvent) and e.source["type"] == "m.sfusim.check"]
        seen["to_device"] = got
        status, body = await post_json(f"{base}/_matrix/client/v3/login", {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": alice.user_id}, "password": "wrong"})
        seen["bad_password"] = (status, body.get("errcode"))
        for name, path in [("bad_token", "/_matrix/client/v3/sync?access_token=nope"), ("unknown", "/_matrix/client/v3/no/such/endpoint")]:
            result = http_request(base + path)
            seen[name] = (result.status, result.json().get("errcode"))
    finally:
        for client in (alice, bob, carol):
            await client.close()
    return seen


async def test_the_same_nio_script_sees_the_same_on_synapse_and_on_the_embedded_homeserver(server, synapse, tmp_path):
    sfu = server()
    ours = await observe(sfu, tmp_path / "ours", base=sfu.http_url, server_name=SERVER_NAME)
    theirs = await observe(sfu, tmp_path / "synapse", base=synapse.url, server_name=SYNAPSE_NAME)
    print("observed:", ours)
    assert ours == theirs
    assert ours["bob_decrypted"] == "hi" and ours["to_device"] == [{"n": 7}] and ours["carol_join"] == "M_FORBIDDEN"


async def test_sfusim_in_front_of_synapse_passes_the_script_through_and_its_jwt_service_checks_synapse_tokens(server, synapse, tmp_path):
    sfu = server("--matrix-upstream", synapse.url)
    direct = await observe(sfu, tmp_path / "direct", base=synapse.url, server_name=SYNAPSE_NAME)
    proxied = await observe(sfu, tmp_path / "proxied", base=sfu.http_url, server_name=SYNAPSE_NAME)
    assert proxied == direct
    forwarded = [e for e in sfu.events() if e["kind"] == "matrix.request" and e["detail"].get("upstream")]
    assert any(e["detail"]["endpoint"] == "keys_claim" for e in forwarded)
    # The JWT service takes Synapse's OpenID token.
    alice = await make_client(sfu, f"dave{next(_names)}", tmp_path, server_name=SYNAPSE_NAME)
    try:
        openid = await alice.get_openid_token(alice.user_id)
        status, answer = await post_json(f"{sfu.http_url}/sfu/get", {
            "room": "!room:synapse.test", "device_id": alice.device_id,
            "openid_token": {"access_token": openid.access_token, "token_type": "Bearer", "matrix_server_name": SYNAPSE_NAME,
                             "expires_in": openid.expires_in}})
        assert status == 200, answer
        assert jwt_claims(answer["jwt"])["sub"] == f"{alice.user_id}:{alice.device_id}"
    finally:
        await alice.close()


async def test_sync_abort_flap_bites_through_the_proxy(server, synapse, tmp_path):
    sfu = server("--matrix-upstream", synapse.url, "--scenario", "mx-sync-abort-flap")
    n = next(_names)
    pair = await joined_pair(sfu, tmp_path, names=(f"erin{n}", f"frank{n}"), server_name=SYNAPSE_NAME)
    await check_sync_abort_flap(sfu, *pair, flap=True)
