"""Real servers for the tests: a ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, and
an S3-compatible server (moto in server mode), started and stopped by the tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


class Cluster:
    """A scheduler and single-threaded workers, each a process of its own, as on a real cluster."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder, self.env = folder, dict(os.environ, **(env or {}))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.address = ""

    def start(self, workers: int = 2, *scheduler_args: str) -> Cluster:
        file = self.folder / "scheduler.json"
        file.unlink(missing_ok=True)
        self.scheduler = self._spawn(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(file),
            *scheduler_args,
        )
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text().strip():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise RuntimeError("the scheduler did not start")
            time.sleep(0.05)
        self.address = json.loads(file.read_text())["address"]
        for _ in range(workers):
            self.add_worker()
        if workers:
            self.wait_for(workers)
        return self

    def add_worker(self, *args: str) -> subprocess.Popen:
        worker = self._spawn(
            "worker",
            self.address,
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
            *args,
        )
        self.workers.append(worker)
        return worker

    def wait_for(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=60)

    def kill_worker(self, worker: subprocess.Popen) -> None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def kill_scheduler(self) -> None:
        assert self.scheduler is not None
        os.killpg(self.scheduler.pid, signal.SIGKILL)
        self.scheduler.wait()

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.workers = []
        self.scheduler = None

    def _spawn(self, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{args[0]}-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115 - kept by the process
        return subprocess.Popen(
            [str(BIN / "dask"), *args], stdout=log, stderr=log, env=self.env, start_new_session=True
        )


class S3Server:
    """moto's S3-compatible server on 127.0.0.1 with one bucket; ``env`` lets any process reach it
    through fsspec (s3fs)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.env = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "FSSPEC_S3_ENDPOINT_URL": self.endpoint,
        }

    def filesystem(self) -> Any:
        import s3fs

        return s3fs.S3FileSystem(
            endpoint_url=self.endpoint, key="testing", secret="testing", skip_instance_cache=True
        )

    def stop(self) -> None:
        self._server.stop()
