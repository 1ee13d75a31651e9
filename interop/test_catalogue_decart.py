"""The Decart queue and early-room-info catalogue races (`dc-queue-wait`, `dc-early-room-info`) with a client
following the reference flows, each shown on the wire with the built-in scenario and in its normal form without it."""

from __future__ import annotations

import asyncio

import pytest

from test_decart import JS_LEAN, PYTHON, Control



def t_ms(events: list[dict], kind: str) -> list[int]:
    return [e["t_ms"] for e in events if e["kind"] == kind]


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_queue_wait_positions_3_2_1_two_seconds_apart_then_room_info(server, with_scenario):
    sfu = server(*(["--scenario", "dc-queue-wait"] if with_scenario else []))
    async with Control.open(sfu, user_agent=JS_LEAN) as control:
        await control.send({"type": "livekit_join", "passthrough": False})
        await control.send({"type": "prompt", "prompt": "a lake", "enhance_prompt": False})
        info = await control.until("livekit_room_info", timeout=20)
        assert info["token"] and info["room_name"]
        queued = [m for m in control.messages if m["type"] == "queue_position"]
        if with_scenario:
            # Both position keys and the size (iOS reads only `queue_position`), then room_info after the last one.
            assert [(m["position"], m["queue_position"], m["queue_size"]) for m in queued] == [(3, 3, 3), (2, 2, 3), (1, 1, 3)]
            assert control.types().index("livekit_room_info") > max(i for i, t in enumerate(control.types()) if t == "queue_position")
            events = sfu.events()
            sent = t_ms(events, "control.out.queue_position") + t_ms(events, "control.out.livekit_room_info")[:1]
            gaps = [b - a for a, b in zip(sent, sent[1:])]
            assert len(gaps) == 3 and all(1900 <= gap <= 3000 for gap in gaps), gaps
            report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
            assert all(r["status"] == "passed" for r in report["results"]), report
        else:
            assert not queued, control.messages


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_early_room_info_arrives_before_the_python_clients_join(server, with_scenario):
    """decart-python (PY-main) connects with `livekit_early_room_info=true` and registers its room-info waiter only in
    its join: a room_info that precedes the join is the race (reference §8 R9)."""
    sfu = server(*(["--scenario", "dc-early-room-info"] if with_scenario else []))
    async with Control.open(sfu, user_agent=PYTHON, livekit_early_room_info="true") as control:
        # The flag makes the server prepare the room at open in both cases.
        await asyncio.to_thread(sfu.wait_event, kind="decart.room.ready", timeout=10)
        if with_scenario:
            info = await control.until("livekit_room_info")  # nothing was sent by the client yet
            assert info["token"] and control.types()[0] == "livekit_room_info"
            await control.send({"type": "livekit_join"})
            await asyncio.to_thread(sfu.wait_event, kind="control.in.livekit_join", timeout=10)
            kinds = [e["kind"] for e in sfu.events()]
            assert kinds.index("control.out.livekit_room_info") < kinds.index("control.in.livekit_join")
        else:
            # The room is ready, yet nothing goes out before the join: a probe prompt's ack comes back alone.
            await control.send({"type": "prompt", "prompt": "probe", "enhance_prompt": False})
            await control.until("prompt_ack")
            assert "livekit_room_info" not in control.types(), control.types()
            await control.send({"type": "livekit_join"})
            await control.until("livekit_room_info")
            kinds = [e["kind"] for e in sfu.events()]
            assert kinds.index("control.in.livekit_join") < kinds.index("control.out.livekit_room_info")


async def test_dc_early_room_info_reaches_a_client_that_did_not_ask_for_it(server):
    """The scenario's policy is not gated on the flag: a JS client (no `livekit_early_room_info`) gets room_info at open."""
    sfu = server("--scenario", "dc-early-room-info")
    async with Control.open(sfu, user_agent=JS_LEAN) as control:
        info = await control.until("livekit_room_info")
        assert info["room_name"].startswith("decart-") and control.types() == ["livekit_room_info"] + control.types()[1:]


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_ack_before_room_info_reaches_a_bare_join_client_first(server, with_scenario):
    """JS 0.1.0–0.1.5 (bare join, no early-ack buffer) sends its state right after the join: with the scenario the
    ack precedes livekit_room_info (the race R1); without it the server holds the ack until after room_info."""
    sfu = server(*(["--scenario", "dc-ack-before-room-info"] if with_scenario else []))
    async with Control.open(sfu, user_agent="decart-js-sdk/0.1.5") as control:
        await control.send({"type": "livekit_join"})
        await control.send({"type": "set_image", "image_data": None, "prompt": "x"})
        await control.until("livekit_room_info")
        if "set_image_ack" not in control.types():
            await control.until("set_image_ack")
        types = control.types()
        assert (types.index("set_image_ack") < types.index("livekit_room_info")) is with_scenario, types
    if with_scenario:
        report = (await asyncio.to_thread(sfu.http, "GET", "/_sim/report")).json()
        assert all(r["status"] == "passed" for r in report["results"]), report


@pytest.mark.parametrize("with_scenario", [True, False])
async def test_dc_initial_state_rejected_the_ack_carries_success_false(server, with_scenario):
    sfu = server(*(["--scenario", "dc-initial-state-rejected"] if with_scenario else []))
    async with Control.open(sfu, user_agent=JS_LEAN) as control:
        await control.send({"type": "livekit_join", "passthrough": False})
        await control.send({"type": "set_image", "image_data": None, "prompt": "x"})
        ack = await control.until("set_image_ack")
        if with_scenario:
            assert ack["success"] is False and ack["error"] == "the image could not be processed", ack
        else:
            assert ack["success"] is True and not ack.get("error"), ack
