"""The SegOps stack itself: migrations, the demo tenant, the gateway config and honcho."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Self

from stacklib.common import (
    DATA,
    DEPLOY,
    LISTEN_HOST,
    ROOT,
    VENV_BIN,
    Endpoint,
    StackError,
    env_port,
    http_get,
    port_open,
    render,
    run_checked,
    say,
    shown,
    venv_program,
)
from stacklib.data_services import default_database_urls, ensure_data_services
from stacklib.packages import require_program
from stacklib.processes import log_file, recorded_pid, wait_for

STACK = "stack"  # the pid file name of the background honcho
MIGRATIONS = ("pim_api.migrations", "segment_api.migrations")
DEMO_TENANT_FILE = DATA / "demo-tenant.json"


@dataclass(frozen=True)
class AppPorts:
    """Where the gateway listens and where it finds the services (the services read the same)."""

    gateway: int
    pim_api: int
    segment_api: int

    @classmethod
    def from_env(cls) -> Self:
        return cls(
            gateway=env_port("GATEWAY_PORT", 8080),
            pim_api=env_port("PIM_API_PORT", 8001),
            segment_api=env_port("SEGMENT_API_PORT", 8002),
        )

    @property
    def gateway_url(self) -> str:
        return f"http://{LISTEN_HOST}:{self.gateway}"

    def health_checks(self) -> list[tuple[Endpoint, str]]:
        """Where `up` waits for a 200: each service directly, and pim-api through the gateway."""
        return [
            (Endpoint(LISTEN_HOST, self.pim_api), "/healthz"),
            (Endpoint(LISTEN_HOST, self.segment_api), "/healthz"),
            (Endpoint(LISTEN_HOST, self.gateway), "/api/pim/healthz"),
        ]


def migrate() -> None:
    python = venv_program("python")
    for module in MIGRATIONS:
        say(f"migrating: {module}")
        run_checked([python, "-m", module], f"migration {module}")


@dataclass(frozen=True)
class DemoTenant:
    tenant_id: int
    api_key: str

    @classmethod
    def from_json(cls, text: str) -> Self:
        data = json.loads(text)
        return cls(tenant_id=int(data["tenant_id"]), api_key=str(data["api_key"]))


def create_demo_tenant() -> DemoTenant:
    admin = venv_program("segops-admin")
    argv = [admin, "tenant", "create", "demo", "--json"]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise StackError(f"`segops-admin tenant create demo` failed:\n{result.stderr.strip()}")
    lines = result.stdout.strip().splitlines()
    try:
        return DemoTenant.from_json(lines[-1])
    except (IndexError, ValueError, KeyError, TypeError) as error:
        raise StackError(f"unexpected output of segops-admin: {result.stdout!r}") from error


def key_still_works(tenant: DemoTenant) -> bool:
    """False when the database was reset (or the key revoked) since the file was written."""
    argv = [venv_program("segops-admin"), "apikey", "verify", tenant.api_key]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    return result.returncode == 0 and result.stdout.strip() == str(tenant.tenant_id)


def ensure_demo_tenant() -> DemoTenant:
    """The demo tenant recorded in .data/demo-tenant.json, created on the first run.

    A new API key cannot be read back later (only its hash is stored), hence the file.
    """
    if DEMO_TENANT_FILE.exists():
        kept = DemoTenant.from_json(DEMO_TENANT_FILE.read_text())
        if key_still_works(kept):
            say(f"demo tenant: kept from {shown(DEMO_TENANT_FILE)}")
            return kept
        say(f"demo tenant: the key in {shown(DEMO_TENANT_FILE)} no longer works; making a new one")
    tenant = create_demo_tenant()
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DEMO_TENANT_FILE, "w", opener=lambda path, flags: os.open(path, flags, 0o600)) as out:
        json.dump({"tenant_id": tenant.tenant_id, "api_key": tenant.api_key}, out)
    say(f"demo tenant: created, saved in {shown(DEMO_TENANT_FILE)}")
    return tenant


def print_banner(tenant: DemoTenant, ports: AppPorts) -> None:
    print(
        f"\nSegOps gateway: {ports.gateway_url}\n"
        f"Demo tenant {tenant.tenant_id}, API key: {tenant.api_key}\n"
        f'Try: curl -H "X-API-Key: {tenant.api_key}" {ports.gateway_url}/api/pim/schema/\n',
        flush=True,
    )


def render_gateway_config(
    ports: AppPorts, nginx_dir: Path = DATA / "nginx", upstream_timeout_seconds: int = 60
) -> Path:
    """Render the nginx config into NGINX_DIR/nginx.conf and have nginx check it."""
    values = {
        "NGINX_DIR": str(nginx_dir),
        "DEPLOY_DIR": str(DEPLOY),
        "GATEWAY_PORT": str(ports.gateway),
        "PIM_API_PORT": str(ports.pim_api),
        "SEGMENT_API_PORT": str(ports.segment_api),
        "UPSTREAM_TIMEOUT": f"{upstream_timeout_seconds}s",
    }
    config = render(DEPLOY / "nginx" / "gateway.conf", nginx_dir / "nginx.conf", values)
    nginx = require_program("nginx", ("nginx-light",))
    argv = [nginx, "-t", "-q", "-e", "stderr", "-c", str(config)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"nginx rejects {shown(config)}:\n{result.stderr.strip()}")
    return config


def honcho_argv() -> list[str]:
    return [venv_program("honcho"), "start", "-f", str(DEPLOY / "Procfile"), "-d", str(ROOT)]


def honcho_env() -> dict[str, str]:
    """Our environment, with the console scripts of .venv/bin and nginx (in sbin) on PATH, and
    webhooks allowed to post to receivers on this machine (for local tools), unless set."""
    path = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", os.defpath), "/usr/sbin", "/sbin"])
    local = {"WEBHOOK_ALLOW_LOOPBACK": "true"}
    return {**local, **os.environ, "PATH": path, "SEGOPS_ROOT": str(ROOT), "PYTHONUNBUFFERED": "1"}


def require_stack_stopped(ports: AppPorts) -> None:
    if (pid := recorded_pid(STACK)) is not None:
        raise StackError(f"the stack already runs in the background (pid {pid}); `make down` first")
    for port in (ports.gateway, ports.pim_api, ports.segment_api):
        if port_open(Endpoint(LISTEN_HOST, port)):
            raise StackError(f"port {port} is already in use")


def prepare_stack(ports: AppPorts) -> DemoTenant:
    """Everything `run` and `up` do before starting honcho."""
    require_stack_stopped(ports)
    for program in ("python", "segops-admin", "honcho"):
        venv_program(program)  # fail before starting anything when the venv is incomplete
    ensure_data_services(default_database_urls())
    migrate()
    tenant = ensure_demo_tenant()
    render_gateway_config(ports)
    return tenant


def run_foreground(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run honcho in our terminal until it exits; return its exit status."""
    process = subprocess.Popen(argv, cwd=ROOT, env=env)

    def forward(signum: int, _frame: FrameType | None) -> None:
        process.send_signal(signum)

    # A Ctrl-C reaches honcho from the terminal itself; we wait for it to stop its processes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    return process.wait()


def wait_until_healthy(ports: AppPorts, pid: int) -> None:
    checks = ports.health_checks()

    def healthy(check: tuple[Endpoint, str]) -> bool:
        return http_get(*check) is not None

    try:
        wait_for("the stack", lambda: all(map(healthy, checks)), pid, shown(log_file(STACK)))
    except StackError:
        failing = [f"http://{endpoint}{path}" for endpoint, path in checks if not healthy((endpoint, path))]
        say(f"not answering: {', '.join(failing)}")
        print_tail(log_file(STACK))
        raise


def print_tail(path: Path, lines: int = 40) -> None:
    say(f"last lines of {shown(path)}:")
    for line in path.read_text(errors="replace").splitlines()[-lines:]:
        print(f"  {line}", file=sys.stderr)
