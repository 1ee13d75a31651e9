"""Starts a real LiveKit agent worker (`livekit-agents` 1.8.9 in `.venv-agents`, running examples/agent/agent.py as
its CLI's `dev` mode runs it) against an sfusim server, and stops it.

The worker is ready once the server logs its `agent.worker_registered`; `stop()` sends SIGTERM (the framework's
graceful shutdown) and waits, then kills. Its output goes to a log file shown on failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AGENTS_PYTHON = REPO / ".venv-agents" / "bin" / "python"
EXAMPLE = REPO / "examples" / "agent" / "agent.py"


class AgentWorker:
    def __init__(self, sfu, workdir: Path, agent_name: str = "", tone_hz: float = 440.0):
        if not AGENTS_PYTHON.exists():
            raise RuntimeError(f"{AGENTS_PYTHON} missing: run scripts/setup (it creates .venv-agents)")
        self.agent_name = agent_name
        self.log_path = workdir / f"agent-{agent_name or 'automatic'}.log"
        env = dict(os.environ)
        env.update(
            LIVEKIT_URL=sfu.livekit_url,
            LIVEKIT_API_KEY=sfu.api_key,
            LIVEKIT_API_SECRET=sfu.api_secret,
            LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE="0",
            SFUSIM_AGENT_NAME=agent_name,
            SFUSIM_TONE_HZ=str(tone_hz),
        )
        since = sfu.events()[-1]["seq"] if sfu.events() else 0
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(AGENTS_PYTHON), str(EXAMPLE), "dev"],
            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.registered = sfu.wait_event(
                lambda e: e["detail"].get("agent_name") == agent_name, kind="agent.worker_registered", since=since, timeout=60
            )
        except AssertionError:
            self.stop()
            raise AssertionError(f"the agent worker did not register\n{self.log_tail()}") from None

    @property
    def worker_id(self) -> str:
        return self.registered["detail"]["worker"]

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no agent log)"
        return f"--- agent worker {self.agent_name!r} log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()
