"""PostgreSQL, Redis and ClickHouse: use what answers, else start a project-local server."""

import os
import signal
import socket
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from stacklib.common import (
    DATA,
    DEPLOY,
    LISTEN_HOST,
    LOGS,
    Endpoint,
    StackError,
    endpoint_of,
    env_port,
    http_get,
    port_open,
    render,
    run_checked,
    say,
    shown,
)
from stacklib.packages import require_program
from stacklib.processes import OsUser, launch, log_file, recorded_pid, run_as, wait_for

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/segops"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_CLICKHOUSE_URL = "http://127.0.0.1:8123"


@dataclass(frozen=True)
class DataService:
    """How to tell that a data service answers, and how to install and start it locally."""

    name: str
    program: str
    packages: tuple[str, ...]
    ready: Callable[[Endpoint], bool]
    start: Callable[[str, Endpoint], subprocess.Popen[bytes]]
    stop_signal: signal.Signals = signal.SIGTERM


def postgres_ready(endpoint: Endpoint) -> bool:
    pg_isready = require_program("pg_isready", ("postgresql-client",))
    argv = [pg_isready, "-q", "-h", endpoint.host, "-p", str(endpoint.port)]
    return subprocess.run(argv, check=False).returncode == 0


def redis_ready(endpoint: Endpoint) -> bool:
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=1.0) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def clickhouse_ready(endpoint: Endpoint) -> bool:
    return http_get(endpoint, "/ping") == b"Ok.\n"


def init_postgres(postgres: str, data_dir: Path, user: OsUser | None) -> None:
    """Create the cluster: superuser `postgres`, trust auth, a locale every Debian has."""
    initdb = str(Path(postgres).resolve().with_name("initdb"))
    argv = [initdb, "-D", str(data_dir), "-U", "postgres", "--auth=trust", "--locale=C.UTF-8"]
    say(f"postgres: initdb {shown(data_dir)}")
    with log_file("postgres").open("ab") as log:
        result = subprocess.run(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=data_dir.parent,
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=user.groups if user else None,
            check=False,
        )
    if result.returncode != 0:
        raise StackError(
            f"initdb failed; see {shown(log_file('postgres'))} (the postgres OS user must be able"
            f" to reach {DATA})"
        )


def start_postgres(postgres: str, endpoint: Endpoint) -> subprocess.Popen[bytes]:
    home = DATA / "postgres"
    data_dir, socket_dir = home / "data", home / "socket"
    user = run_as("postgres")
    LOGS.mkdir(parents=True, exist_ok=True)
    for directory in (home, socket_dir):
        directory.mkdir(parents=True, exist_ok=True)
        if user:
            os.chown(directory, user.uid, user.gid)
    if not (data_dir / "PG_VERSION").exists():
        init_postgres(postgres, data_dir, user)
    argv = [postgres, "-D", str(data_dir), "-p", str(endpoint.port)]
    argv += ["-c", f"listen_addresses={LISTEN_HOST}", "-k", str(socket_dir)]
    return launch("postgres", argv, cwd=home, user=user)


def start_redis(redis_server: str, endpoint: Endpoint) -> subprocess.Popen[bytes]:
    home = DATA / "redis"
    home.mkdir(parents=True, exist_ok=True)
    argv = [redis_server, "--bind", LISTEN_HOST, "--port", str(endpoint.port)]
    argv += ["--dir", str(home), "--daemonize", "no"]
    return launch("redis", argv, cwd=home)


def start_clickhouse(clickhouse_server: str, endpoint: Endpoint) -> subprocess.Popen[bytes]:
    home = DATA / "clickhouse"
    values = {
        "HTTP_PORT": str(endpoint.port),
        "TCP_PORT": str(env_port("CLICKHOUSE_TCP_PORT", 9000)),
        "LISTEN_HOST": LISTEN_HOST,
        "DATA_DIR": xml_escape(str(home)),
        "LOG_DIR": xml_escape(str(LOGS)),
    }
    config = render(DEPLOY / "clickhouse" / "config.xml", home / "config.xml", values)
    return launch("clickhouse", [clickhouse_server, f"--config-file={config}"], cwd=home)


POSTGRES = DataService(
    "postgres",
    "postgres",
    ("postgresql",),
    postgres_ready,
    start_postgres,
    # PostgreSQL's "fast" shutdown: SIGTERM would wait for every client to disconnect.
    stop_signal=signal.SIGINT,
)
REDIS = DataService("redis", "redis-server", ("redis-server",), redis_ready, start_redis)
CLICKHOUSE = DataService(
    "clickhouse",
    "clickhouse-server",
    ("clickhouse-server", "clickhouse-client"),
    clickhouse_ready,
    start_clickhouse,
)
DATA_SERVICES = {service.name: service for service in (POSTGRES, REDIS, CLICKHOUSE)}


def stop_signal(name: str) -> signal.Signals:
    """The signal that stops the process recorded as NAME cleanly."""
    service = DATA_SERVICES.get(name)
    return service.stop_signal if service else signal.SIGTERM


def default_database_urls() -> list[str]:
    return [os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)]


def ensure_service(service: DataService, endpoint: Endpoint) -> None:
    """Make SERVICE answer on ENDPOINT: use what listens there, else start a project-local one."""
    name = service.name
    pid = recorded_pid(name)
    log_hint = f"{shown(LOGS)}/{name}*.log"
    if port_open(endpoint):
        local = f" (project-local, pid {pid})" if pid else ""
        say(f"{name}: using the server on {endpoint}{local}")
        return
    if pid is not None:
        say(f"{name}: waiting for the project-local server (pid {pid}) on {endpoint}")
        wait_for(name, lambda: service.ready(endpoint), pid, f"{log_hint}, or `make down`")
        return
    if not endpoint.is_local:
        raise StackError(f"{name}: nothing answers on {endpoint}; only a local server is started")
    program = require_program(service.program, service.packages)
    if port_open(endpoint):
        say(f"{name}: installing its package started a server on {endpoint}; using it")
        return
    process = service.start(program, endpoint)
    wait_for(name, lambda: service.ready(endpoint), process.pid, log_hint)
    say(f"{name}: started a project-local server on {endpoint} (pid {process.pid})")


def database_endpoint(urls: Sequence[str]) -> Endpoint:
    endpoints = {endpoint_of(url, 5432) for url in urls}
    if len(endpoints) != 1:
        raise StackError(f"the database URLs name several servers: {sorted(map(str, endpoints))}")
    return endpoints.pop()


def libpq_env(url: str) -> dict[str, str]:
    """Connection settings of a SQLAlchemy-style PostgreSQL URL for psql and createdb.

    Passed as environment so that a password never shows in a process list.
    """
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgresql"):
        raise StackError(f"not a PostgreSQL URL: {parts.scheme}://…")
    endpoint = endpoint_of(url, 5432)
    env = {**os.environ, "PGHOST": endpoint.host, "PGPORT": str(endpoint.port)}
    env["PGDATABASE"] = "postgres"
    if parts.username:
        env["PGUSER"] = urllib.parse.unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    return env


def database_name(url: str) -> str:
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))
    if not name:
        raise StackError(f"no database name in the URL for {endpoint_of(url, 5432)}")
    return name


def database_exists(name: str, env: Mapping[str, str]) -> bool:
    psql = require_program("psql", ("postgresql-client",))
    # Passed as a psql variable, so that :'name' quotes it as an SQL literal.
    query = "SELECT 1 FROM pg_database WHERE datname = :'name';\n"
    argv = [psql, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-v", f"name={name}"]
    result = subprocess.run(argv, input=query, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise StackError(f"cannot query PostgreSQL on {env['PGHOST']}: {result.stderr.strip()}")
    return result.stdout.strip() == "1"


def ensure_database(url: str) -> None:
    name, env = database_name(url), libpq_env(url)
    if database_exists(name, env):
        say(f"database {name}: exists")
        return
    createdb = require_program("createdb", ("postgresql-client",))
    run_checked([createdb, name], f"creating database {name}", env=env)
    say(f"database {name}: created")


def ensure_data_services(database_urls: Sequence[str]) -> None:
    ensure_service(POSTGRES, database_endpoint(database_urls))
    ensure_service(REDIS, endpoint_of(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL), 6379))
    clickhouse_url = os.environ.get("CLICKHOUSE_URL", DEFAULT_CLICKHOUSE_URL)
    ensure_service(CLICKHOUSE, endpoint_of(clickhouse_url, 8123))
    for url in database_urls:
        ensure_database(url)
