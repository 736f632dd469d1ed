"""The ``kiosk`` command at its edges: a reader that stops reading, a ``--data`` that is a
file, device names that cannot work, and a device that never worked during ``listen``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hardware.gtin import check_digit
from kiosk.cli import main
from kiosk.commands.common import EXIT_BROKEN_PIPE, EXIT_INVALID
from tests.paths import DEMO_CONFIG, REPO

BULK_PRODUCTS = 1500
"""Enough products for ``catalog --json`` to print several times a pipe's 64 KiB buffer."""
PROCESS_TIMEOUT_S = 120


def kiosk(*args: str, errors: Path) -> subprocess.Popen[bytes]:
    """``python -m kiosk ARGS`` in a real process, its output a pipe this test reads and its
    errors a file (a second pipe nobody reads could fill and stall it)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with errors.open("wb") as stderr:
        return subprocess.Popen([sys.executable, "-m", "kiosk", *args], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=stderr)


def ended(process: subprocess.Popen[bytes], errors: Path) -> str:
    """Wait (bounded) for the process; what it wrote on its standard error."""
    try:
        process.wait(timeout=PROCESS_TIMEOUT_S)
    finally:
        process.kill()
    return errors.read_text(encoding="utf-8", errors="replace")


def bulk_store(config: Path) -> Path:
    """Add a department of ``BULK_PRODUCTS`` copies of a demo product to the config copy."""
    kitchen = yaml.safe_load((config / "catalog" / "kitchen.yaml").read_text(encoding="utf-8"))
    model = kitchen["products"][0]
    products = []
    for number in range(BULK_PRODUCTS):
        body = f"376999{number:06d}"
        products.append({**model, "gtin": body + str(check_digit(body))})
    bulk = {"department": {"id": "bulk", "name": {"fr": "Vrac", "en": "Bulk"}},
            "products": products}
    (config / "catalog" / "bulk.yaml").write_text(yaml.safe_dump(bulk, allow_unicode=True),
                                                  encoding="utf-8")
    return config


@pytest.mark.timeout(180)
@pytest.mark.parametrize("json_lines", [True, False], ids=["json", "plain"])
def test_catalog_piped_to_head_ends_quietly(store_copy: Path, tmp_path: Path,
                                            json_lines: bool) -> None:
    config = bulk_store(store_copy)
    errors = tmp_path / "stderr"
    process = kiosk("catalog", "--config", str(config), "--data", str(tmp_path / "data"),
                    *(["--json"] if json_lines else []), errors=errors)
    assert process.stdout is not None
    first = process.stdout.readline()  # what `head -1` does: one line, then close
    process.stdout.close()
    err = ended(process, errors)
    assert first.strip(), err
    assert process.returncode == EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert "Exception ignored" not in err, err


@pytest.mark.timeout(180)
@pytest.mark.parametrize("command", [["validate"], ["catalog"], ["outbox", "--flush"]],
                         ids=["validate", "catalog", "outbox-flush"])
def test_a_pipe_closed_before_any_output_ends_quietly(tmp_path: Path,
                                                      command: list[str]) -> None:
    errors = tmp_path / "stderr"
    process = kiosk(*command, "--config", str(DEMO_CONFIG), "--data", str(tmp_path / "data"),
                    errors=errors)
    assert process.stdout is not None
    process.stdout.close()  # `| true`: nobody reads; the start-up takes far longer than this
    err = ended(process, errors)
    assert process.returncode == EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert "Exception ignored" not in err, err


@pytest.mark.parametrize("where", ["file", "inside-a-file"])
@pytest.mark.parametrize("before_command", [True, False], ids=["global", "after-command"])
def test_data_that_is_a_file_is_refused_before_anything_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str,
        before_command: bool) -> None:
    afile = tmp_path / "state"
    afile.write_text("not a folder", encoding="utf-8")
    data = afile if where == "file" else afile / "data"
    option = ["--data", str(data)]
    argv = ([*option, "outbox", "--config", str(DEMO_CONFIG)] if before_command
            else ["outbox", "--config", str(DEMO_CONFIG), *option])
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == EXIT_INVALID
    err = capsys.readouterr().err
    assert "--data" in err and "not a folder" in err and str(afile) in err
    assert afile.read_text(encoding="utf-8") == "not a folder"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["state"]


def test_a_missing_data_folder_is_fine(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(DEMO_CONFIG),
                 "--data", str(tmp_path / "new" / "data")]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(("device", "said"), [
    ("udp:127.0.0.1:99999", "outside 1 to 65535"),
    ("udp:127.0.0.1:0", "outside 1 to 65535"),
    ("udp:127.0.0.1:http", "is not a number"),
    ("udp:127.0.0.1:", "has no port"),
    ("udp::54321", "has no host"),
    ("udp:", "has no host"),
])
def test_listen_refuses_an_nfc_name_that_cannot_work(
        device: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["listen", "--config", str(DEMO_CONFIG), "--camera", "none", "--nfc", device,
                 "--duration", "1"]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert said in err and device in err


@pytest.mark.timeout(60)
def test_listen_fails_when_the_camera_never_worked(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    clip = tmp_path / "unreadable.mp4"
    clip.write_bytes(b"this is not a video, only its name says so\n" * 100)
    assert main(["listen", "--config", str(DEMO_CONFIG), "--camera", str(clip),
                 "--nfc", "none", "--duration", "1.5"]) == 1
    err = capsys.readouterr().err
    assert "camera never worked" in err and "cannot read video" in err
    assert "retrying in" not in err.split("camera never worked")[1]
