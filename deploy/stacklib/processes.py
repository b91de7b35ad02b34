"""Starting detached processes, recording their PIDs under .data/pids/, and stopping them."""

import contextlib
import functools
import os
import pwd
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from stacklib.common import LOGS, PIDS, StackError, say

START_TIMEOUT = 60.0
# Longer than honcho's own 5 s grace before it SIGKILLs its children.
STOP_TIMEOUT = 20.0
# /proc/stat's boot time is whole seconds, so a process start time computed from it is that coarse.
CLOCK_SLACK = 2.0
POLL_INTERVAL = 0.25


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat from its state on, or None when there is no such process.

    They start after the command name because that may hold spaces and parentheses.
    """
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


@functools.cache
def boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise StackError("no btime in /proc/stat")


def process_start(pid: int) -> float | None:
    """When PID started (epoch seconds), or None if it is gone (an unreaped zombie is gone)."""
    stat = proc_stat(pid)
    if stat is None or stat[0] == "Z":
        return None
    return boot_time() + int(stat[19]) / os.sysconf("SC_CLK_TCK")


def is_running(pid: int) -> bool:
    return process_start(pid) is not None


def descendants(pid: int) -> list[int]:
    """Every process below PID.

    Found through /proc because honcho starts each of its children in a session of its own, out
    of reach of a signal to honcho's process group.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) is not None:
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def pid_file(name: str) -> Path:
    return PIDS / f"{name}.pid"


def log_file(name: str) -> Path:
    return LOGS / f"{name}.log"


def recorded_names() -> list[str]:
    return sorted(path.stem for path in PIDS.glob("*.pid"))


def recorded_pid(name: str) -> int | None:
    """The PID recorded for NAME if that process still runs.

    A process that started after the pid file was written is not the recorded one but a reuse of
    its PID (after a reboot, say): it must never be signalled.
    """
    path = pid_file(name)
    try:
        pid = int(path.read_text())
        recorded_at = path.stat().st_mtime
    except (FileNotFoundError, ValueError):
        return None
    started = process_start(pid)
    if started is None or started > recorded_at + CLOCK_SLACK:
        return None
    return pid


@dataclass(frozen=True)
class OsUser:
    uid: int
    gid: int
    groups: list[int]


def run_as(name: str) -> OsUser | None:
    """The OS user NAME when we are root (PostgreSQL refuses to run as root), else None (us)."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam(name)
    return OsUser(entry.pw_uid, entry.pw_gid, os.getgrouplist(name, entry.pw_gid))


def launch(
    name: str,
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    user: OsUser | None = None,
) -> subprocess.Popen[bytes]:
    """Start ARGV detached in a session of its own, output to .data/logs/NAME.log, PID recorded.

    Its own session keeps a Ctrl-C in our terminal away from it and makes its PID its process
    group, which is what `down` signals.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    with log_file(name).open("ab") as log:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=user.groups if user else None,
        )
    pid_file(name).write_text(f"{process.pid}\n")
    return process


def wait_for(what: str, check: Callable[[], bool], pid: int, log_hint: str) -> None:
    """Poll CHECK until it holds; fail early if PID exits, else after START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        if not is_running(pid):
            raise StackError(f"{what} exited while starting; see {log_hint}")
        if time.monotonic() > deadline:
            raise StackError(f"{what} did not answer within {START_TIMEOUT:g} s; see {log_hint}")
        time.sleep(POLL_INTERVAL)


def wait_gone(pids: Sequence[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while any(is_running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_INTERVAL)
    return True


def signal_group(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


def kill_tree(pid: int, graceful: signal.Signals) -> None:
    """Send GRACEFUL to PID's process group; SIGKILL it and its descendants if they linger."""
    tree = [pid, *descendants(pid)]
    signal_group(pid, graceful)
    if wait_gone(tree, STOP_TIMEOUT):
        return
    say(f"pid {pid} did not stop within {STOP_TIMEOUT:g} s; sending SIGKILL")
    signal_group(pid, signal.SIGKILL)
    for survivor in filter(is_running, tree):
        with contextlib.suppress(ProcessLookupError):
            os.kill(survivor, signal.SIGKILL)
    wait_gone(tree, STOP_TIMEOUT)


def stop_recorded(name: str, graceful: signal.Signals = signal.SIGTERM) -> None:
    """Stop the process recorded as NAME, if it still runs, and forget its pid file."""
    pid = recorded_pid(name)
    if pid is None:
        say(f"{name}: had already exited; removed its pid file")
    else:
        kill_tree(pid, graceful)
        say(f"{name}: stopped (pid {pid})")
    pid_file(name).unlink(missing_ok=True)
