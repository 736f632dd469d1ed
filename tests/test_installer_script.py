"""deploy/install.sh and the ``kiosk`` wrapper: they parse, pass shellcheck, and in a sandbox
the installer's --dry-run changes nothing, an install then an update keeps the store's files,
and the wrapper runs the kiosk as its user.

The installer runs in a sandbox: its PATH holds only stand-ins that record what would have
changed the system (apt-get, useradd, systemctl, ...) and the few read-only tools it needs, so a
command it should not run is caught instead of being run.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from hardware import diagnose
from tests.paths import REPO
from tests.test_deploy import BLACKLIST, DEPLOY, INSTALLER, RULES, UNIT, WRAPPER, exec_start

BASH = shutil.which("bash") or "/bin/bash"

# Everything the installer may run to change the system: in the sandbox each one only records.
RECORDED = ("apt-get", "env", "groupadd", "useradd", "usermod", "rsync", "python3", "install",
            "cp", "mkdir", "chown", "chmod", "rm", "ln", "mv", "tee", "systemctl", "udevadm",
            "modprobe", "runuser", "sudo")
# What it may run that only reads.
READ_ONLY = ("realpath", "dirname", "grep", "cut", "cat")

# --- shell syntax ---------------------------------------------------------------------------


def test_the_scripts_parse() -> None:
    for shell, script in ((BASH, INSTALLER), ("sh", WRAPPER)):
        result = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True,
                                timeout=30, check=False)
        assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_scripts_pass_shellcheck() -> None:
    result = subprocess.run(["shellcheck", str(INSTALLER), str(WRAPPER)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the installer in a sandbox -------------------------------------------------------------


def write_tool(folder: Path, name: str, body: str) -> None:
    tool = folder / name
    tool.write_text(f"#!{BASH}\n{body}\n")
    tool.chmod(0o755)


def sandbox(tmp_path: Path, *, uid: int, user: str = "admin",
            real: tuple[str, ...] = ()) -> dict[str, str]:
    """An environment whose PATH has only recorders, read-only tools and ``real`` ones.

    ``id`` answers ``uid``; ``getent`` knows the users and groups the fake ``useradd`` and
    ``groupadd`` made; every call of a recorder is appended to ``calls.log``.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log, state = tmp_path / "calls.log", tmp_path / "accounts"
    for name in RECORDED:
        if name not in real:
            write_tool(bin_dir, name, f'echo "{name} $*" >> {log}')
    for name in (*READ_ONLY, *real):
        found = shutil.which(name)
        assert found, f"{name} is needed for this test"
        (bin_dir / name).symlink_to(found)
    write_tool(bin_dir, "id", f'case "$1" in -u) echo {uid} ;; -un) echo {user} ;; esac')
    write_tool(bin_dir, "getent", f'grep -qx "$1 $2" {state} 2>/dev/null')
    for name, database in (("useradd", "passwd"), ("groupadd", "group")):
        write_tool(bin_dir, name, f'echo "{name} $*" >> {log}\n'
                                  f'echo "{database} ${{@: -1}}" >> {state}')
    return {"PATH": str(bin_dir), "HOME": str(tmp_path), "LANG": "C.UTF-8"}


def fake_checkout(folder: Path, *, real_store: bool = False) -> Path:
    """A checkout as the installer sees it: pyproject.toml, deploy/, config/ and media/."""
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "smart-table-kiosk"\n')
    shutil.copytree(DEPLOY, folder / "deploy")
    if real_store:
        shutil.copytree(REPO / "config", folder / "config")
        shutil.copytree(REPO / "media", folder / "media")
    else:
        (folder / "config").mkdir()
        (folder / "config" / "store.yaml").write_text("store: {id: test}\n")
        (folder / "media").mkdir()
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    return {str(path.relative_to(folder)): (path.stat().st_mode,
                                            hashlib.sha256(path.read_bytes()).hexdigest()
                                            if path.is_file() else "")
            for path in sorted(folder.rglob("*"))}


def install(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BASH, str(INSTALLER), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_dry_run_prints_every_command_and_runs_none(tmp_path: Path) -> None:
    checkout = fake_checkout(tmp_path / "checkout")
    before = snapshot(checkout)
    result = install(sandbox(tmp_path, uid=1000), "--dry-run", str(checkout), cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert calls(tmp_path) == []
    assert snapshot(checkout) == before
    commands = [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert {command.split()[0] for command in commands} <= {
        *RECORDED, "/opt/smart-table-kiosk/.venv/bin/python"}
    packages = next(command for command in commands if "apt-get install" in command).split()
    assert {"python3-venv", "libzbar0", "libusb-1.0-0", "libgbm1"} <= set(packages)
    for expected in (
            "apt-get update",
            "usermod --append --groups video,input,plugdev,render kiosk",
            f"{checkout}/ /opt/smart-table-kiosk/",
            "/opt/smart-table-kiosk/.venv/bin/python -m pip install --no-cache-dir --upgrade "
            "/opt/smart-table-kiosk",
            f"install -D -m 644 {checkout}/deploy/{UNIT.name} /etc/systemd/system/{UNIT.name}",
            f"install -D -m 644 {checkout}/deploy/{RULES.name} /etc/udev/rules.d/{RULES.name}",
            f"install -D -m 644 {checkout}/deploy/{BLACKLIST.name} {diagnose.BLACKLIST_FILE}",
            f"install -D -m 755 {checkout}/deploy/kiosk.sh /usr/local/bin/kiosk",
            "udevadm control --reload",
            "udevadm trigger",
            "systemctl daemon-reload"):
        assert any(expected in command for command in commands), expected
    assert "nothing was changed" in result.stdout
    assert "kiosk doctor" in result.stdout


def test_without_root_it_refuses_and_changes_nothing(tmp_path: Path) -> None:
    checkout = fake_checkout(tmp_path / "checkout")
    result = install(sandbox(tmp_path, uid=1000), str(checkout), cwd=tmp_path)
    assert result.returncode == 1
    assert "run it as root" in result.stderr
    assert calls(tmp_path) == []


def test_it_refuses_a_folder_that_is_not_a_checkout(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    result = install(sandbox(tmp_path, uid=0), str(tmp_path / "elsewhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert "not a smart-table-kiosk checkout" in result.stderr
    assert calls(tmp_path) == []


def stage_tools(tmp_path: Path) -> None:
    """rsync that copies, and python3 whose venv's pip makes a ``kiosk`` script."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    cp, mkdir, cat = shutil.which("cp"), shutil.which("mkdir"), shutil.which("cat")
    write_tool(bin_dir, "rsync", f'echo "rsync $*" >> {log}\n'
                                 f'{mkdir} -p "${{@: -1}}" && {cp} -R "${{@: -2:1}}." "${{@: -1}}"')
    venv_python = (f'#!{BASH}\necho "venv-python $*" >> {log}\n'
                   'if [ "$1 $2 $3" = "-m pip install" ]; then\n'
                   '    printf "#!/bin/sh\\n" > "${0%/*}/kiosk" && chmod 755 "${0%/*}/kiosk"\nfi\n')
    write_tool(bin_dir, "python3", f'echo "python3 $*" >> {log}\n'
                                   'if [ "$1 $2" = "-m venv" ]; then\n'
                                   f'    {mkdir} -p "$3/bin"\n'
                                   f"    {cat} > \"$3/bin/python\" <<'EOF'\n{venv_python}EOF\n"
                                   '    chmod 755 "$3/bin/python"\nfi')


def test_install_then_update_keeps_the_stores_files(tmp_path: Path) -> None:
    """A real run into a staging root (KIOSK_ROOT), system commands recorded; then a second
    run, as an update, after staff changed their config: only the code moves."""
    from kiosk.config import load_config

    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text("ID=debian\nVERSION_CODENAME=bookworm\n")
    checkout = fake_checkout(tmp_path / "checkout", real_store=True)
    env = sandbox(tmp_path, uid=0, real=("env", "install", "cp", "mkdir", "chmod"))
    env["KIOSK_ROOT"] = str(root)
    stage_tools(tmp_path)

    first = install(env, str(checkout), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    made = calls(tmp_path)
    assert any(call.startswith("useradd --system") and call.endswith(" kiosk") for call in made)
    assert {"apt-get update", "systemctl daemon-reload", "udevadm trigger",
            f"systemctl try-restart {UNIT.name}"} <= set(made)
    etc = root / "etc" / "smart-table-kiosk"
    assert f"chown -R kiosk:kiosk {etc}/config" in made
    assert (root / "etc/systemd/system" / UNIT.name).read_bytes() == UNIT.read_bytes()
    assert (root / "etc/udev/rules.d" / RULES.name).read_bytes() == RULES.read_bytes()
    assert (root / diagnose.BLACKLIST_FILE.lstrip("/")).read_bytes() == BLACKLIST.read_bytes()
    assert (root / "usr/local/bin/kiosk").stat().st_mode & stat.S_IXUSR
    assert stat.S_IMODE((etc / "secrets.env").stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "var/lib/smart-table-kiosk").stat().st_mode) == 0o750
    assert (root / exec_start()[0].lstrip("/")).is_file()
    load_config(etc / "config")  # the unit's --config, with media/ found beside it

    store = etc / "config" / "store.yaml"
    store.write_text(store.read_text() + "\n# the store's own edit\n")
    (etc / "config" / "catalog" / "kitchen.yaml").unlink()
    (etc / "secrets.env").write_text("KIOSK_SMS_TOKEN=kept\n")
    edited = snapshot(etc)
    (tmp_path / "calls.log").unlink()

    second = install(env, str(checkout), cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert snapshot(etc) == edited
    updated = calls(tmp_path)
    assert not [call for call in updated
                if call.startswith(("useradd", "groupadd", "python3 -m venv", "chown -R"))]
    assert any(call.startswith("venv-python -m pip install") for call in updated)
    assert f"systemctl try-restart {UNIT.name}" in updated
    assert "kept as it is" in second.stdout


# --- the kiosk wrapper ----------------------------------------------------------------------


@pytest.mark.parametrize(("uid", "user", "expected"), [
    (0, "root", "runuser -u kiosk --"),
    (1000, "admin", "sudo -u kiosk --"),
])
def test_the_wrapper_runs_kiosk_as_kiosk_with_the_tables_folders(
        tmp_path: Path, uid: int, user: str, expected: str) -> None:
    env = sandbox(tmp_path, uid=uid, user=user)
    result = subprocess.run([BASH, str(WRAPPER), "doctor"], env=env, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert calls(tmp_path) == [
        f"{expected} /opt/smart-table-kiosk/.venv/bin/kiosk --config "
        "/etc/smart-table-kiosk/config --data /var/lib/smart-table-kiosk doctor"]
