"""`sfusim run --scenario FILE [--junit] [--events] -- COMMAND`: end to end, with a Python test command that joins
the server it was given through LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET (raw signalling client)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

COMMAND = '''
import asyncio, os, sys
sys.path.insert(0, {interop!r})
from livekit import api
from rawclient import SignalClient

async def main():
    assert os.environ["SFUSIM_ADMIN_URL"].endswith("/_sim") and os.environ["DECART_REALTIME_URL"].startswith("ws://")
    import urllib.request, json as j
    with urllib.request.urlopen(os.environ["MATRIX_HOMESERVER_URL"] + "/_matrix/client/versions") as r:
        assert "v1.6" in j.load(r)["versions"]
    with urllib.request.urlopen(os.environ["LIVEKIT_JWT_SERVICE_URL"] + "/healthz") as r:
        assert r.status == 200
    token = (api.AccessToken(os.environ["LIVEKIT_API_KEY"], os.environ["LIVEKIT_API_SECRET"])
             .with_identity(os.environ["WHO"]).with_grants(api.VideoGrants(room_join=True, room="r")).to_jwt())
    async with await SignalClient.connect(os.environ["LIVEKIT_URL"], token) as client:
        assert client.join.participant.identity == os.environ["WHO"]
    sys.exit(int(os.environ.get("EXIT", "0")))

asyncio.run(main())
'''

SCENARIO = """name: lk-run-e2e
summary: bob joins; nobody is removed.
expect:
  - { name: bob joined, event: participant.joined, identity: bob, within: 20s }
  - { name: no leave sent, event: signal.out.leave, never: true }
"""


def run(sfusim_bin, tmp_path: Path, who: str, exit_code: int = 0, scenario: str = SCENARIO):
    script = tmp_path / "command.py"
    script.write_text(COMMAND.format(interop=str(Path(__file__).resolve().parent)))
    scenario_path = tmp_path / "scenario.yaml"
    scenario_path.write_text(scenario)
    junit, events = tmp_path / "junit.xml", tmp_path / "events.jsonl"
    result = subprocess.run(
        [str(sfusim_bin), "run", "--scenario", str(scenario_path), "--junit", str(junit), "--events", str(events), "--",
         sys.executable, str(script)],
        capture_output=True, text=True, timeout=120, env={**__import__("os").environ, "WHO": who, "EXIT": str(exit_code)},
    )
    return result, junit, events


def cases(junit: Path) -> dict[str, bool]:
    """test case name → passed."""
    root = ET.parse(junit).getroot()
    return {case.get("name"): case.find("failure") is None for case in root.iter("testcase")}


def test_passing_scenario_and_command_exit_0_with_a_junit_case_per_expectation(sfusim_bin, tmp_path):
    result, junit, events = run(sfusim_bin, tmp_path, who="bob")
    assert result.returncode == 0, result.stderr
    found = cases(junit)
    assert found["bob joined"] and found["no leave sent"]
    assert any(name.startswith("command: ") and ok for name, ok in found.items())
    kinds = [json.loads(line)["kind"] for line in events.read_text().splitlines()]
    assert "participant.joined" in kinds and "server.ready" in kinds
    assert "2 of 2 expectations passed" in result.stderr


def test_a_failing_expectation_exits_1_and_the_junit_file_names_it(sfusim_bin, tmp_path):
    result, junit, _ = run(sfusim_bin, tmp_path, who="carol")
    assert result.returncode == 1, result.stderr
    found = cases(junit)
    assert found["bob joined"] is False and found["no leave sent"] is True
    assert "FAILED bob joined" in result.stderr


def test_a_failing_command_exits_1_even_when_expectations_pass(sfusim_bin, tmp_path):
    result, junit, _ = run(sfusim_bin, tmp_path, who="bob", exit_code=3)
    assert result.returncode == 1, result.stderr
    found = cases(junit)
    assert found["bob joined"] and not next(ok for name, ok in found.items() if name.startswith("command: "))


def test_a_bad_scenario_exits_2_with_file_line_column(sfusim_bin, tmp_path):
    bad = "name: lk-bad\nexpect:\n  - { event: participant.joind, identity: bob }\n"
    result, junit, _ = run(sfusim_bin, tmp_path, who="bob", scenario=bad)
    assert result.returncode == 2, result.stderr
    assert f"{tmp_path / 'scenario.yaml'}:3:" in result.stderr and 'did you mean "participant.joined"' in result.stderr
    assert not junit.exists()


def test_the_catalogue_is_listed_and_every_built_in_validates(sfusim_bin):
    listed = subprocess.run([str(sfusim_bin), "scenarios"], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0, listed.stderr
    names = [line for line in listed.stdout.splitlines() if line and not line.startswith(" ")]
    assert {"lk-track-before-metadata", "lk-rejoin-new-sid", "dc-ack-before-room-info", "dc-queue-wait"} <= set(names)
    checked = subprocess.run([str(sfusim_bin), "validate", *names], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(": ok") == len(names)
