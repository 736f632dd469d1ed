"""Which process is this, and is that one still alive? For leases and the status file, where a
pid alone lies: pids are reused, and a reboot starts them over.

An identity is ``BOOT:PID:START``: the kernel's boot id, the pid, and the process's start time
in clock ticks since boot (``/proc/PID/stat``). Where ``/proc`` is missing, the boot and start
parts are empty and only the pid is checked.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@cache
def boot_id() -> str:
    """This boot's id ('' where the kernel does not say)."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def start_ticks(pid: int) -> str:
    """When ``pid`` started, in clock ticks since boot ('' when unknown or gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def identity(pid: int | None = None) -> str:
    """The identity of ``pid`` (this process by default)."""
    pid = os.getpid() if pid is None else pid
    return f"{boot_id()}:{pid}:{start_ticks(pid)}"


def pid_of(holder: str) -> int | None:
    """The pid part of an identity, or None when it has none."""
    parts = holder.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def is_alive(holder: str) -> bool:
    """True while the process ``holder`` names still runs (same boot, same start time)."""
    pid = pid_of(holder)
    if pid is None:
        return False
    boot, _, started = holder.split(":")
    if boot and boot != boot_id():
        return False
    if started:
        return start_ticks(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
