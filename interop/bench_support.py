"""Shared pieces of the interop benchmarks: a release server on the namespace address, and median summaries."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def release_server(binary: str, ip: str, extra: list[str] | None = None) -> Iterator[tuple[dict, subprocess.Popen]]:
    """Starts `sfusim serve` on `ip` with a free port (and `extra` arguments); yields its ready file and process."""
    workdir = tempfile.mkdtemp(prefix="sfusim-bench-")
    ready_path = os.path.join(workdir, "ready")
    os.mkfifo(ready_path)
    server = subprocess.Popen([binary, "serve", "--bind", ip, "--port", "0", "--ready-file", ready_path, "--log-level", "error", *(extra or [])])
    try:
        with open(ready_path) as ready:  # blocks until the server writes it
            info = json.load(ready)
        yield info, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def summary(name: str, samples: list[float]) -> str:
    """`name runs=N median=… p90=… min=… max=…` in milliseconds."""
    samples = sorted(samples)
    p90 = samples[max(0, int(round(0.9 * len(samples))) - 1)]
    return (f"{name} runs={len(samples)} median={statistics.median(samples):.1f} "
            f"p90={p90:.1f} min={samples[0]:.1f} max={samples[-1]:.1f}")
