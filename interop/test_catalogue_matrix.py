"""The Matrix catalogue entries with real matrix-nio clients: each shows its race on the wire under the scenario,
and the normal behaviour without it."""

from __future__ import annotations

import time

import pytest
from nio import RoomMessageText, SyncResponse, ToDeviceMessage, UnknownToDeviceEvent

from test_matrix import CALL_MEMBER, encrypted_room, make_client, membership_content, post_json, sync, sync_until


def faults(sfu, **detail) -> list[dict]:
    return [e for e in sfu.events() if e["kind"] == "fault.applied" and all(e["detail"].get(k) == v for k, v in detail.items())]


async def joined_pair(sfu, tmp_path, names=("alice", "bob"), **where):
    """Two registered users (on sfusim, or on `where`'s base URL) in a room alice created; both synced."""
    alice = await make_client(sfu, names[0], tmp_path, **where)
    bob = await make_client(sfu, names[1], tmp_path, **where)
    created = await alice.room_create(invite=[bob.user_id])
    await sync_until(bob, lambda r: created.room_id in r.rooms.invite)
    await bob.join(created.room_id)
    await sync(bob)
    await sync(alice)
    return alice, bob, created.room_id


@pytest.mark.parametrize("flap", [True, False], ids=["mx-sync-abort-flap", "no-scenario"])
async def test_sync_abort_flap_fails_syncs_then_recovers_and_the_call_key_arrives_once(server, tmp_path, flap):
    sfu = server(*(["--scenario", "mx-sync-abort-flap"] if flap else []))
    await check_sync_abort_flap(sfu, *(await joined_pair(sfu, tmp_path)), flap=flap)


async def check_sync_abort_flap(sfu, alice, bob, room_id, *, flap: bool) -> None:
    """alice joins the call and sends bob a call key; bob's sync loop sees the flap (or not) and gets the key once."""
    try:
        # Joining the call (a call membership state event) starts the flap; the call key goes out right after.
        key = f"_{alice.user_id}_{alice.device_id}_m.call"
        await alice.room_put_state(room_id, CALL_MEMBER, membership_content(alice, sfu.http_url, room_id), state_key=key)
        await alice.to_device(ToDeviceMessage("io.element.call.encryption_keys", bob.user_id, bob.device_id,
                                              {"keys": {"index": 0, "key": "Y2FsbCBrZXk"}, "room_id": room_id}))
        errors, keys, synced = 0, 0, 0
        for _ in range(10):  # bob's sync loop (nio re-sends a request whose connection closed, with the same since)
            response = await bob.sync(timeout=200)
            if not isinstance(response, SyncResponse):
                errors += 1
                continue
            synced += 1
            keys += sum(1 for e in response.to_device_events
                        if isinstance(e, UnknownToDeviceEvent) and e.source["type"] == "io.element.call.encryption_keys")
            if synced >= 3:
                break
        assert keys == 1, f"the call key arrived {keys} times"
        if flap:
            assert errors == 2, f"bob saw {errors} failed syncs"
            assert len(faults(sfu, fault="http_error")) == 2 and len(faults(sfu, fault="drop")) == 2
            dropped = [e for e in faults(sfu, fault="drop")]
            assert all(e["tap"] == "http.out" for e in dropped)
        else:
            assert errors == 0 and faults(sfu) == []
    finally:
        await alice.close()
        await bob.close()


@pytest.mark.parametrize("slow", [True, False], ids=["mx-slow-key-delivery", "no-scenario"])
async def test_slow_key_delivery_delays_the_megolm_key_by_the_claim_and_to_device_delays(server, tmp_path, slow):
    sfu = server(*(["--scenario", "mx-slow-key-delivery"] if slow else []))
    alice = await make_client(sfu, "alice", tmp_path)
    bob = await make_client(sfu, "bob", tmp_path)
    try:
        room_id, _ = await encrypted_room(alice, bob)
        started = time.monotonic()
        # The first encrypted message claims bob's one-time key and sends the Megolm key to him as a to-device message.
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "keyed"}, ignore_unverified_devices=True)

        def decrypted(response: SyncResponse):
            room = response.rooms.join.get(room_id)
            return next((e for e in (room.timeline.events if room else []) if isinstance(e, RoomMessageText)), None)

        message = await sync_until(bob, decrypted)
        elapsed = time.monotonic() - started
        assert message.body == "keyed"
        if slow:
            assert elapsed >= 5.0, f"the key arrived after {elapsed:.1f} s"
            delayed = {e["detail"]["message"] for e in faults(sfu, fault="delay")}
            assert delayed == {"keys_claim", "send_to_device"}, delayed
        else:
            assert elapsed < 3.0, f"the key took {elapsed:.1f} s without the scenario"
            assert faults(sfu) == []
        print(f"key delivery {elapsed * 1000:.0f} ms ({'with' if slow else 'without'} mx-slow-key-delivery)")
    finally:
        await alice.close()
        await bob.close()


async def test_jwt_unavailable_answers_503_three_times_then_tokens(server, tmp_path):
    sfu = server("--scenario", "mx-jwt-unavailable")
    alice = await make_client(sfu, "alice", tmp_path)
    try:
        created = await alice.room_create()
        openid = await alice.get_openid_token(alice.user_id)
        body = {"room": created.room_id, "device_id": alice.device_id,
                "openid_token": {"access_token": openid.access_token, "token_type": "Bearer",
                                 "matrix_server_name": openid.matrix_server_name, "expires_in": openid.expires_in}}
        answers = [await post_json(f"{sfu.http_url}/sfu/get", body) for _ in range(4)]
        assert [status for status, _ in answers] == [503, 503, 503, 200], answers
        assert answers[0][1]["errcode"] == "M_UNKNOWN" and answers[3][1]["jwt"]
        assert len(faults(sfu, fault="http_error")) == 3
    finally:
        await alice.close()


@pytest.mark.parametrize("stall", [True, False], ids=["mx-sync-stall", "no-scenario"])
async def test_sync_stall_outlasts_the_client_timeout_and_the_retry_recovers(server, tmp_path, stall):
    sfu = server(*(["--scenario", "mx-sync-stall"] if stall else []))
    alice, bob, room_id = await joined_pair(sfu, tmp_path)
    try:
        key = f"_{alice.user_id}_{alice.device_id}_m.call"
        await alice.room_put_state(room_id, CALL_MEMBER, membership_content(alice, sfu.http_url, room_id), state_key=key)
        started = time.monotonic()
        # nio gives a sync with timeout=1000 sixteen seconds, then re-sends it with the same since.
        response = await bob.sync(timeout=1000)
        elapsed = time.monotonic() - started
        assert isinstance(response, SyncResponse), response
        room = response.rooms.join[room_id]
        assert any(e.source.get("state_key") == key for e in room.timeline.events + room.state)
        syncs = [e for e in sfu.events() if e["kind"] == "matrix.request" and e["detail"].get("endpoint") == "sync"
                 and e["detail"].get("user") == bob.user_id]
        if stall:
            assert elapsed >= 15, f"the stalled sync returned after {elapsed:.1f} s"
            assert [e["detail"]["action"] for e in faults(sfu, fault="hold")] == ["hold"]
            # The stalled request and its retry carried the same since.
            assert syncs[-1]["detail"]["since"] == syncs[-2]["detail"]["since"]
        else:
            assert elapsed < 5 and faults(sfu) == []
    finally:
        await alice.close()
        await bob.close()
