"""Small real disks for the fault tests: a tmpfs that can be filled and made read-only.

Mounting needs root (or a user namespace); where it is not allowed the tests that need it are
skipped with the reason, never faked."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=20,
                          check=False)


@contextmanager
def small_disk(where: Path, size_kb: int = 2048) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` mounted at ``where`` for the block; skips when not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root: the full-disk cases did not run")
    mounted = _mount("-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): the full-disk cases "
                    "did not run")
    try:
        yield where
    finally:
        _mount("-o", "remount,rw", str(where))
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20,
                       check=False)


def fill(disk: Path, name: str = "ballast") -> Path:
    """Fill ``disk`` to the last byte with one file; delete it to free the space again."""
    ballast = disk / name
    descriptor = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = 1 << 16
        while size:
            try:
                os.write(descriptor, b"\0" * size)
            except OSError:
                size //= 2
    finally:
        os.close(descriptor)
    return ballast


def set_read_only(disk: Path, read_only: bool) -> None:
    """Remount ``disk`` read-only (or writable again)."""
    result = _mount("-o", f"remount,{'ro' if read_only else 'rw'}", str(disk))
    if result.returncode != 0:
        pytest.skip(f"cannot remount {disk} ({result.stderr.strip()})")
