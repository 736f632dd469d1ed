"""``kiosk doctor``: the report, and an exit code that follows what the config needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hardware.diagnose import User
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.install.doctor import run_doctor
from tests.paths import DEMO_CONFIG


def set_devices(config_dir: Path, camera: str, nfc: str) -> Path:
    """The copied store with its camera and NFC devices replaced."""
    store = config_dir / "store.yaml"
    lines = store.read_text(encoding="utf-8").splitlines(keepends=True)
    devices = [index for index, line in enumerate(lines) if line.strip() == "device: sim"]
    assert len(devices) == 2, "the demo store names camera and nfc devices as sim"
    for index, value in zip(devices, (camera, nfc), strict=True):
        lines[index] = lines[index].replace("device: sim", f'device: "{value}"')
    store.write_text("".join(lines), encoding="utf-8")
    return config_dir


def fake_table(root: Path, *, camera_mode: int | None = 0o666, reader_mode: int | None = 0o666,
               modules: str = "") -> Path:
    """A /dev, /sys and /proc with a camera and an RC-S380, as permissive as asked."""
    (root / "sys/bus/usb/devices").mkdir(parents=True)
    (root / "proc").mkdir()
    (root / "proc/modules").write_text(modules)
    if camera_mode is not None:
        (root / "dev").mkdir()
        (root / "dev/video0").write_bytes(b"")
        (root / "dev/video0").chmod(camera_mode)
    if reader_mode is not None:
        device = root / "sys/bus/usb/devices/1-1"
        device.mkdir()
        for name, value in (("idVendor", "054c"), ("idProduct", "06c3"), ("busnum", "1"),
                            ("devnum", "7")):
            (device / name).write_text(value + "\n")
        node = root / "dev/bus/usb/001/007"
        node.parent.mkdir(parents=True)
        node.write_bytes(b"")
        node.chmod(reader_mode)
    return root


def test_this_machine_with_the_demo_config_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--config", str(DEMO_CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "camera sim" in out and "Everything the config needs is present" in out


def test_a_missing_camera_fails_only_when_the_config_uses_one(
        store_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = fake_table(tmp_path / "root", camera_mode=None, reader_mode=None)
    assert main(["doctor", "--config", str(store_copy), "--root", str(root)]) == 0
    set_devices(store_copy, "0", "sim")
    assert main(["doctor", "--config", str(store_copy), "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "✗ camera 0: the config expects a camera at /dev/video0, but none is connected" in out


def test_a_present_camera_and_reader_pass(store_copy: Path, tmp_path: Path) -> None:
    root = fake_table(tmp_path / "root")
    set_devices(store_copy, "0", "usb:054c")
    assert main(["doctor", "--config", str(store_copy), "--root", str(root)]) == 0


def test_a_reader_held_by_port100_fails_with_the_fix(store_copy: Path, tmp_path: Path) -> None:
    root = fake_table(tmp_path / "root", modules="port100 24576 0 - Live 0x0\n")
    out = io.StringIO()
    config = load_config(set_devices(store_copy, "sim", "usb"))
    assert run_doctor(config, root, out) == 1
    assert "      sudo modprobe -r port100" in out.getvalue()


def test_port100_does_not_matter_without_a_usb_reader(store_copy: Path, tmp_path: Path) -> None:
    root = fake_table(tmp_path / "root", modules="port100 24576 0 - Live 0x0\n")
    report = io.StringIO()
    assert run_doctor(load_config(store_copy), root, report) == 0
    assert "✗ kernel module port100" in report.getvalue()


def test_a_reader_without_permission_prints_its_udev_rule(store_copy: Path,
                                                          tmp_path: Path) -> None:
    root = fake_table(tmp_path / "root", reader_mode=0o600)
    report = io.StringIO()
    staff = User(uid=1000, gids=frozenset({1000}), name="staff")
    config = load_config(set_devices(store_copy, "sim", "usb:054c:06c3"))
    assert run_doctor(config, root, report, user=staff) == 1
    text = report.getvalue()
    assert 'ATTRS{idVendor}=="054c", ATTRS{idProduct}=="06c3"' in text
    assert "sudo udevadm control --reload-rules && sudo udevadm trigger" in text
    assert "✗ nfc usb:054c:06c3: present but not usable" in text
