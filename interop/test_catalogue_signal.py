"""The signal-level catalogue races (`lk-signal-flap`, `lk-resume-fails`, `lk-rejoin-new-sid`, `lk-rejoin-wrong-order`)
with the real `livekit` SDK, each shown on the wire with the built-in scenario and in its normal form without it."""

from __future__ import annotations

import asyncio
import json

import pytest
from livekit import rtc

from rawclient import SignalClient
from sfusim_harness import unique
from test_media_forwarding import Publisher

DISCONNECTED = 3  # ParticipantInfo.State


async def connect(sfu, identity: str, room: str) -> rtc.Room:
    client = rtc.Room()
    await asyncio.wait_for(client.connect(sfu.livekit_url, sfu.token(identity, room)), 20)
    return client


async def full_reconnect(sfu, room: rtc.Room, identity: str, old: str, timeout: float = 30) -> str:
    """Waits for the SDK's full reconnect (its `reconnected` event) and returns the new SID the server gave it.
    (The Python SDK's `local_participant.sid` keeps the first SID, so the server's log is the witness.)"""
    reconnected = asyncio.Event()
    room.on("reconnected", lambda *_: reconnected.set())
    joined = await asyncio.to_thread(sfu.wait_events, kind="participant.joined", identity=identity, count=2, timeout=timeout)
    new = joined[1]["participant"]
    assert joined[0]["participant"] == old and new != old and new.startswith("PA_"), joined
    await asyncio.wait_for(reconnected.wait(), timeout)
    assert room.connection_state == rtc.ConnectionState.CONN_CONNECTED
    return new


async def test_an_abort_drops_the_signal_without_a_close_frame_and_the_participant_can_resume(server):
    from rawclient import resume

    sfu = server()
    body = "name: abort-on-ping\nrules:\n  - when: { event: signal.in.ping_req }\n    then:\n      - abort: { socket: signal }\n"
    assert (await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body=body)).status == 200
    room = unique()
    token = sfu.token("alice", room)
    alice = await SignalClient.connect(sfu.livekit_url, token, v1=False)
    await alice.ping_req(1)
    assert await alice.expect_close() == 1006  # no close frame
    await asyncio.to_thread(sfu.wait_event, kind="participant.signal_lost", identity="alice", timeout=10)
    again = await resume(sfu.livekit_url, token, alice.sid, v1=False, expect_first="reconnect")
    await asyncio.to_thread(sfu.wait_event, kind="participant.resumed", identity="alice", timeout=10)
    await again.close()
    fault = next(e for e in sfu.events() if e["kind"] == "fault.applied")
    assert fault["detail"]["action"] == "abort", fault


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_signal_flap_the_sdk_resumes_twice_keeping_its_sid(server, media_ip, with_scenario):
    sfu = server(*(["--scenario", "lk-signal-flap"] if with_scenario else []), bind=media_ip)
    room = await connect(sfu, "alice", unique())
    reconnecting, reconnected = [], asyncio.Queue()
    room.on("reconnecting", lambda: reconnecting.append(True))
    room.on("reconnected", lambda: reconnected.put_nowait(True))
    sid = room.local_participant.sid
    try:
        if with_scenario:
            # The timeline aborts the signal at 5 s and 12 s; each time the SDK resumes on a new socket.
            for _ in range(2):
                await asyncio.wait_for(reconnected.get(), 30)
            resumed = await asyncio.to_thread(sfu.wait_events, kind="participant.resumed", identity="alice", count=2, timeout=10)
            assert len(resumed) == 2
            lost = [e for e in sfu.events() if e["kind"] == "participant.signal_lost"]
            assert len(lost) == 2, lost
        else:
            # Without the scenario nothing happens at those times: no signal loss up to past the second abort's time.
            with pytest.raises(AssertionError, match="only 0 of 1"):
                await asyncio.to_thread(sfu.wait_event, kind="participant.signal_lost", timeout=13)
            assert not [e for e in sfu.events() if e["kind"] == "participant.resumed"]
        assert room.local_participant.sid == sid
        assert room.connection_state == rtc.ConnectionState.CONN_CONNECTED
        assert not [e for e in sfu.events() if e["kind"] == "participant.disconnected"]
        assert bool(reconnecting) is with_scenario
    finally:
        await room.disconnect()
    if with_scenario:
        report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
        assert report["results"][0]["status"] == "passed", report  # resumed; "never disconnected" stays open until the end


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_resume_fails_the_sdk_falls_back_to_a_full_reconnect_with_a_new_sid(server, media_ip, with_scenario):
    sfu = server(*(["--scenario", "lk-resume-fails"] if with_scenario else []), bind=media_ip)
    name = unique()
    room = await connect(sfu, "alice", name)
    sid = room.local_participant.sid
    try:
        if with_scenario:
            # 5 s in, the signal is aborted; the resume is answered with Leave{STATE_MISMATCH, RECONNECT}.
            leave = await asyncio.to_thread(sfu.wait_event, kind="signal.out.leave", identity="alice", timeout=30)
            assert leave["detail"]["reason"] == 6 and leave["detail"]["action"] == 2, leave  # STATE_MISMATCH, RECONNECT
            await full_reconnect(sfu, room, "alice", sid)
            kinds = [e["kind"] for e in sfu.events() if e.get("identity") == "alice" and e["kind"].startswith("participant.")]
            assert kinds.index("participant.resume_refused") < kinds.index("participant.disconnected"), kinds
        else:
            # The normal resume: the same drop as a one-off fault, and the SDK keeps its SID.
            dropped = await asyncio.to_thread(
                sfu.http, "POST", "/_sim/faults", body=json.dumps({"action": "close_signal", "room": name, "identity": "alice"})
            )
            assert dropped.status == 200, dropped.text
            await asyncio.to_thread(sfu.wait_event, kind="participant.resumed", identity="alice", timeout=30)
            assert room.local_participant.sid == sid
            assert not [e for e in sfu.events() if e["kind"] == "signal.out.leave"]
    finally:
        await room.disconnect()


def bob_timeline(alice: SignalClient) -> list[tuple[str, int]]:
    """(sid, state) of every ParticipantInfo about bob that alice received, in order."""
    out = []
    for message in alice.log:
        if message.WhichOneof("message") == "join":
            infos = message.join.other_participants
        elif message.WhichOneof("message") == "update":
            infos = message.update.participants
        else:
            continue
        out += [(p.sid, p.state) for p in infos if p.identity == "bob"]
    return out


async def read_until(alice: SignalClient, done, timeout: float = 30) -> None:
    """Reads alice's messages until `done(bob_timeline(alice))` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not done(bob_timeline(alice)):
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"alice's view of bob: {bob_timeline(alice)}"
        await alice.recv_next(remaining)  # every message read is kept in `alice.log`


async def rejoin_seen_by_alice(sfu, name: str, with_scenario: bool) -> tuple[str, str, list[tuple[str, int]]]:
    """alice (a raw client) watches bob (the SDK, publishing video) rejoin: forced by the server's full-reconnect request
    under the scenario, or by bob himself (disconnect and connect again) without it. Returns bob's old and new SID and
    alice's view of bob."""
    alice = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", name), v1=False)
    bob = await connect(sfu, "bob", name)
    old = bob.local_participant.sid
    try:
        publisher = Publisher(bob, index=2, count=10_000)
        await asyncio.wait_for(publisher.publish(), 15)
        publisher.start()
        if with_scenario:
            new = await full_reconnect(sfu, bob, "bob", old)
        else:
            await bob.disconnect()
            bob = await connect(sfu, "bob", name)
            new = bob.local_participant.sid
        await read_until(alice, lambda view: any(s == new for s, _ in view) and any(s == old and st == DISCONNECTED for s, st in view))
        return old, new, bob_timeline(alice)
    finally:
        await bob.disconnect()
        await alice.close()


def first_index(view: list[tuple[str, int]], predicate) -> int:
    return next(i for i, item in enumerate(view) if predicate(item))


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_rejoin_new_sid_alice_sees_the_old_sid_disconnected_before_the_new_one(server, media_ip, with_scenario):
    sfu = server(*(["--scenario", "lk-rejoin-new-sid"] if with_scenario else []), bind=media_ip)
    old, new, view = await rejoin_seen_by_alice(sfu, unique(), with_scenario)
    assert new != old
    gone = first_index(view, lambda item: item == (old, DISCONNECTED))
    arrived = first_index(view, lambda item: item[0] == new)
    assert gone < arrived, view
    simulated = [e for e in sfu.events() if e["kind"] == "participant.simulate" and e["identity"] == "bob"]
    assert bool(simulated) is with_scenario, simulated  # the server forced the rejoin only under the scenario
    if with_scenario:
        report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
        assert all(r["status"] == "passed" for r in report["results"]), report


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_lk_rejoin_wrong_order_alice_sees_the_new_sid_before_the_old_one_goes(server, media_ip, with_scenario):
    sfu = server(*(["--scenario", "lk-rejoin-wrong-order"] if with_scenario else []), bind=media_ip)
    old, new, view = await rejoin_seen_by_alice(sfu, unique(), with_scenario)
    gone = first_index(view, lambda item: item == (old, DISCONNECTED))
    arrived = first_index(view, lambda item: item[0] == new)
    if with_scenario:
        assert arrived < gone, view  # the non-conforming order
        faults = [e for e in sfu.events() if e["kind"] == "fault.applied" and e["detail"].get("fault") == "disconnect_after_new_info"]
        assert faults, sfu.events()
    else:
        assert gone < arrived, view
