"""Per-connection scenario selection: a LiveKit connection names a scenario with the `sfusim.scenario` token attribute
or the `sfusim_scenario` query parameter and gets it for its room alone; a Decart control connection names one with
the query parameter and gets it for itself alone. Parallel tests in one server do not interfere."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from rawclient import HandshakeRejected, SignalClient
from sfusim_harness import unique
from test_decart import JS_LEAN, Control


async def test_a_rooms_scenario_reaches_that_room_only(server):
    sfu = server()
    by_attribute, by_query, calm = unique(), unique(), unique()
    flapped = await SignalClient.connect(sfu.livekit_url, sfu.token("alice", by_attribute, attributes={"sfusim.scenario": "lk-signal-flap"}), v1=False)
    queried = await SignalClient.connect(sfu.livekit_url, sfu.token("carol", by_query), v1=False, params={"sfusim_scenario": "lk-signal-flap"})
    untouched = await SignalClient.connect(sfu.livekit_url, sfu.token("bob", calm), v1=False)
    # Each selecting room runs its own lk-signal-flap from its own start: its sockets are aborted 5 s in.
    assert await flapped.expect_close(timeout=10) == 1006
    assert await queried.expect_close(timeout=10) == 1006
    assert await untouched.alive()
    aborted = [e for e in sfu.events() if e["kind"] == "fault.applied" and e["detail"].get("action") == "abort"]
    assert sorted(e["room"] for e in aborted) == sorted([by_attribute, by_query]), aborted
    # No server-wide scenario; one report per selecting room.
    assert (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).status == 404
    room_report = await asyncio.to_thread(sfu.http, "GET", f"/_sim/report?room={by_attribute}")
    assert room_report.status == 200 and room_report.json()["scenario"] == "lk-signal-flap"
    scopes = [r["scope"] for r in (await asyncio.to_thread(sfu.http, "GET", "/_sim/reports")).json()]
    assert sorted(scopes) == sorted([f"room {by_attribute}", f"room {by_query}"]), scopes
    await untouched.close()
    await asyncio.to_thread(sfu.http, "POST", "/_sim/reset")
    assert (await asyncio.to_thread(sfu.http, "GET", "/_sim/reports")).json() == []


async def test_an_unknown_scenario_name_is_refused_with_400(server):
    sfu = server()
    with pytest.raises(HandshakeRejected) as refused:
        await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique()), v1=False, params={"sfusim_scenario": "no-such-race"})
    assert refused.value.status == 400 and "no-such-race" in refused.value.text


async def test_a_registered_scenario_is_selected_by_name(server):
    sfu = server()
    body = "name: keep-my-sid\ntimeline:\n  - at: 0s\n    do:\n      - rejoin_sid: keep\n"
    registered = await asyncio.to_thread(sfu.http, "POST", "/_sim/scenarios", body=body)
    assert registered.status == 201, registered.text
    kept, normal = unique(), unique()
    sids = {}
    for room, attributes in ((kept, {"sfusim.scenario": "keep-my-sid"}), (normal, None)):
        token = sfu.token("alice", room, attributes=attributes)
        first = await SignalClient.connect(sfu.livekit_url, token, v1=False)
        again = await SignalClient.connect(sfu.livekit_url, token, v1=False)  # the same identity joins again
        sids[room] = (first.sid, again.sid)
        await again.close()
        await first.close()
    assert sids[kept][0] == sids[kept][1]  # the room's policy
    assert sids[normal][0] != sids[normal][1]  # reissued, as LiveKit does


async def test_a_control_connections_scenario_reaches_that_connection_only(server):
    sfu = server()
    async with (Control.open(sfu, user_agent=JS_LEAN, sfusim_scenario="dc-close-during-connect") as doomed,
                Control.open(sfu, user_agent=JS_LEAN, sfusim_scenario="dc-queue-wait") as queued,
                Control.open(sfu, user_agent=JS_LEAN) as plain):
        for control in (doomed, queued, plain):
            await control.send({"type": "livekit_join"})
        assert (await plain.until("livekit_room_info"))["token"]
        assert "queue_position" not in plain.types()
        with pytest.raises(websockets.ConnectionClosed):
            await doomed.until("livekit_room_info")
        assert doomed.closed and doomed.closed[0] == 1011, doomed.closed
        info = await queued.until("livekit_room_info", timeout=20)
        assert info["token"] and [m["position"] for m in queued.messages if m["type"] == "queue_position"] == [3, 2, 1]
    scopes = [r["scope"] for r in (await asyncio.to_thread(sfu.http, "GET", "/_sim/reports")).json()]
    assert len(scopes) == 2 and all(s.startswith("connection ") for s in scopes), scopes


async def test_an_unknown_scenario_name_on_the_control_socket_gets_an_error_and_1008(server):
    sfu = server()
    async with Control.open(sfu, user_agent=JS_LEAN, sfusim_scenario="no-such-race") as control:
        error = await control.until("error")
        assert "no-such-race" in error["error"]
        with pytest.raises(websockets.ConnectionClosed):
            await control.next()
        assert control.closed[0] == 1008


async def test_a_control_connections_scenario_cannot_reach_livekit_signal_connections(server):
    sfu = server()
    body = "name: overreach\ntimeline:\n  - at: 0s\n    do:\n      - abort: { socket: signal }\n      - refuse_resume: {}\n"
    assert (await asyncio.to_thread(sfu.http, "POST", "/_sim/scenarios", body=body)).status == 201
    bystander = await SignalClient.connect(sfu.livekit_url, sfu.token("bob", unique()), v1=False)
    async with Control.open(sfu, user_agent=JS_LEAN, sfusim_scenario="overreach") as control:
        await control.send({"type": "livekit_join"})
        assert (await control.until("livekit_room_info"))["token"]
        refused = await asyncio.to_thread(sfu.wait_events, kind="scenario.not_applicable", count=2, timeout=10)
        assert sorted(e["detail"]["command"] for e in refused) == ["abort", "livekit_policy"], refused
    assert await bystander.alive()
    assert not [e for e in sfu.events() if e["kind"] == "participant.signal_lost"]
    await bystander.close()
