"""Dagster on PostgreSQL, and the production deployment in deploy/ started as systemd starts it.

A real PostgreSQL server (Debian's postgresql 15) runs on 127.0.0.1 in a temporary data directory and is
stopped by PID. PostgreSQL refuses to run as root: as root, its data directory belongs to the postgres user
and initdb and pg_ctl run as that user. Without the package the tests skip, except in CI, where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import psycopg2
import pytest
import yaml
from corpus import csv_bytes
from dagster._core.scheduler.instigation import InstigatorType
from service_harness import free_port

from indicators import reference
from indicators.clock import SHANGHAI
from indicators.tokens import TokenStore
from pipelines import runner
from pipelines.definitions import defs
from pipelines.instance import POSTGRES_URL_VARIABLE, instance_settings
from pipelines.paths import Paths

PG_BIN = Path("/usr/lib/postgresql/15/bin")  # Debian's server binaries, not on PATH
ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
INSTALLED_VENV_BIN = "/opt/digecon/.venv/bin"  # where the units expect the venv (docs/operations.md)
REFERENCE_DATE = dt.date(2024, 1, 10)
DEADLINE = 300  # seconds, for the services and the runs the daemon launches on a shared 2-core machine


def wait_until(predicate, what: str, timeout: float = DEADLINE, processes=()):
    """Poll `predicate` until it returns something truthy; fail naming `what` (and any process that died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        for name, process, log in processes:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode} while waiting for {what}:\n"
                            f"{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)  # the polling interval
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


# ---------------------------------------------------------------------------------------------- server


def as_postgres(command: list) -> list[str]:
    command = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres_server():
    """A PostgreSQL 15 server on 127.0.0.1 with a trusted superuser `dagster`; yields its base URL."""
    if not (PG_BIN / "pg_ctl").exists():
        reason = f"Debian's postgresql 15 is not installed ({PG_BIN} missing): apt-get install postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="digecon-pg-"))
    data = root / "data"
    pid_file = data / "postmaster.pid"
    try:
        os.chmod(root, 0o755)  # the postgres user must reach its data directory
        data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
        subprocess.run(as_postgres([PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "dagster", "-E", "UTF8"]),
                       check=True, capture_output=True)
        port = free_port()
        subprocess.run(as_postgres([PG_BIN / "pg_ctl", "-D", data, "-l", data / "server.log", "-w", "start",
                                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1"]),
                       check=True, capture_output=True)
        yield f"postgresql://dagster@127.0.0.1:{port}"
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGINT)  # "fast" shutdown of the postmaster
            wait_until(lambda: not pid_file.exists(), "PostgreSQL to stop", timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database for one test."""
    name = "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower()
    with closing(psycopg2.connect(f"{postgres_server}/postgres")) as con:
        con.autocommit = True
        con.cursor().execute(f'CREATE DATABASE "{name}"')
    return f"{postgres_server}/{name}"


def pg_rows(url: str, sql: str) -> list[tuple]:
    with closing(psycopg2.connect(url)) as con, con.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def pg_home(tmp_path, monkeypatch, postgres_url):
    """A DIGECON_HOME whose Dagster instance is on the test's PostgreSQL database."""
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home" / "dagster"))
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", REFERENCE_DATE.isoformat())
    monkeypatch.setenv(POSTGRES_URL_VARIABLE, postgres_url)
    return Paths.resolve(tmp_path / "home")


def land_census_and_stations(paths: Paths) -> None:
    """The 2020 census from the statistics bureau and December's 5G stations for every city."""
    header = ["城市代码", "期间", "指标代码", "数值", "单位"]
    census = [header] + [[c.code, "2020", "resident_population", c.population_census_2020, "人"]
                         for c in reference.cities()]
    stations = [header] + [[c.code, "2023-12", "fiveg_base_stations", 1000 + n, "个"]
                           for n, c in enumerate(reference.cities())]
    landing = paths.landing_zone()
    landing.receive(csv_bytes(census), "census.csv", "gdstats", "李四", dt.datetime(2021, 5, 11, 9, tzinfo=SHANGHAI))
    landing.receive(csv_bytes(stations), "gdca-2023-12.csv", "gdca", "王五",
                    dt.datetime(2024, 1, 5, 10, tzinfo=SHANGHAI))


# ------------------------------------------------------------------------------------- the one setting


def test_one_setting_switches_dagster_to_postgres_and_the_password_stays_out_of_the_file(pg_home, postgres_url,
                                                                                        monkeypatch):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    packaged = (ROOT / "pipelines" / "dagster.yaml").read_text(encoding="utf-8")
    assert instance_settings({}) == packaged  # make run / make test: embedded SQLite
    with_password = postgres_url.replace("dagster@", "dagster:s3cret-pw@")  # trust auth ignores it
    monkeypatch.setenv(POSTGRES_URL_VARIABLE, with_password)

    home = runner.prepare_dagster_home(pg_home)

    written = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert "s3cret-pw" not in written
    settings = yaml.safe_load(written)
    assert settings["storage"] == {"postgres": {"postgres_url": {"env": POSTGRES_URL_VARIABLE}}}
    assert settings["concurrency"] == yaml.safe_load(packaged)["concurrency"]  # the run queue's pool limit
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)


def test_digecon_instance_names_an_unreachable_server_in_one_line(tmp_path):
    closed = f"postgresql://dagster:s3cret-pw@127.0.0.1:{free_port()}/dagster"
    env = {**os.environ, "DIGECON_HOME": str(tmp_path / "home"), "DAGSTER_HOME": str(tmp_path / "dagster"),
           POSTGRES_URL_VARIABLE: closed}
    result = subprocess.run([VENV_BIN / "digecon", "instance"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "无法打开 Dagster 存储" in result.stderr and "cannot open Dagster's storage" in result.stderr
    assert "Connection refused" in result.stderr and "s3cret-pw" not in result.stderr


@pytest.mark.slow
def test_runs_events_and_a_schedule_tick_are_kept_in_postgres(pg_home, postgres_url):
    land_census_and_stations(pg_home)

    assert runner.run(pg_home, REFERENCE_DATE, with_sample=False) == 0

    scheduled = dt.datetime(2024, 1, 10, 6, 0, tzinfo=SHANGHAI)
    with dg.DagsterInstance.get() as instance:
        [request] = defs.resolve_schedule_def("monthly_on_the_10th").evaluate_tick(
            dg.build_schedule_context(instance=instance, scheduled_execution_time=scheduled)).run_requests
        assert request.partition_key == "2023-12"
        tick = defs.resolve_job_def("period_job").execute_in_process(
            instance=instance, partition_key=request.partition_key, tags=request.tags)
        assert tick.success
        runs = instance.get_runs()
        # the run's ingest, boards and bulletin (digecon run), then the schedule's tick
        assert sorted(r.job_name for r in runs) == ["ingest_job", "period_job", "period_job", "report_job"]
        assert {r.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}
        by_partition = instance.get_runs(dg.RunsFilter(tags={"dagster/partition": "2023-12"}))
        assert [r.run_id for r in by_partition if r.job_name == "period_job"] == [tick.run_id]
    # Read back from PostgreSQL itself, not through Dagster: the runs and their events are there, and
    # Dagster's SQLite run storage was never created.
    assert pg_rows(postgres_url, "SELECT count(*) FROM runs") == [(4,)]
    assert pg_rows(postgres_url, "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'STEP_SUCCESS'")[0][0] > 0
    assert not (Path(os.environ["DAGSTER_HOME"]) / "history" / "runs.db").exists()
    with duckdb.connect(str(pg_home.serving_db), read_only=True) as serving:
        received = serving.execute("SELECT count(*) FROM mart.completeness WHERE period_month = DATE '2023-12-01'"
                                   " AND indicator_code = 'fiveg_base_stations' AND completeness_status = 'received'").fetchone()
    assert received == (21,)


# -------------------------------------------------------------------------------------------- deploy/


def environment_file() -> dict[str, str]:
    entries = {}
    for line in (DEPLOY / "digecon.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def unit_commands(unit: str, environment: dict[str, str]) -> dict[str, list[list[str]]]:
    """The unit's Exec* lines as argument lists, with ${VAR} expanded as systemd does (one argument each)
    and the installed venv mapped to this one."""
    commands: dict[str, list[list[str]]] = {}
    for line in (DEPLOY / unit).read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.startswith("Exec"):
            words = value.replace(INSTALLED_VENV_BIN, str(VENV_BIN)).split()
            commands.setdefault(key, []).append(
                [re.sub(r"\$\{(\w+)\}", lambda m: environment[m.group(1)], word) for word in words])
    return commands


UNITS = ["digecon-webserver.service", "digecon-daemon.service", "digecon-upload.service", "digecon-backup.service"]


def test_the_units_are_well_formed_and_their_commands_exist(tmp_path):
    import argparse
    import importlib

    from pipelines.cli import COMMAND_MODULES

    environment = environment_file()
    parser = argparse.ArgumentParser(prog="digecon", exit_on_error=False)
    subcommands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subcommands)
    for unit in UNITS:
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/digecon/digecon.env" in text and "User=digecon" in text
        used = set(re.findall(r"\$\{(\w+)\}", text))
        assert used <= environment.keys(), f"{unit} uses {used - environment.keys()} not set in digecon.env"
        for kind, commands in unit_commands(unit, environment).items():
            for argv in commands:
                assert os.access(argv[0], os.X_OK), f"{unit} {kind}: {argv[0]} is not executable"
                if Path(argv[0]).name == "digecon":
                    parser.parse_args(argv[1:])  # every subcommand and option exists (SystemExit if not)

    if shutil.which("systemd-analyze") is None:
        return  # the checks above stand alone
    # systemd's own verdict, on copies whose paths point at this venv and whose user exists here
    import pwd

    user = pwd.getpwuid(os.geteuid()).pw_name
    for unit in [*UNITS, "digecon-backup.timer"]:
        text = (DEPLOY / unit).read_text(encoding="utf-8").replace(INSTALLED_VENV_BIN, str(VENV_BIN))
        (tmp_path / unit).write_text(re.sub(r"^(User|Group)=digecon$", rf"\1={user}", text, flags=re.M))
    verdict = subprocess.run(["systemd-analyze", "verify", "--man=no", *(tmp_path / u for u in
                              [*UNITS, "digecon-backup.timer"])], capture_output=True, text=True)
    assert verdict.returncode == 0 and verdict.stderr == "", verdict.stderr


class Service:
    """A process started from a unit's ExecStart line, logging to a file, stopped by its PID."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        with open(log, "wb") as handle:
            # A session of its own: the daemon's code server and runs are stopped with it, by its id.
            self.process = subprocess.Popen(argv, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def watched(self):
        return (self.name, self.process, self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything it started and left behind
        except ProcessLookupError:
            pass


def tls_proxy_config(folder: Path, upload_port: int, webserver_port: int) -> tuple[Path, int, int]:
    """deploy/nginx-digecon.conf on loopback ports, with a self-signed certificate and a password file."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder / "privkey.pem",
                    "-out", folder / "fullchain.pem"], check=True, capture_output=True)
    hashed = subprocess.run(["openssl", "passwd", "-apr1", "analyst-pw"], check=True, capture_output=True,
                            text=True).stdout.strip()
    (folder / "htpasswd").write_text(f"analyst:{hashed}\n")
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx-digecon.conf").read_text(encoding="utf-8")
    for old, new in [("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("/etc/ssl/digecon/", f"{folder}/"), ("/etc/nginx/digecon.htpasswd", f"{folder}/htpasswd"),
                     ("http://127.0.0.1:8000", f"http://127.0.0.1:{upload_port}"),
                     ("http://127.0.0.1:3000", f"http://127.0.0.1:{webserver_port}")]:
        assert old in site, f"nginx-digecon.conf no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    temp = "".join(f"  {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "") +
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\ndaemon off;\nevents {{}}\n"
        f"http {{\n  access_log {folder}/access.log;\n{temp}  include {folder}/site.conf;\n}}\n")
    return folder / "nginx.conf", http_port, https_port


def sensor_state(instance: dg.DagsterInstance, name: str):
    [state] = [s for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
               if s.instigator_name == name]
    return state


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nginx") is None and os.environ.get("CI") != "true",
                    reason="Debian's nginx is not installed (apt-get install nginx)")
def test_the_three_services_on_postgres_behind_tls_land_load_and_back_up(tmp_path, postgres_url, monkeypatch):
    """docs/operations.md from `digecon instance` on: the units' own command lines, the TLS proxy, an upload
    over HTTPS and a file dropped in the inbox loaded by the daemon's runs, the sensors' cursors kept in
    PostgreSQL, and a backup while everything runs."""
    home = tmp_path / "home"
    env = {**os.environ, **environment_file(),
           "DIGECON_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"), POSTGRES_URL_VARIABLE: postgres_url,
           "DIGECON_REFERENCE_DATE": REFERENCE_DATE.isoformat(), "DIGECON_BACKUP_DIR": str(tmp_path / "backups"),
           "DIGECON_WEBSERVER_PORT": str(free_port()), "DIGECON_SERVE_PORT": str(free_port())}
    for key in ("DIGECON_HOME", "DAGSTER_HOME", POSTGRES_URL_VARIABLE, "DIGECON_REFERENCE_DATE"):
        monkeypatch.setenv(key, env[key])
    commands = {unit: unit_commands(unit, env) for unit in UNITS}
    for argv in commands["digecon-webserver.service"]["ExecStartPre"]:  # digecon instance
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
    assert "postgres" in yaml.safe_load((home / "dagster" / "dagster.yaml").read_text())["storage"]
    migrate = [VENV_BIN / "dagster", "instance", "migrate"]  # the upgrade step of docs/operations.md
    subprocess.run(migrate, env=env, check=True, capture_output=True, timeout=120)

    token = TokenStore.at(home).create("pilot-440300", "张三", actor="admin")[1]
    dongguan = csv_bytes([["城市", "期间", "指标", "数值", "单位"], ["东莞市", "2023-12", "5G基站数", "31200", "个"]])
    inbox = home / "inbox" / "pilot-441900"
    inbox.mkdir(parents=True)
    (inbox / "东莞-2023-12.csv").write_bytes(dongguan)
    an_hour_ago = time.time() - 3600
    os.utime(inbox / "东莞-2023-12.csv", (an_hour_ago, an_hour_ago))  # copied in a while ago: settled

    services = []
    try:
        for unit in ("digecon-webserver.service", "digecon-daemon.service", "digecon-upload.service"):
            [argv] = commands[unit]["ExecStart"]
            services.append(Service(unit, argv, env, tmp_path / f"{unit}.log"))
        proxy_folder = tmp_path / "nginx"
        proxy_folder.mkdir()
        config, http_port, https_port = tls_proxy_config(proxy_folder, int(env["DIGECON_SERVE_PORT"]),
                                                         int(env["DIGECON_WEBSERVER_PORT"]))
        services.append(Service("nginx", ["nginx", "-p", str(proxy_folder), "-c", str(config), "-e",
                                          str(proxy_folder / "error.log")], env, tmp_path / "nginx.log"))
        watched = [s.watched() for s in services]
        tls = ssl.create_default_context(cafile=str(proxy_folder / "fullchain.pem"))
        site = f"https://127.0.0.1:{https_port}"

        with httpx.Client(verify=tls, timeout=60) as client:
            def answers(path, **options):
                try:
                    return client.get(f"{site}{path}", **options).status_code == 200
                except httpx.TransportError:
                    return False

            wait_until(lambda: answers("/api/v1/me", headers={"Authorization": f"Bearer {token}"}),
                       "the upload service behind TLS", processes=watched)
            wait_until(lambda: answers("/dagster/server_info", auth=("analyst", "analyst-pw")),
                       "the Dagster webserver behind TLS", processes=watched)
            assert client.get(f"{site}/dagster/server_info").status_code == 401  # the UI needs the password
            plain = httpx.get(f"http://127.0.0.1:{http_port}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
            shenzhen = csv_bytes([["城市", "期间", "指标", "数值", "单位"], ["深圳市", "2023-12", "5G基站数", "52310", "个"]])
            upload = client.post(f"{site}/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                                 files={"file": ("深圳-2023-12.csv", shenzhen, "text/csv")})
            assert upload.status_code == 201, upload.text

        wait_until(lambda: (inbox / "done" / "东莞-2023-12.csv").exists(), "the inbox sensor to land the file",
                   processes=watched)
        with dg.DagsterInstance.get() as instance:
            def loaded():
                done = instance.get_runs(dg.RunsFilter(job_name="ingest_job"))
                failed = [r.run_id for r in done if r.status == dg.DagsterRunStatus.FAILURE]
                assert failed == [], f"ingest runs failed: {failed}"
                return len([r for r in done if r.status == dg.DagsterRunStatus.SUCCESS]) == 2
            wait_until(loaded, "the daemon's two ingest runs", processes=watched)
            submissions = {r.tags["digecon/submission_id"] for r in instance.get_runs(dg.RunsFilter(job_name="ingest_job"))}
            assert submissions == {"1", "2"}
            landing_cursor = sensor_state(instance, "landed_submissions_sensor").instigator_data.cursor
            inbox_cursor = sensor_state(instance, "inbox_sensor").instigator_data.cursor
        live = subprocess.run([VENV_BIN / "dagster-daemon", "liveness-check"], env=env, capture_output=True, text=True,
                              timeout=120)
        assert live.returncode == 0 and "Daemon live" in live.stdout
        assert '"last_submission_id": 2' in landing_cursor
        assert '"landed": 1' in inbox_cursor and "pilot-441900/东莞-2023-12.csv → done (#" in inbox_cursor
        assert pg_rows(postgres_url, "SELECT count(*) FROM instigators")[0][0] >= 2  # the cursors live in PostgreSQL
        with duckdb.connect(str(Path(env["DIGECON_HOME"]) / "serving" / "digital_economy.duckdb"),
                            read_only=True) as serving:
            values = dict(serving.execute("SELECT area_code, value FROM mart.observations WHERE area_level = 'city'"
                                          " AND period = DATE '2023-12-01' AND indicator_code = 'fiveg_base_stations'"
                                          ).fetchall())
        assert values == {"440300": 52310, "441900": 31200}

        (tmp_path / "backups").mkdir()
        for kind in ("ExecStart", "ExecStartPost"):  # the nightly backup, while the services run
            for argv in commands["digecon-backup.service"][kind]:
                subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
        [archive] = (tmp_path / "backups").glob("digecon-backup-*.tar.gz")
        assert archive.stat().st_mode & 0o077 == 0  # tokens and the audit log: for the owner only
    finally:
        for service in reversed(services):
            service.stop()
