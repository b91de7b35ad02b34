"""Install, start and stop the SegOps development stack (DESIGN.md, "Operator contract").

A data service (PostgreSQL, Redis, ClickHouse) that already answers on its port is used as it is.
Otherwise its Debian package is installed when missing and a project-local instance is started
with its data under .data/<name>/, its log under .data/logs/ and its PID in .data/pids/<name>.pid,
so that `down` stops exactly what this script started and nothing else.

The parts live in deploy/stacklib/. Standard library only, so any Python 3.11 runs it: `make down`
does without the venv.
"""

import argparse
import sys
from collections.abc import Sequence

from stacklib.application import (
    STACK,
    AppPorts,
    ensure_demo_tenant,
    honcho_argv,
    honcho_env,
    migrate,
    prepare_stack,
    print_banner,
    render_gateway_config,
    run_foreground,
    wait_until_healthy,
)
from stacklib.common import ROOT, StackError, say, shown
from stacklib.data_services import default_database_urls, ensure_data_services, stop_signal
from stacklib.processes import launch, log_file, recorded_names, stop_recorded


def cmd_services(args: argparse.Namespace) -> int:
    ensure_data_services(args.database_url or default_database_urls())
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    migrate()
    return 0


def cmd_demo_tenant(_: argparse.Namespace) -> int:
    print_banner(ensure_demo_tenant(), AppPorts.from_env())
    return 0


def cmd_gateway_config(_: argparse.Namespace) -> int:
    say(f"gateway: {shown(render_gateway_config(AppPorts.from_env()))} is valid")
    return 0


def cmd_run(_: argparse.Namespace) -> int:
    ports = AppPorts.from_env()
    already_recorded = set(recorded_names())
    try:
        print_banner(prepare_stack(ports), ports)
        return run_foreground(honcho_argv(), honcho_env())
    finally:
        for name in sorted(set(recorded_names()) - already_recorded):
            stop_recorded(name, stop_signal(name))


def cmd_up(_: argparse.Namespace) -> int:
    ports = AppPorts.from_env()
    tenant = prepare_stack(ports)
    process = launch(STACK, honcho_argv(), cwd=ROOT, env=honcho_env())
    say(f"started honcho (pid {process.pid}, log {shown(log_file(STACK))}); waiting for health")
    try:
        wait_until_healthy(ports, process.pid)
    except StackError:
        stop_recorded(STACK)
        raise
    print_banner(tenant, ports)
    say("`make down` stops it")
    return 0


def cmd_down(_: argparse.Namespace) -> int:
    names = recorded_names()
    if not names:
        say("nothing to stop")
    # The stack first: its services hold connections to the data services.
    for name in sorted(names, key=lambda name: name != STACK):
        stop_recorded(name, stop_signal(name))
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    services = commands.add_parser(
        "services", help="make PostgreSQL, Redis and ClickHouse answer; create the databases"
    )
    services.add_argument(
        "--database-url",
        action="append",
        metavar="URL",
        help="a database to create if missing (repeatable; default: $DATABASE_URL)",
    )
    services.set_defaults(handler=cmd_services)
    for name, handler, summary in (
        ("migrate", cmd_migrate, "apply the Postgres and ClickHouse migrations"),
        ("demo-tenant", cmd_demo_tenant, "create the demo tenant once and print its API key"),
        ("gateway-config", cmd_gateway_config, "render the nginx gateway config and check it"),
        ("run", cmd_run, "set everything up and run the stack in the foreground"),
        ("up", cmd_up, "set everything up and run the stack in the background"),
        ("down", cmd_down, "stop what `up` and `services` started"),
    ):
        commands.add_parser(name, help=summary).set_defaults(handler=handler)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return int(args.handler(args))
    except StackError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
