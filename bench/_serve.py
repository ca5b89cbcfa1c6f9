"""Start and stop gunicorn servers for the benchmarks (on free loopback ports)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app: str, env: dict | None = None, workers: int = 2, config: bool = True):
        self.port = free_port()
        cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
               "--threads", "4", "--worker-class", "gthread", "--log-level", "warning", "--access-logfile", "/dev/null"]
        if config:
            cmd[3:3] = ["-c", str(ROOT / "gunicorn.conf.py")]
        self.process = subprocess.Popen(cmd, cwd=ROOT / ("bench" if app.startswith("minimal_app") else ""),
                                        env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{app} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
