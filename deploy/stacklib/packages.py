"""Finding programs, and installing the Debian packages that provide missing ones."""

import functools
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from stacklib.common import StackError, say


def find_program(name: str) -> str | None:
    """NAME on PATH, in the sbin directories, or in Debian's PostgreSQL directories.

    Debian keeps the PostgreSQL server programs off PATH; the newest major version wins.
    """
    postgres_dirs = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: [int(part) for part in path.parent.name.split(".") if part.isdigit()],
        reverse=True,
    )
    search = [os.environ.get("PATH", ""), "/usr/sbin", "/sbin", *map(str, postgres_dirs)]
    return shutil.which(name, path=os.pathsep.join(search))


def apt_get(*args: str) -> None:
    command = ["apt-get", *args]
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise StackError(f"installing needs root: run `apt-get {' '.join(args)}` as root")
        command.insert(0, "sudo")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, env=env, check=False).returncode != 0:
        raise StackError(f"`{' '.join(command)}` failed")


@functools.cache
def apt_update() -> None:
    """Refresh the package lists, at most once per run."""
    say("apt-get update")
    apt_get("update")


def require_program(name: str, packages: Sequence[str]) -> str:
    """The path of program NAME, installing the Debian PACKAGES that provide it when missing."""
    if path := find_program(name):
        return path
    apt_update()
    say(f"{name} is missing; installing {' '.join(packages)}")
    apt_get("install", "-y", "--no-install-recommends", *packages)
    if path := find_program(name):
        return path
    raise StackError(f"{name} is still missing after installing {' '.join(packages)}")
