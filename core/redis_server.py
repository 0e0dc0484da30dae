"""A throwaway redis-server on a port of its own, for the fault tests and bench/faults.py: started, stopped
(an outage) and started again (a restart, empty: no persistence), without touching anyone else's Redis."""

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix="kygui-redis-")

    @property
    def available(self) -> bool:
        return self.binary is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        import redis

        self.process = subprocess.Popen(
            [
                *[self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir],
                *["--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return self
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Kill it (SIGKILL: an outage, not a polite shutdown) and wait until the port refuses."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.close()
