"""Fixtures for the real-client interop suite.

- `sfusim_bin`: the server binary (`$SFUSIM_BIN`, else built once with `swift build --product sfusim`).
- `server`: a factory, `server(*extra_args, config=None, bind="127.0.0.1")`, that starts `sfusim serve`
  on port 0 and returns a `SfuSim` (urls, keys, `token()`, `events()`, `wait_event()`, `state()`).
  Every server started is stopped with SIGTERM at teardown and must exit 0.
- `sfu`: one default server. `media_ip`: the namespace address for tests that need ICE.
- `async def test_…` functions run in a fresh event loop (`asyncio.run`), no plugin needed.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sfusim_harness import ServerFailed, SfuSim, sfusim_binary  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """Runs `async def` tests with asyncio.run (fixtures stay synchronous)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        asyncio.run(pyfuncitem.obj(**kwargs))
        return True
    return None


@pytest.fixture(scope="session")
def sfusim_bin() -> Path:
    return sfusim_binary()


_counter = itertools.count(1)


@pytest.fixture
def server(sfusim_bin, tmp_path_factory, request):
    started: list[SfuSim] = []

    def start(*args: str, config: dict | None = None, bind: str = "127.0.0.1", **kwargs) -> SfuSim:
        workdir = tmp_path_factory.mktemp(f"sfusim{next(_counter)}")
        s = SfuSim.start(sfusim_bin, workdir, list(args), bind=bind, config=config, **kwargs)
        started.append(s)
        return s

    yield start

    problems = []
    for s in started:
        try:
            rc = s.stop(timeout=10)
        except ServerFailed as e:
            problems.append(str(e))
            continue
        if rc != 0:
            problems.append(f"sfusim exited with status {rc} after SIGTERM (want 0)\n{s.log_tail()}")
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for s in started:
            print(s.log_tail(80))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def sfu(server) -> SfuSim:
    """A server with default settings on 127.0.0.1 (signalling-only tests)."""
    return server()


@pytest.fixture
def media_ip() -> str:
    """The address WebRTC clients can use (a veth inside scripts/with-netns); skips outside it."""
    ip = os.environ.get("SFUSIM_TEST_IP_A")
    if not ip:
        pytest.skip("needs WebRTC-usable addresses: run through scripts/with-netns (scripts/test does)")
    return ip


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, "rep_" + rep.when, rep)
    return rep
