"""compose.yaml, its gateway config and the image, checked statically: no Docker engine runs here.

The environment compose gives each Python service is compared with the settings class that
service reads, so that renaming a setting cannot silently leave compose setting a dead variable.
"""

import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "compose.yaml"
GATEWAY_CONF = ROOT / "deploy" / "nginx" / "compose.conf"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"

DATA_STORES = {"postgres", "clickhouse", "redis"}
ONE_SHOT = {"migrate"}
APP_SERVICES = {"pim-api", "segment-api", "import-worker"}
EXPECTED_SERVICES = DATA_STORES | ONE_SHOT | APP_SERVICES | {"gateway"}

SHARED_SETTINGS = ("segops_platform.settings", "ServiceSettings")
# The settings classes each Python service reads; migrate runs the migrations of both APIs.
SETTINGS_CLASSES = {
    "pim-api": [("pim_api.settings", "PimSettings")],
    "segment-api": [("segment_api.settings", "SegmentSettings")],
    "import-worker": [("import_worker.settings", "WorkerConfig")],
    "migrate": [("pim_api.settings", "PimSettings"), ("segment_api.settings", "SegmentSettings")],
}
SHARED_ENV = {
    "SEGOPS_ENV",
    "BIND_HOST",
    "DATABASE_URL",
    "REDIS_URL",
    "CLICKHOUSE_URL",
    "CLICKHOUSE_DATABASE",
    "JWT_ALGORITHM",
    "JWT_SECRET",
    "INTERNAL_TOKEN",
}
REQUIRED_SECRETS = ("JWT_SECRET", "INTERNAL_TOKEN")

COMMANDS = {
    "pim-api": ["segops-pim-api"],
    "segment-api": ["segops-segment-api"],
    "import-worker": ["segops-worker"],
}
PORT_SETTINGS = {
    "pim-api": "PIM_API_PORT",
    "segment-api": "SEGMENT_API_PORT",
    "import-worker": "WORKER_HEALTH_PORT",
}
# A path under each public prefix, and the service the gateway must send it to.
GATEWAY_ROUTES = {
    "/api/pim/products": "pim-api",
    "/api/product-segments/segments": "segment-api",
}
JSON_BODY_LIMIT = "32m"
CSV_UPLOAD_PATH = "/api/pim/import/csv/"
CSV_UPLOAD_LIMIT = "1025m"  # a 1 GiB file and its multipart framing

LOCAL_PACKAGES = (
    "libs/platform",
    "libs/segdsl",
    "services/pim-api",
    "services/segment-api",
    "services/import-worker",
)


# --- compose.yaml ---------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict), "compose.yaml must be a mapping"
    return loaded


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]  # type: ignore[no-any-return]


def long_running_services() -> list[str]:
    return sorted(set(services()) - ONE_SHOT)


def environment(service: str) -> dict[str, str]:
    """The service's environment, from either compose syntax (mapping or `KEY=value` list)."""
    env = services()[service].get("environment", {})
    if isinstance(env, dict):
        return {key: str(value) for key, value in env.items()}
    pairs = (item.partition("=") for item in env)
    return {key: value for key, _, value in pairs}


def dependencies(service: str) -> dict[str, Any]:
    """`depends_on` as a mapping; the short list syntax maps each name to None (no condition)."""
    depends_on = services()[service].get("depends_on", {})
    if isinstance(depends_on, list):
        return dict.fromkeys(depends_on)
    return depends_on  # type: ignore[no-any-return]


def all_dependencies() -> list[tuple[str, str]]:
    return [(service, dependency) for service in sorted(services()) for dependency in dependencies(service)]


def healthcheck_port(service: str) -> int:
    test = services()[service]["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test)
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", command)
    assert match, f"{service}: the healthcheck calls no http://127.0.0.1:PORT/ URL: {command}"
    return int(match.group(1))


def published_ports(service: str) -> set[tuple[int, int]]:
    """(published, target) pairs, from the short ("8080:8080") or the long syntax."""
    pairs = set()
    for port in services()[service].get("ports", []):
        if isinstance(port, dict):
            pairs.add((int(port["published"]), int(port["target"])))
        else:
            *_, published, target = str(port).split(":")
            pairs.add((int(published), int(target.split("/")[0])))
    return pairs


# --- the settings classes --------------------------------------------------------------------


def settings_class(module: str, name: str) -> type[BaseSettings]:
    cls: object = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type)
    assert issubclass(cls, BaseSettings), f"{module}.{name} is not a pydantic-settings class"
    return cls


def env_names(module: str, name: str) -> set[str]:
    """The environment variables a settings class reads (case-insensitively): its field names."""
    cls = settings_class(module, name)
    assert not cls.model_config.get("env_prefix"), f"{name} has an env_prefix: env names differ"
    return {field.upper() for field in cls.model_fields}


def service_env_names(service: str) -> set[str]:
    return set[str]().union(*(env_names(module, name) for module, name in SETTINGS_CLASSES[service]))


# --- deploy/nginx/compose.conf ---------------------------------------------------------------


def mounted_includes() -> dict[str, Path]:
    """The files compose.conf includes, by the path the gateway container sees: mounted from deploy/nginx."""
    includes = re.findall(r"^\s*include\s+([^;]+);", GATEWAY_CONF.read_text(), re.MULTILINE)
    mounts = dict(
        reversed(volume.rsplit(":", 1)[0].split(":")) for volume in services()["gateway"]["volumes"]
    )
    return {include: ROOT / mounts[include] for include in includes if include in mounts}


@cache
def gateway_conf() -> str:
    """The gateway config, its includes in place, without comments and with its quoted strings emptied.

    Emptied, because `return 404 '{"detail": …}'` would otherwise unbalance the braces. Comments
    go first: they hold apostrophes, while no string of this config holds a `#`.
    """
    text = GATEWAY_CONF.read_text()
    for include, source in mounted_includes().items():
        text = text.replace(f"include {include};", source.read_text())
    without_comments = re.sub(r"#[^\n]*", "", text)
    return re.sub(r"'[^']*'|\"[^\"]*\"", lambda string: string.group(0)[0] * 2, without_comments)


def innermost_blocks(kind: str) -> dict[str, str]:
    """`kind NAME { body }` blocks without nested braces (upstream, location, map) by NAME."""
    pattern = rf"\b{kind}\s+([^{{;]*?)\s*\{{([^{{}}]*)\}}"
    return {name: body for name, body in re.findall(pattern, gateway_conf())}


def directive(body: str, name: str) -> list[str]:
    """The arguments of every `name …;` directive in a block body."""
    return [args.strip() for args in re.findall(rf"(?:^|[;{{}}\s]){name}\s+([^;]*);", body)]


def server_level(name: str) -> list[str]:
    """A directive as set in the `server` block itself (not in its locations)."""
    without_blocks = re.sub(r"\b(?:location|upstream|map)\s+[^{;]*\{[^{}]*\}", "", gateway_conf())
    return directive(without_blocks, name)


def location_for(path: str) -> str:
    """The body of the location nginx picks for `path`: the longest matching prefix location."""
    prefixes = {
        name.removeprefix("^~").strip(): body
        for name, body in innermost_blocks("location").items()
        if not name.startswith(("=", "~", "@"))
    }
    matching = [prefix for prefix in prefixes if path.startswith(prefix)]
    assert matching, f"no gateway location serves {path}"
    return prefixes[max(matching, key=len)]


def upstream_target(path: str) -> tuple[str, int]:
    """The host and port the gateway proxies `path` to, through its `upstream` block."""
    proxy_pass = directive(location_for(path), "proxy_pass")
    assert len(proxy_pass) == 1, f"the location for {path} does not proxy: {proxy_pass}"
    upstream = proxy_pass[0].removeprefix("http://")
    assert "/" not in upstream, "proxy_pass with a URI part would rewrite the public path"
    servers = directive(innermost_blocks("upstream")[upstream], "server")
    assert len(servers) == 1, f"upstream {upstream}: expected one server, got {servers}"
    host, port = servers[0].split()[0].rsplit(":", 1)
    return host, int(port)


def body_limit(path: str) -> str:
    in_location = directive(location_for(path), "client_max_body_size")
    return (in_location or server_level("client_max_body_size"))[-1]


# --- deploy/Dockerfile ---------------------------------------------------------------------------


def dockerfile_instructions() -> list[str]:
    """Dockerfile instructions, continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    return [
        " ".join(part.split()) for part in "\n".join(lines).replace("\\\n", " ").splitlines() if part.strip()
    ]


def pip_install_command() -> list[str]:
    commands = [line for line in dockerfile_instructions() if re.match(r"RUN .*\bpip install\b", line)]
    assert len(commands) == 1, f"expected one `RUN … pip install` in the Dockerfile, got {commands}"
    install = re.search(r"pip install (.*?)(?:&&|;|$)", commands[0])
    assert install
    return install.group(1).split()


# --- compose structure ---------------------------------------------------------------------------


def test_compose_file_parses() -> None:
    assert isinstance(compose().get("services"), dict)


def test_expected_services_exist() -> None:
    assert set(services()) >= EXPECTED_SERVICES


@pytest.mark.parametrize("service", long_running_services())
def test_long_running_services_have_a_healthcheck(service: str) -> None:
    healthcheck = services()[service].get("healthcheck", {})
    assert healthcheck.get("test"), f"{service} has no healthcheck"
    assert not healthcheck.get("disable")


@pytest.mark.parametrize("service", sorted(ONE_SHOT))
def test_one_shot_services_are_not_restarted(service: str) -> None:
    assert services()[service].get("restart", "no") == "no"


@pytest.mark.parametrize(("service", "dependency"), all_dependencies())
def test_dependencies_wait_for_healthy_or_completed(service: str, dependency: str) -> None:
    """Started is not ready: long-running dependencies must be healthy, one-shots must have succeeded."""
    expected = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
    condition = (dependencies(service)[dependency] or {}).get("condition")
    assert condition == expected, f"{service} -> {dependency}"


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_app_services_start_after_the_migrations(service: str) -> None:
    assert "migrate" in dependencies(service)


@pytest.mark.parametrize("service", sorted(APP_SERVICES))
def test_app_services_wait_for_postgres_and_redis(service: str) -> None:
    assert {"postgres", "redis"} <= set(dependencies(service))


def test_gateway_publishes_8080() -> None:
    assert (8080, 8080) in published_ports("gateway")


# --- one image, one command per service -----------------------------------------------------------


def test_python_services_are_built_from_the_one_dockerfile() -> None:
    python_services = sorted(APP_SERVICES | ONE_SHOT)
    builds = {service: services()[service].get("build", {}) for service in python_services}
    assert {service: build.get("dockerfile") for service, build in builds.items()} == dict.fromkeys(
        python_services, "deploy/Dockerfile"
    )
    assert len({services()[service].get("image") for service in python_services}) == 1


@pytest.mark.parametrize(("service", "command"), COMMANDS.items())
def test_each_app_service_runs_its_entry_point(service: str, command: list[str]) -> None:
    assert services()[service]["command"] == command


def test_migrate_runs_the_migrations_of_both_apis() -> None:
    command = " ".join(services()["migrate"]["command"])
    assert "python -m pim_api.migrations" in command
    assert "python -m segment_api.migrations" in command


# --- environment against the settings classes -------------------------------------------------------


def test_shared_env_names_are_platform_settings() -> None:
    assert env_names(*SHARED_SETTINGS) >= SHARED_ENV


@pytest.mark.parametrize("service", sorted(SETTINGS_CLASSES))
def test_python_services_get_every_shared_setting(service: str) -> None:
    assert set(environment(service)) >= SHARED_ENV


@pytest.mark.parametrize("service", sorted(SETTINGS_CLASSES))
def test_every_env_key_is_a_setting_the_service_reads(service: str) -> None:
    unknown = set(environment(service)) - service_env_names(service)
    assert not unknown, f"{service} sets variables its settings do not read: {sorted(unknown)}"


@pytest.mark.parametrize("service", sorted(SETTINGS_CLASSES))
def test_production_secrets_must_be_given(service: str) -> None:
    env = environment(service)
    assert env["SEGOPS_ENV"] == "prod"
    for name in REQUIRED_SECRETS:
        # `${NAME:?message}`: compose refuses to start when the variable is unset or empty.
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", env[name]), f"{service}: {name}={env[name]}"


@pytest.mark.parametrize(("service", "port_setting"), PORT_SETTINGS.items())
def test_each_service_listens_where_its_healthcheck_looks(service: str, port_setting: str) -> None:
    assert port_setting in service_env_names(service)
    assert port_setting in environment(service), f"{service} leaves {port_setting} to its default"
    assert int(environment(service)[port_setting]) == healthcheck_port(service)


# --- the gateway ---------------------------------------------------------------------------------


def test_gateway_mounts_its_compose_config_read_only() -> None:
    volumes = services()["gateway"].get("volumes", [])
    assert "./deploy/nginx/compose.conf:/etc/nginx/conf.d/default.conf:ro" in volumes


def test_gateway_mounts_every_file_its_config_includes_read_only() -> None:
    includes = re.findall(r"^\s*include\s+([^;]+);", GATEWAY_CONF.read_text(), re.MULTILINE)
    assert includes
    assert set(mounted_includes()) == set(includes)
    volumes = services()["gateway"]["volumes"]
    assert all(any(volume.endswith(f":{include}:ro") for volume in volumes) for include in includes)


@pytest.mark.parametrize(("path", "service"), GATEWAY_ROUTES.items())
def test_gateway_routes_each_prefix_to_its_service(path: str, service: str) -> None:
    port = int(environment(service)[PORT_SETTINGS[service]])
    assert upstream_target(path) == (service, port)


def test_gateway_limits_json_bodies_and_raises_the_limit_for_csv_uploads() -> None:
    assert body_limit("/api/pim/products") == JSON_BODY_LIMIT
    assert body_limit("/api/product-segments/segments") == JSON_BODY_LIMIT
    assert body_limit(CSV_UPLOAD_PATH) == CSV_UPLOAD_LIMIT
    assert upstream_target(CSV_UPLOAD_PATH) == upstream_target("/api/pim/products")


def test_gateway_passes_a_request_id_to_every_service() -> None:
    (request_id,) = [
        args.split()[1] for args in server_level("proxy_set_header") if args.startswith("X-Request-ID ")
    ]
    # The caller's id when given, else nginx's own.
    map_body = innermost_blocks("map")[f"$http_x_request_id {request_id}"]
    assert re.search(r'""\s+\$request_id', map_body)
    # A location that sets any proxy_set_header drops every server-level one, the request id too.
    for path in [*GATEWAY_ROUTES, CSV_UPLOAD_PATH]:
        assert not directive(location_for(path), "proxy_set_header"), path


# --- the image ---------------------------------------------------------------------------------------


def test_dockerfile_installs_the_five_packages_with_the_constraints() -> None:
    args = pip_install_command()
    assert "-c" in args
    assert args[args.index("-c") + 1] == "constraints.txt"
    assert {arg.removeprefix("./").rstrip("/") for arg in args} >= set(LOCAL_PACKAGES)
    assert not {"-e", "--editable"} & set(args), "the image needs regular installs, not editable ones"


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [line.split()[1] for line in dockerfile_instructions() if line.startswith("USER ")]
    assert users, "no USER instruction: the processes would run as root"
    assert users[-1] not in {"root", "0"}
