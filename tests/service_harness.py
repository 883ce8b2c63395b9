"""The real upload service for tests and benchmarks: `digecon serve` in a subprocess, on a free loopback
port, with its own DIGECON_HOME; ready when the port accepts (uvicorn builds the validator first), and
stopped by its PID. And the sensor's side: what `dagster dev` does with a landed file, done in-process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from pipelines.sensors import landed_submissions_sensor

DIGECON = Path(sys.executable).with_name("digecon")
START_TIMEOUT = 90  # seconds: a loaded CI machine can take a while to import the service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(condition: Callable[[], object], timeout: float = 30, what: str = "the condition"):
    """Poll `condition` until it returns something true (returned), for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Service:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_entries(self) -> list[dict]:
        """The service's JSON log lines so far."""
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.startswith("{")]

    def stop(self) -> None:
        self.process.terminate()  # uvicorn shuts down gracefully on SIGTERM
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_service(home: Path, *options: str, env: dict[str, str] | None = None) -> Service:
    """Start `digecon serve` for `home` and return once its port accepts. Its log (JSON lines) goes to
    home/serve.log, appended across restarts; `env` adds to its environment."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "serve.log"
    env = {**os.environ, "DIGECON_HOME": str(home), **(env or {})}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([str(DIGECON), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(START_TIMEOUT * 10):
        if _accepts(port):
            return Service(f"http://127.0.0.1:{port}", process, log_path)
        try:
            process.wait(timeout=0.1)  # the polling interval, and it notices a server that died
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"digecon serve exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
    process.kill()
    process.wait()
    raise RuntimeError(f"digecon serve did not open port {port}:\n{log_path.read_text()[-3000:]}")


@contextmanager
def running_service(home: Path, *options: str) -> Iterator[str]:
    """Start `digecon serve` for `home`, yield its base URL, stop it on exit."""
    service = start_service(home, *options)
    try:
        yield service.url
    finally:
        service.stop()


class SensorRuns:
    """The landing sensor evaluated with its cursor, and each run it requests executed in-process (the
    runs resolve DIGECON_HOME from the environment: set it to `home`)."""

    def __init__(self, home: Path, instance: dg.DagsterInstance) -> None:
        self.home, self.instance, self.cursor = home, instance, None

    def load_new_submissions(self) -> int:
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursor,
                                     resources={"warehouse": WarehouseResource(home=str(self.home))}) as context:
            result = landed_submissions_sensor(context)
        self.cursor = result.cursor
        for request in result.run_requests:
            run = defs.resolve_job_def("ingest_job").execute_in_process(
                run_config=request.run_config, tags=request.tags, instance=self.instance)
            assert run.success
        return len(result.run_requests)
