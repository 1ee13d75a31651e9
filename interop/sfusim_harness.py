"""Starts and drives a real `sfusim serve` process for interop tests.

- The binary: `$SFUSIM_BIN`, or built once with `swift build --product sfusim`.
- Readiness: `--ready-file` points at a FIFO we made; the server writes its JSON there once listening.
  We wait for it with `select` on the FIFO and a pidfd of the process, under a deadline (no polling).
- Events: `--event-log /dev/fd/N`, the write end of a pipe the process inherits, read by a thread (a
  path the server cannot replace, unlike a FIFO in a directory). Each new line wakes `wait_event`, which
  then asks the admin API (`GET /_sim/events?since=`), the source of truth. Without that stream
  (`watch_events=False`) `wait_event` re-asks the admin API at short intervals until its deadline.
- Shutdown: SIGTERM, and the process must exit 0 within a deadline.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import secrets
import select
import signal
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from livekit import api

REPO = Path(__file__).resolve().parent.parent

_build_lock = threading.Lock()
_built: Path | None = None


def sfusim_binary() -> Path:
    """`$SFUSIM_BIN`, or the debug binary built (once per process) with `swift build --product sfusim`."""
    global _built
    env = os.environ.get("SFUSIM_BIN")
    if env:
        path = Path(env)
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"SFUSIM_BIN={env} is not an executable file")
        return path
    with _build_lock:
        if _built is None:
            subprocess.run(["swift", "build", "--product", "sfusim"], cwd=REPO, check=True, stdin=subprocess.DEVNULL)
            bin_dir = subprocess.run(
                ["swift", "build", "--show-bin-path"],
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            ).stdout.strip()
            _built = Path(bin_dir) / "sfusim"
        return _built


@dataclass
class HTTPResult:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


def http_request(
    url: str,
    method: str = "GET",
    *,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> HTTPResult:
    """One plain HTTP/1.1 request (no redirects, no retries); any status is returned, not raised."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if isinstance(body, str):
        body = body.encode()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return HTTPResult(resp.status, dict(resp.getheaders()), data)
    finally:
        conn.close()


class ServerFailed(AssertionError):
    pass


SID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def unique(prefix: str = "room") -> str:
    """A fresh name, so that tests never share rooms or identities by accident."""
    return f"{prefix}-{secrets.token_hex(4)}"


def is_sid(value: str, prefix: str) -> bool:
    """LiveKit SID shape: prefix + 12 base57 characters (reference §3.10); tracks may add 2 type letters."""
    if not value.startswith(prefix):
        return False
    rest = value[len(prefix) :]
    return len(rest) >= 12 and all(c in SID_ALPHABET for c in rest)


def semver(version: str) -> tuple[int, int, int]:
    """`1.13.5` or `1.13.5-dev+x` → (1, 13, 5); raises ValueError when it is not semver."""
    m = re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?", version)
    if not m:
        raise ValueError(f"not a semantic version: {version!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


class EventWatcher:
    """Reads the event-log pipe in a thread; each complete line bumps a counter under a condition."""

    def __init__(self, read_fd: int):
        self.fd = read_fd
        os.set_blocking(read_fd, False)
        self.cond = threading.Condition()
        self.lines = 0
        self.eof = False
        self._stop_r, self._stop_w = os.pipe()
        self.thread = threading.Thread(target=self._run, name="sfusim-events", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        pending = b""
        try:
            while True:
                readable, _, _ = select.select([self.fd, self._stop_r], [], [])
                if self._stop_r in readable:
                    return
                try:
                    chunk = os.read(self.fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    return
                pending += chunk
                n = pending.count(b"\n")
                if n:
                    pending = pending[pending.rfind(b"\n") + 1 :]
                    with self.cond:
                        self.lines += n
                        self.cond.notify_all()
        except OSError:
            return
        finally:
            with self.cond:
                self.eof = True
                self.cond.notify_all()

    def close(self) -> None:
        os.write(self._stop_w, b"x")
        self.thread.join(5)
        for fd in (self.fd, self._stop_r, self._stop_w):
            try:
                os.close(fd)
            except OSError:
                pass


class SfuSim:
    """A running `sfusim serve` (see `start`)."""

    def __init__(self, proc: subprocess.Popen, workdir: Path, ready: dict, log_path: Path, watcher: EventWatcher | None):
        self.proc = proc
        self.workdir = workdir
        self.ready = ready
        self.log_path = log_path
        self.watcher = watcher
        self.bind: str = ready["bind"]
        self.http_port: int = int(ready["http_port"])
        self.http_url: str = ready["http_url"].rstrip("/")
        self.livekit_url: str = ready["livekit_url"].rstrip("/")
        self.admin_url: str = ready["admin_url"].rstrip("/")
        self.api_key: str = ready["api_key"]
        self.api_secret: str = ready["api_secret"]
        self.returncode: int | None = None

    # -- lifecycle

    @classmethod
    def start(
        cls,
        binary: Path,
        workdir: Path,
        args: list[str] | tuple[str, ...] = (),
        *,
        bind: str = "127.0.0.1",
        config: dict | None = None,
        ready_timeout: float = 30.0,
        watch_events: bool = True,
        log_level: str = "debug",
    ) -> "SfuSim":
        workdir.mkdir(parents=True, exist_ok=True)
        ready_path = workdir / "ready.json"
        log_path = workdir / "server.log"
        os.mkfifo(ready_path)
        ready_fd = os.open(ready_path, os.O_RDONLY | os.O_NONBLOCK)
        watcher = None
        pass_fds: tuple[int, ...] = ()
        cmd = [str(Path(binary).resolve()), "serve", "--bind", bind, "--port", "0", "--ready-file", str(ready_path)]
        cmd += ["--log-level", log_level]
        if watch_events:
            events_r, events_w = os.pipe()
            watcher = EventWatcher(events_r)
            pass_fds = (events_w,)
            cmd += ["--event-log", f"/dev/fd/{events_w}"]
        if config is not None:
            config_path = workdir / "config.yaml"
            # JSON is YAML (1.2): no YAML writer needed.
            config_path.write_text(json.dumps(config, indent=2) + "\n")
            cmd += ["--config", str(config_path)]
        cmd += list(args)
        log = open(log_path, "wb")
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, pass_fds=pass_fds
            )
        finally:
            log.close()
            for fd in pass_fds:
                os.close(fd)  # only the server holds the write end: its exit ends the stream
        try:
            ready = _read_ready(ready_fd, proc, ready_timeout, log_path, cmd)
        except BaseException:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            if watcher:
                watcher.close()
            raise
        finally:
            os.close(ready_fd)
        return cls(proc, workdir, ready, log_path, watcher)

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM; returns the exit status (raises ServerFailed if it does not exit within `timeout`)."""
        if self.returncode is not None:
            return self.returncode
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.returncode = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                self.returncode = -signal.SIGKILL
                raise ServerFailed(f"sfusim did not exit within {timeout}s of SIGTERM\n{self.log_tail()}") from None
        finally:
            if self.watcher:
                self.watcher.close()
        return self.returncode

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "--- sfusim log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    # -- tokens and APIs

    def token(
        self,
        identity: str,
        room: str | None,
        *,
        name: str | None = None,
        metadata: str | None = None,
        attributes: dict[str, str] | None = None,
        ttl: datetime.timedelta | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        **grants: Any,
    ) -> str:
        """A JWT from `livekit.api.AccessToken`; `grants` are VideoGrants fields (room_join defaults True)."""
        grants.setdefault("room_join", True)
        if room is not None:
            grants.setdefault("room", room)
        tok = api.AccessToken(api_key or self.api_key, api_secret or self.api_secret)
        if identity:
            tok.with_identity(identity)
        tok.with_grants(api.VideoGrants(**grants))
        if name is not None:
            tok.with_name(name)
        if metadata is not None:
            tok.with_metadata(metadata)
        if attributes is not None:
            tok.with_attributes(attributes)
        if ttl is not None:
            tok.with_ttl(ttl)
        return tok.to_jwt()

    def admin_token(self, room: str | None = None, **grants: Any) -> str:
        """A token for RoomService calls (roomCreate/roomList/roomAdmin by default)."""
        grants.setdefault("room_create", True)
        grants.setdefault("room_list", True)
        grants.setdefault("room_admin", True)
        grants.setdefault("room_join", None)
        if room is not None:
            grants.setdefault("room", room)
        tok = api.AccessToken(self.api_key, self.api_secret).with_grants(api.VideoGrants(**grants))
        return tok.to_jwt()

    def api(self) -> api.LiveKitAPI:
        """A `livekit.api.LiveKitAPI` for this server; create and close it inside the running event loop."""
        return api.LiveKitAPI(self.http_url, self.api_key, self.api_secret, failover=False)

    def http(self, method: str, path: str, **kwargs: Any) -> HTTPResult:
        return http_request(self.http_url + path, method, **kwargs)

    # -- admin API

    def state(self) -> dict:
        r = http_request(self.admin_url + "/state")
        assert r.status == 200, f"GET /_sim/state: {r.status} {r.text}"
        return r.json()

    def events(self, since: int = 0) -> list[dict]:
        r = http_request(f"{self.admin_url}/events?since={since}")
        assert r.status == 200, f"GET /_sim/events: {r.status} {r.text}"
        return r.json()["events"]

    def wait_event(
        self,
        match: Callable[[dict], bool] | None = None,
        *,
        timeout: float = 10.0,
        since: int = 0,
        **fields: Any,
    ) -> dict:
        """The first event (seq > `since`) matching `match` and every `field=value` (e.g. kind=…)."""
        return self.wait_events(match, count=1, timeout=timeout, since=since, **fields)[0]

    def wait_events(
        self,
        match: Callable[[dict], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 10.0,
        since: int = 0,
        **fields: Any,
    ) -> list[dict]:
        """The first `count` events matching, waiting up to `timeout` for them to be logged."""

        def ok(e: dict) -> bool:
            return all(e.get(k) == v for k, v in fields.items()) and (match is None or match(e))

        deadline = time.monotonic() + timeout
        found: list[dict] = []
        cursor = since
        while True:
            seen_lines = self.watcher.lines if self.watcher else 0
            for e in self.events(cursor):
                cursor = max(cursor, int(e.get("seq", cursor)))
                if ok(e):
                    found.append(e)
                    if len(found) >= count:
                        return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"only {len(found)} of {count} event(s) matching {fields or ''} {match or ''} "
                    f"within {timeout}s; last events: {self.events(max(0, cursor - 15))}"
                )
            self._await_new_events(seen_lines, remaining)

    def _await_new_events(self, seen_lines: int, remaining: float) -> None:
        """Blocks until the event stream delivers a new line (or, without a stream, a short interval)."""
        w = self.watcher
        if w is not None and not w.eof:
            with w.cond:
                w.cond.wait_for(lambda: w.lines != seen_lines or w.eof, remaining)
            return
        # No event stream (watch_events=False, or it ended): re-ask the admin API shortly.
        idle = threading.Condition()
        with idle:
            idle.wait(min(remaining, 0.05))

    def kinds(self, since: int = 0, **fields: Any) -> list[str]:
        return [e["kind"] for e in self.events(since) if all(e.get(k) == v for k, v in fields.items())]


def _read_ready(fd: int, proc: subprocess.Popen, timeout: float, log_path: Path, cmd: list[str]) -> dict:
    """Reads the ready JSON from the FIFO, waking on data or on process exit (pidfd), until `timeout`."""
    pidfd = None
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        pidfd = None
    deadline = time.monotonic() + timeout
    buf = b""

    def fail(why: str) -> ServerFailed:
        try:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-60:])
        except OSError:
            tail = ""
        return ServerFailed(f"sfusim {why}\ncommand: {' '.join(cmd)}\n--- sfusim log (tail) ---\n{tail}")

    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise fail(f"wrote no ready file within {timeout}s")
            fds = [fd] + ([pidfd] if pidfd is not None else [])
            # Without a pidfd we still need to notice an early exit: wake once a second to check.
            wait = remaining if pidfd is not None else min(remaining, 1.0)
            readable, _, _ = select.select(fds, [], [], wait)
            if fd in readable:
                chunk = os.read(fd, 65536)
                buf += chunk
                text = buf.strip()
                if not chunk and not text:
                    raise fail("closed the ready FIFO without writing to it")
                if text:
                    try:
                        return json.loads(text)
                    except json.JSONDecodeError:
                        if not chunk:
                            raise fail(f"wrote an invalid ready file: {buf!r}") from None
                continue
            if (pidfd is not None and pidfd in readable) or proc.poll() is not None:
                # It may have written and exited in one go: drain the FIFO first.
                try:
                    buf += os.read(fd, 65536)
                except BlockingIOError:
                    pass
                if buf.strip():
                    try:
                        return json.loads(buf)
                    except json.JSONDecodeError:
                        pass
                proc.wait(5)
                raise fail(f"exited with status {proc.returncode} before it was ready")
    finally:
        if pidfd is not None:
            os.close(pidfd)
