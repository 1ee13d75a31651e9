"""Synapse (from .venv-synapse, made by scripts/setup) as a real homeserver for the Matrix differential and proxy
tests: SQLite, one plain-HTTP listener on 127.0.0.1 with the client and federation resources, open registration,
no key servers and no outbound federation, rate limits out of the way."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv-synapse" / "bin" / "python"
SERVER_NAME = "synapse.test"

PATCH = r'''
import sys, yaml
path, port = sys.argv[1], int(sys.argv[2])
config = yaml.safe_load(open(path))
config["listeners"] = [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False, "x_forwarded": False,
                        "resources": [{"names": ["client", "federation"], "compress": False}]}]
config.update({
    "enable_registration": True, "enable_registration_without_verification": True, "trusted_key_servers": [],
    "suppress_key_server_warning": True, "federation_domain_whitelist": [], "use_presence": False, "report_stats": False,
})
fast = {"per_second": 10000, "burst_count": 10000}
for key in ("rc_message", "rc_registration", "rc_joins_per_room", "rc_key_requests", "rc_admin_redaction", "rc_3pid_validation",
            "rc_invites_per_room", "rc_invites_per_user", "rc_invites_per_issuer", "rc_room_creation", "rc_delayed_event_mgmt"):
    config[key] = fast
config["rc_login"] = {"address": fast, "account": fast, "failed_attempts": fast}
config["rc_joins"] = {"local": fast, "remote": fast}
yaml.safe_dump(config, open(path, "w"))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Synapse:
    """A running Synapse; `url` is its client (and federation) base URL."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = workdir / "homeserver.yaml"
        subprocess.run([str(PYTHON), "-m", "synapse.app.homeserver", "--server-name", SERVER_NAME, "--config-path", str(config),
                        "--generate-config", "--report-stats=no", "--data-directory", str(workdir)],
                       check=True, cwd=workdir, capture_output=True)
        subprocess.run([str(PYTHON), "-c", PATCH, str(config), str(self.port)], check=True, capture_output=True)
        self.log = open(workdir / "synapse.out", "wb")
        self.proc = subprocess.Popen([str(PYTHON), "-m", "synapse.app.homeserver", "--config-path", str(config)],
                                     cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:  # ready once /versions answers (a connection refused means not listening yet)
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"Synapse did not start:\n{(workdir / 'synapse.out').read_text()[-3000:]}")
            _pause(self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


def _pause(proc: subprocess.Popen) -> None:
    """Waits up to 0.2 s for the process to exit (it should not): the readiness poll's interval."""
    try:
        proc.wait(0.2)
    except subprocess.TimeoutExpired:
        pass
