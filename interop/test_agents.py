"""LiveKit agents on sfusim, with the real framework: `livekit-agents` 1.8.9 workers (examples/agent/agent.py in its
CLI's `dev` mode, from `.venv-agents`) register on `/agent`; real `livekit` SDK participants create rooms; sfusim
dispatches (token `roomConfig`, RoomService `CreateRoom`, `AgentDispatchService`, automatic) and the agent joins as
kind AGENT, answers an RPC, echoes data and publishes a 440 Hz tone the participant hears. Then the agent
catalogue entries, each with and without its scenario. One server and two workers (named `sfusim-test`, and an
unnamed one for automatic dispatch) for the module."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

import pytest
from livekit import api, rtc

from agent_harness import AgentWorker
from sfusim_harness import SfuSim, http_request, sfusim_binary, unique

pytestmark = pytest.mark.media

NAMED = "sfusim-test"
ASSIGN_TIMEOUT_MS = 5000  # the ag-dispatch-late delay (3 s) must fit in it


@pytest.fixture(scope="module")
def agents_env(tmp_path_factory):
    """(server, named worker, automatic worker), shared by the module."""
    ip = os.environ.get("SFUSIM_TEST_IP_A")
    if not ip:
        pytest.skip("needs WebRTC-usable addresses: run through scripts/with-netns (scripts/test does)")
    workdir = tmp_path_factory.mktemp("agents")
    sfu = SfuSim.start(sfusim_binary(), workdir, [], bind=ip,
                       config={"agents": {"assign_timeout_ms": ASSIGN_TIMEOUT_MS}, "room": {"departure_timeout": 1}})
    workers: list[AgentWorker] = []
    try:
        workers.append(AgentWorker(sfu, workdir, NAMED))
        workers.append(AgentWorker(sfu, workdir, ""))
        yield sfu, workers[0], workers[1]
    finally:
        for w in workers:
            w.stop()
        rc = sfu.stop(timeout=10)
        assert rc == 0, f"sfusim exited with {rc}\n{sfu.log_tail()}"


@pytest.fixture
def env(agents_env, request):
    yield agents_env
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        sfu, named, automatic = agents_env
        print(sfu.log_tail(60))
        print(named.log_tail())
        print(automatic.log_tail())


def user_token(sfu, identity: str, room: str, agents: list[str] | None = None, scenario: str | None = None) -> str:
    tok = api.AccessToken(sfu.api_key, sfu.api_secret).with_identity(identity).with_grants(api.VideoGrants(room_join=True, room=room))
    if agents is not None:
        tok.with_room_config(api.RoomConfiguration(agents=[api.RoomAgentDispatch(agent_name=a) for a in agents]))
    if scenario is not None:
        tok.with_attributes({"sfusim.scenario": scenario})
    return tok.to_jwt()


class User:
    """A `livekit` SDK participant that records agents arriving and leaving, data, and audio tracks."""

    def __init__(self) -> None:
        self.room = rtc.Room()
        loop = asyncio.get_running_loop()
        self.agent_joined: asyncio.Future = loop.create_future()
        self.agent_left: asyncio.Future = loop.create_future()
        self.audio: asyncio.Future = loop.create_future()
        self.data: asyncio.Queue = asyncio.Queue()
        self.disconnected: asyncio.Future = loop.create_future()
        self._named: dict[str, asyncio.Future] = {}
        self.room.on("participant_connected", self._joined)
        self.room.on("participant_disconnected", lambda p: p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
                     and not self.agent_left.done() and self.agent_left.set_result(p))
        self.room.on("data_received", self.data.put_nowait)
        self.room.on("track_subscribed", lambda track, pub, p: isinstance(track, rtc.RemoteAudioTrack)
                     and not self.audio.done() and self.audio.set_result(track))
        self.room.on("disconnected", lambda reason: not self.disconnected.done() and self.disconnected.set_result(reason))

    def _joined(self, p: rtc.RemoteParticipant) -> None:
        if p.kind != rtc.ParticipantKind.PARTICIPANT_KIND_AGENT:
            return
        if not self.agent_joined.done():
            self.agent_joined.set_result(p)
        waiting = self._named.setdefault(p.attributes.get("lk.agent_name", ""), asyncio.get_running_loop().create_future())
        if not waiting.done():
            waiting.set_result(p)

    def agent_named(self, name: str) -> asyncio.Future:
        """Resolves with the first agent participant whose `lk.agent_name` is `name`."""
        return self._named.setdefault(name, asyncio.get_running_loop().create_future())

    async def connect(self, sfu, token: str) -> "User":
        await asyncio.wait_for(self.room.connect(sfu.livekit_url, token, rtc.RoomOptions(connect_timeout=5)), 20)
        for p in self.room.remote_participants.values():
            self._joined(p)
        return self

    async def close(self) -> None:
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(self.room.disconnect(), 10)


@contextlib.asynccontextmanager
async def user(sfu, token: str):
    u = User()
    await u.connect(sfu, token)
    try:
        yield u
    finally:
        await u.close()


async def events(sfu, **kwargs) -> dict:
    return await asyncio.to_thread(sfu.wait_event, **kwargs)


async def heard_frequency(track: rtc.RemoteAudioTrack, rate: int = 48_000) -> float:
    """Listens for 1.5 s of the track and returns the frequency of the last second (zero crossings / 2)."""
    samples: list[int] = []
    async for event in rtc.AudioStream(track, sample_rate=rate, num_channels=1):
        samples.extend(event.frame.data)
        if len(samples) >= int(1.5 * rate):
            break
    window = samples[-rate:]
    assert max(abs(s) for s in window) > 2_000, "the agent's track was silent"
    return sum(1 for a, b in zip(window, window[1:]) if (a < 0) != (b < 0)) / 2


async def check_agent_works(u: User, agent: rtc.RemoteParticipant, name: str) -> None:
    """The agent is kind AGENT with LiveKit's identity and attributes, echoes data, answers RPC, and plays its tone."""
    assert agent.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
    assert agent.identity.startswith("agent-AJ_"), agent.identity
    assert agent.attributes.get("lk.agent_name") == name and agent.attributes.get("lk.agent.name") == name, dict(agent.attributes)
    await u.room.local_participant.publish_data(b"hello agent", topic="t", destination_identities=[agent.identity])
    packet = await asyncio.wait_for(u.data.get(), 10)
    assert (packet.data, packet.topic, packet.participant.identity) == (b"hello agent", "echo", agent.identity)
    answer = await u.room.local_participant.perform_rpc(destination_identity=agent.identity, method="ping", payload="x")
    assert answer == "pong:x"
    frequency = await asyncio.wait_for(heard_frequency(await asyncio.wait_for(u.audio, 15)), 15)
    assert abs(frequency - 440) < 22, f"heard {frequency:.0f} Hz from the agent, it plays 440 Hz"


def statuses(sfu, room: str) -> list[str]:
    """The statuses of the room's scenario expectations (`GET /_sim/report?room=`)."""
    return [r["status"] for r in sfu.http("GET", f"/_sim/report?room={room}").json()["results"]]


def job_of(sfu, room: str) -> list[dict]:
    return [j for j in sfu.state()["agents"]["jobs"] if j["room"] == room]


# -- dispatch


async def test_token_room_config_dispatches_the_named_agent_which_joins_echoes_answers_rpc_and_plays_a_tone(env):
    sfu, named, _ = env
    room = unique("ag")
    since = sfu.events()[-1]["seq"]
    async with user(sfu, user_token(sfu, "user1", room, agents=[NAMED])) as u:
        agent = await asyncio.wait_for(u.agent_joined, 20)
        await check_agent_works(u, agent, NAMED)
        jobs = job_of(sfu, room)
        workers = {w["id"]: w for w in sfu.state()["agents"]["workers"]}
        assert len(jobs) == 1 and jobs[0]["agentName"] == NAMED and workers[jobs[0]["worker"]]["agentName"] == NAMED, (jobs, workers)
        assert jobs[0]["status"] == "running" and jobs[0]["joined"] and jobs[0]["participantIdentity"] == agent.identity
        kinds = [e["kind"] for e in sfu.events(since) if e["kind"].startswith("agent.") and e.get("room") == room]
        order = ["agent.dispatch_created", "agent.job_offered", "agent.out.availability", "agent.in.availability",
                 "agent.job_accepted", "agent.out.assignment", "agent.job_assigned", "agent.job_joined"]
        assert [k for k in kinds if k in order] == order, kinds
    # The user left: the room closes after its departure timeout (1 s here), taking the agent with it; the worker is
    # told to terminate the job.
    ended = await events(sfu, kind="agent.job_ended", room=room, timeout=15)
    assert ended["detail"]["status"] == "failed" and ended["detail"]["why"] == "agent worker left the room", ended
    await events(sfu, kind="agent.out.termination", room=room, timeout=5)
    await events(sfu, kind="room.closed", room=room, timeout=5)


async def test_a_room_without_agents_in_its_token_gets_the_unnamed_worker_by_automatic_dispatch(env):
    sfu, _, automatic = env
    room = unique("auto")
    async with user(sfu, user_token(sfu, "user1", room)) as u:
        agent = await asyncio.wait_for(u.agent_joined, 20)
        assert agent.attributes.get("lk.agent_name") == "" and agent.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
        jobs = job_of(sfu, room)
        workers = {w["id"]: w for w in sfu.state()["agents"]["workers"]}
        assert [workers[j["worker"]]["agentName"] for j in jobs] == [""], (jobs, workers)
        async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret) as lk:
            listed = await lk.agent_dispatch.list_dispatch(room)
        assert [(d.agent_name, d.room, len(d.state.jobs)) for d in listed] == [("", room, 1)], listed


async def test_agent_dispatch_service_creates_lists_and_deletes_a_dispatch_and_the_agent_leaves(env):
    sfu, named, _ = env
    room = unique("api")
    async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret) as lk:
        # CreateDispatch creates the room (auto-create), which also gets its automatic dispatch.
        created = await lk.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(agent_name=NAMED, room=room, metadata="m1"))
        assert created.id.startswith("AD_") and created.agent_name == NAMED and created.room == room and created.metadata == "m1"
        async with user(sfu, user_token(sfu, "user1", room)) as u:
            agent = await asyncio.wait_for(u.agent_named(NAMED), 20)  # the automatic agent joins too
            job = await lk.agent_dispatch.get_dispatch(created.id, room)
            assert job is not None and [j.state.participant_identity for j in job.state.jobs] == [agent.identity]
            listed = await lk.agent_dispatch.list_dispatch(room)
            assert sorted(d.agent_name for d in listed) == ["", NAMED], listed
            left = asyncio.get_running_loop().create_future()
            u.room.on("participant_disconnected", lambda p: p.identity == agent.identity and not left.done() and left.set_result(p))
            deleted = await lk.agent_dispatch.delete_dispatch(created.id, room)
            assert deleted.id == created.id and deleted.state.deleted_at > 0
            await asyncio.wait_for(left, 15)  # the worker terminated the job; its agent left the room
            ended = await events(sfu, kind="agent.job_ended", room=room, identity=agent.identity, timeout=5)
            assert ended["detail"]["status"] == "success", ended
            assert [d.agent_name for d in await lk.agent_dispatch.list_dispatch(room)] == [""]
        with pytest.raises(api.TwirpError) as refused:
            await lk.agent_dispatch.delete_dispatch("AD_unknown", room)
        assert refused.value.code == "not_found"


async def test_create_room_with_agents_dispatches_when_the_room_is_created(env):
    sfu, named, _ = env
    room = unique("cr")
    async with api.LiveKitAPI(sfu.http_url, sfu.api_key, sfu.api_secret) as lk:
        await lk.room.create_room(api.CreateRoomRequest(name=room, agents=[api.RoomAgentDispatch(agent_name=NAMED, metadata="from-create")]))
        assigned = await events(sfu, kind="agent.job_assigned", room=room, timeout=10)
        assert assigned["detail"]["agent_name"] == NAMED
        async with user(sfu, user_token(sfu, "user1", room)) as u:
            agent = await asyncio.wait_for(u.agent_named(NAMED), 20)
            # The agent is not counted as a participant that keeps the room: ListParticipants shows both, though.
            identities = {p.identity: p.kind for p in (await lk.room.list_participants(api.ListParticipantsRequest(room=room))).participants}
            assert identities.get(agent.identity) == api.ParticipantInfo.Kind.AGENT and "user1" in identities, identities
        assert [j["agentName"] for j in job_of(sfu, room)] == [NAMED]


def test_the_agent_socket_wants_an_agent_grant_and_a_websocket(env):
    sfu, _, _ = env
    plain = http_request(sfu.http_url + "/agent")
    assert plain.status == 404
    for token in (sfu.token("u", "r"), ""):  # a participant's token, and none
        refused = http_request(sfu.http_url + "/agent", headers={
            "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        })
        assert (refused.status, refused.text) == (401, "no permissions to access the room"), (refused.status, refused.text)


async def test_a_raw_worker_registers_first_gets_pongs_for_both_kinds_of_ping_and_takes_a_simulated_job(env):
    """The wire protocol with LiveKit's own protobufs (livekit-protocol) over a plain WebSocket."""
    import websockets
    from livekit.protocol import agent as proto

    sfu, _, _ = env
    token = api.AccessToken(sfu.api_key, sfu.api_secret).with_grants(api.VideoGrants(agent=True)).to_jwt()  # no identity
    url = sfu.livekit_url + "/agent"
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        ping = proto.WorkerMessage(ping=proto.WorkerPing(timestamp=1234))
        await ws.send(ping.SerializeToString())  # a ping before registering is answered
        first = proto.ServerMessage.FromString(await asyncio.wait_for(ws.recv(), 5))
        assert first.WhichOneof("message") == "pong" and first.pong.last_timestamp == 1234 and first.pong.timestamp > 0
        register = proto.WorkerMessage(register=proto.RegisterWorkerRequest(type=proto.JT_ROOM, agent_name="raw", version="0"))
        await ws.send(register.SerializeToString())
        registered = proto.ServerMessage.FromString(await asyncio.wait_for(ws.recv(), 5))
        assert registered.WhichOneof("message") == "register" and registered.register.worker_id.startswith("AW_")
        assert registered.register.server_info.agent_protocol == 1
        pong_waiter = await ws.ping(b"heartbeat")  # aiohttp's heartbeat: a WebSocket-level ping
        await asyncio.wait_for(pong_waiter, 5)
        simulate = proto.WorkerMessage(simulate_job=proto.SimulateJobRequest(type=proto.JT_ROOM, room=api.Room(name="simulated")))
        await ws.send(simulate.SerializeToString())
        offer = proto.ServerMessage.FromString(await asyncio.wait_for(ws.recv(), 5))
        assert offer.WhichOneof("message") == "availability" and offer.availability.job.room.name == "simulated"
        job = offer.availability.job.id
        await ws.send(proto.WorkerMessage(availability=proto.AvailabilityResponse(job_id=job, available=True,
                                                                                   participant_identity="raw-agent")).SerializeToString())
        assigned = proto.ServerMessage.FromString(await asyncio.wait_for(ws.recv(), 5))
        assert assigned.WhichOneof("message") == "assignment" and assigned.assignment.job.id == job and assigned.assignment.token
        assert not assigned.assignment.HasField("url")
    with pytest.raises(websockets.InvalidStatus) as refused:  # a participant's token has no agent grant
        await websockets.connect(url, additional_headers={"Authorization": f"Bearer {sfu.token('u', 'r')}"})
    assert refused.value.response.status_code == 401


# -- the agent catalogue: each entry with and without its scenario


@pytest.mark.parametrize("late", [True, False], ids=["ag-dispatch-late", "no-scenario"])
async def test_dispatch_late_offers_the_job_after_the_user_is_in(env, late):
    sfu, _, _ = env
    room = unique("late")
    started = time.monotonic()
    async with user(sfu, user_token(sfu, "user1", room, agents=[NAMED], scenario="ag-dispatch-late" if late else None)) as u:
        connected = time.monotonic() - started
        agent = await asyncio.wait_for(u.agent_joined, 20)
        waited = time.monotonic() - started
        created = await events(sfu, kind="room.created", room=room)
        offered = await events(sfu, kind="agent.out.availability", room=room)
        delay = offered["t_ms"] - created["t_ms"]
        if late:
            assert delay >= 3000 and waited >= 3.0 > connected, (delay, waited, connected)
            await events(sfu, kind="agent.job_joined", room=room)  # the agent is ACTIVE (the SDK saw it join before)
            assert statuses(sfu, room) == ["passed", "passed"]
        else:
            assert delay < 1000, delay
        await check_agent_works(u, agent, NAMED)


@pytest.mark.parametrize("drop", [True, False], ids=["ag-worker-drop", "no-scenario"])
async def test_worker_drop_leaves_the_agent_in_the_room_and_the_reconnected_worker_claims_the_job(env, drop):
    sfu, _, _ = env
    room = unique("drop")
    since = sfu.events()[-1]["seq"]
    async with user(sfu, user_token(sfu, "user1", room, agents=[NAMED], scenario="ag-worker-drop" if drop else None)) as u:
        agent = await asyncio.wait_for(u.agent_joined, 20)
        joined = await events(sfu, kind="agent.job_joined", room=room)
        if drop:
            lost = await events(sfu, kind="agent.worker_lost", since=joined["seq"], timeout=10)
            job = joined["detail"]["job"]
            assert job in lost["detail"]["jobs"], lost
            # livekit-agents reconnects, registers a new worker and sends migrate_job for the job it still runs.
            again = await events(sfu, kind="agent.worker_registered", since=lost["seq"], timeout=30)
            assert again["detail"]["agent_name"] == NAMED
            migrated = await events(sfu, match=lambda e: e["detail"]["job"] == job, kind="agent.job_migrated", since=again["seq"], timeout=10)
            assert migrated["detail"]["worker"] == again["detail"]["worker"], migrated
            assert statuses(sfu, room)[:2] == ["passed", "passed"]
        # The agent never left: it still answers, echoes and plays.
        assert not u.agent_left.done()
        await check_agent_works(u, agent, NAMED)
        assert not u.agent_left.done()
    if not drop:
        assert not [e for e in sfu.events(since) if e["kind"] in ("agent.worker_lost", "agent.job_migrated")]


@pytest.mark.parametrize("refused", [True, False], ids=["ag-job-not-accepted", "no-scenario"])
async def test_job_not_accepted_leaves_the_room_without_an_agent_and_says_why(env, refused):
    sfu, _, _ = env
    room = unique("nacc")
    async with user(sfu, user_token(sfu, "user1", room, agents=[NAMED], scenario="ag-job-not-accepted" if refused else None)) as u:
        if refused:
            answered = await events(sfu, kind="fault.applied", room=room, timeout=10)
            assert answered["tap"] == "agent.in" and answered["detail"]["action"] == "drop", answered
            ended = await events(sfu, kind="agent.job_ended", room=room, timeout=ASSIGN_TIMEOUT_MS / 1000 + 5)
            assert ended["t_ms"] - answered["t_ms"] >= ASSIGN_TIMEOUT_MS - 50, (answered, ended)
            assert ended["detail"]["status"] == "failed" and "did not answer" in ended["detail"]["why"], ended
            # Not retried: the worker got no assignment and no agent is in the room.
            assert [j["status"] for j in job_of(sfu, room)] == ["failed"]
            assert not [e for e in sfu.events() if e["kind"] == "agent.out.assignment" and e.get("room") == room]
            assert not [p for p in u.room.remote_participants.values() if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT]
            assert statuses(sfu, room)[0] == "passed"
        else:
            agent = await asyncio.wait_for(u.agent_joined, 20)
            assert agent.attributes.get("lk.agent_name") == NAMED


@pytest.mark.parametrize("closed", [True, False], ids=["ag-room-closed-under-agent", "no-scenario"])
async def test_room_closed_under_the_agent_disconnects_everyone_and_terminates_the_job(env, closed):
    sfu, _, _ = env
    room = unique("close")
    async with user(sfu, user_token(sfu, "user1", room, agents=[NAMED], scenario="ag-room-closed-under-agent" if closed else None)) as u:
        agent = await asyncio.wait_for(u.agent_joined, 20)
        if closed:
            reason = await asyncio.wait_for(u.disconnected, 15)
            assert reason == rtc.DisconnectReason.ROOM_DELETED, reason
            published = await events(sfu, kind="track.published", room=room, identity=agent.identity)
            deleted = await events(sfu, kind="room.closed", room=room, since=published["seq"])
            ended = await events(sfu, kind="agent.job_ended", room=room, since=published["seq"])
            await events(sfu, kind="agent.out.termination", room=room, since=published["seq"])
            assert ended["detail"]["status"] == "failed" and deleted["seq"] > published["seq"], (ended, deleted)
            assert statuses(sfu, room) == ["passed", "passed", "passed"]
        else:
            await check_agent_works(u, agent, NAMED)
            assert not u.disconnected.done()
