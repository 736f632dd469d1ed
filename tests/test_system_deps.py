"""``make``'s system-library step: installs as root, otherwise says exactly what to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.paths import REPO

SCRIPT = REPO / "scripts" / "system-deps.sh"


def fake_tool(folder: Path, name: str, body: str) -> None:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\n{body}\n")
    tool.chmod(0o755)


def run_as_user(tmp_path: Path, *packages: str) -> subprocess.CompletedProcess[str]:
    """Run the script as if by a user without root and without password-less sudo."""
    fake_tool(tmp_path, "id", "echo 1000")
    fake_tool(tmp_path, "sudo", "exit 1")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    return subprocess.run(["sh", str(SCRIPT), *packages], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def test_a_user_without_root_is_told_the_command(tmp_path: Path) -> None:
    result = run_as_user(tmp_path, "no-such-package-for-kiosk-tests")
    assert result.returncode == 1
    assert "missing system packages: no-such-package-for-kiosk-tests" in result.stderr
    assert ("sudo apt-get install -y --no-install-recommends no-such-package-for-kiosk-tests"
            in result.stderr)


def test_nothing_to_do_when_everything_is_installed(tmp_path: Path) -> None:
    result = run_as_user(tmp_path, "dpkg")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
