"""Scenarios applied by a running server (`sfusim serve --scenario …`, `POST /_sim/scenario`, `GET /_sim/report`):
each race happens on the wire with a real client, and the same client without the scenario sees the normal order."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from livekit import rtc

from sfusim_harness import unique
from test_decart import Control
from test_media_forwarding import Publisher

SLOW_TRACK_PUBLISHED = """name: lk-slow-track-published-3s
summary: track_published reaches the publisher 3 s late (the catalogue's version waits 12 s, past the SDK timeout).
rules:
  - when: { event: signal.in.add_track }
    then:
      - delay_track_published: { by: 3s }
expect:
  - { name: a track was published, event: signal.out.track_published, within: 20s }
"""


def gap_ms(events: list[dict], first: str, then: str) -> float:
    start = next(e for e in events if e["kind"] == first)
    end = next(e for e in events if e["kind"] == then and e["seq"] > start["seq"])
    return end["t_ms"] - start["t_ms"]


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_delayed_track_published_reaches_the_real_sdk_late(server, media_ip, tmp_path, with_scenario):
    path = tmp_path / "scenario.yaml"
    path.write_text(SLOW_TRACK_PUBLISHED)
    sfu = server(*(["--scenario", str(path)] if with_scenario else []), bind=media_ip)
    room = rtc.Room()
    await asyncio.wait_for(room.connect(sfu.livekit_url, sfu.token("alice", unique())), 20)
    try:
        publisher = Publisher(room, index=1, count=10)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(publisher.publish(), 15)
        waited = loop.time() - started
    finally:
        await room.disconnect()
    events = sfu.events()
    gap = gap_ms(events, "signal.in.add_track", "signal.out.track_published")
    if with_scenario:
        assert gap >= 3000 and waited >= 3, (gap, waited)
        fault = next(e for e in events if e["kind"] == "fault.applied")
        assert fault["detail"]["action"] == "delay" and fault["detail"]["message"] == "track_published", fault
        report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
        assert report["scenario"] == "lk-slow-track-published-3s" and report["results"][0]["status"] == "passed", report
    else:
        assert gap < 500 and waited < 3, (gap, waited)
        assert (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).status == 404


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_close_during_connect_closes_instead_of_sending_room_info(server, with_scenario):
    sfu = server(*(["--scenario", "dc-close-during-connect"] if with_scenario else []))
    async with Control.open(sfu) as control:
        await control.send({"type": "livekit_join"})
        if with_scenario:
            with pytest.raises(websockets.ConnectionClosed):
                await control.until("livekit_room_info")
            assert control.closed and control.closed[0] == 1011, control.closed
        else:
            assert (await control.until("livekit_room_info"))["token"]


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_initial_state_dropped_never_acks(server, with_scenario):
    sfu = server(*(["--scenario", "dc-initial-state-dropped"] if with_scenario else []))
    async with Control.open(sfu) as control:
        await control.send({"type": "livekit_join", "passthrough": False})
        await control.send({"type": "set_image", "image_data": None, "prompt": "x"})
        await control.until("livekit_room_info")
        await control.send({"type": "prompt", "prompt": "probe"})
        if with_scenario:
            # Both acks are dropped at control.out (ack_never: set_image_ack and prompt_ack), each a logged fault.
            dropped = await asyncio.to_thread(
                sfu.wait_events, lambda e: e["detail"].get("fault") == "ack_never", kind="fault.applied", count=2, timeout=10
            )
            assert sorted(e["detail"]["message"] for e in dropped) == ["prompt_ack", "set_image_ack"]
            assert not [e for e in sfu.events() if e["kind"].startswith("control.out.") and e["kind"].endswith("_ack")]
        else:
            assert (await control.until("prompt_ack"))["prompt"] == "probe"
            assert "set_image_ack" in control.types()


async def test_post_scenario_starts_one_at_runtime_and_refuses_a_bad_one_with_positions(server):
    sfu = server()
    bad = await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body="name: x\nexpect:\n  - { event: nope.kind }\n")
    assert bad.status == 400 and "request:3:" in bad.text
    body = json.dumps({"name": "drop-pongs", "rules": [{"when": {"event": "signal.in.ping_req"},
                                                       "then": [{"drop": {"tap": "signal.out", "message": "pong_resp"}}]}],
                       "expect": [{"event": "fault.applied", "at_least": 1}]})
    started = await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body=body)
    assert started.status == 200, started.text
    from rawclient import SignalClient
    from livekit.protocol import rtc as proto

    async with await SignalClient.connect(sfu.livekit_url, sfu.token("alice", unique())) as alice:
        ping = proto.SignalRequest(ping_req=proto.Ping(timestamp=1, rtt=0))
        await alice.send(ping)
        await alice.send(proto.SignalRequest(ping_req=proto.Ping(timestamp=2, rtt=0)))
        # The first ping_req fired the rule, which installs the drop: the second pong_resp never comes.
        await asyncio.to_thread(sfu.wait_event, kind="fault.applied", timeout=10)
    report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
    assert report["results"][0]["status"] == "passed", report
    reset = await asyncio.to_thread(sfu.http, "POST", "/_sim/reset")
    assert reset.status == 200 and (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).status == 404


async def test_refuse_resume_and_keep_sid_policies_on_the_wire(server):
    from rawclient import SignalClient, resume

    sfu = server()
    body = "name: policies\ntimeline:\n  - at: 0s\n    do:\n      - refuse_resume: alice\n      - rejoin_sid: keep\n"
    assert (await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body=body)).status == 200
    await asyncio.to_thread(sfu.wait_event, lambda e: e["detail"].get("fault") == "rejoin_sid", kind="fault.applied", timeout=10)
    room = unique()
    token = sfu.token("alice", room)
    alice = await SignalClient.connect(sfu.livekit_url, token, v1=False)
    again = await resume(sfu.livekit_url, token, alice.sid, v1=False, expect_first="leave")
    leave = again.first.leave
    assert again.first.WhichOneof("message") == "leave" and leave.reason == 6 and leave.action == 2, again.first  # STATE_MISMATCH, RECONNECT
    await again.close()
    # The same identity joining again keeps its SID (the default would reissue one).
    second = await SignalClient.connect(sfu.livekit_url, token, v1=False)
    assert second.sid == alice.sid
    await second.close()
    await alice.close()
    await asyncio.to_thread(sfu.http, "POST", "/_sim/reset")
    third = await SignalClient.connect(sfu.livekit_url, token, v1=False)
    assert third.sid != alice.sid
    await third.close()


async def test_dc_initial_state_rejected_and_unreachable_room_url(server):
    sfu = server()
    scenario = ('name: reject\ntimeline:\n  - at: 0s\n    do:\n      - ack_reject: "the image could not be processed"\n'
                '      - room_info_url: ws://127.0.0.1:1\n')
    assert (await asyncio.to_thread(sfu.http, "POST", "/_sim/scenario", body=scenario)).status == 200
    await asyncio.to_thread(sfu.wait_event, lambda e: e["detail"].get("fault") == "room_info_url", kind="fault.applied", timeout=10)
    async with Control.open(sfu) as control:
        await control.send({"type": "livekit_join", "passthrough": False})
        await control.send({"type": "set_image", "image_data": None, "prompt": "x"})
        info = await control.until("livekit_room_info")
        if "set_image_ack" not in control.types():
            await control.until("set_image_ack")
        ack = next(m for m in control.messages if m["type"] == "set_image_ack")
        assert info["livekit_url"] == "ws://127.0.0.1:1"
        assert ack["success"] is False and ack["error"] == "the image could not be processed", ack
