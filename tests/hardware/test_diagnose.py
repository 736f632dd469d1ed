"""The device checks of ``kiosk doctor``, on fake ``/sys``, ``/dev`` and ``/proc`` trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware import diagnose
from hardware.diagnose import Finding, User

STAFF = User(uid=1000, gids=frozenset({1000}), name="staff")
"""Not root: the tests run as root, whom mode bits never stop."""


def node(root: Path, path: str, mode: int) -> Path:
    """A device node stand-in: a regular file whose mode bits say who may open it."""
    file = root / path.lstrip("/")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"")
    file.chmod(mode)
    return file


def attribute(root: Path, path: str, value: str) -> None:
    file = root / path.lstrip("/")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(value + "\n")


def usb_device(root: Path, sysname: str, vendor: str, product: str, bus: int, number: int,
               mode: int | None) -> None:
    """A USB device in sysfs and, unless ``mode`` is None, its node under /dev/bus/usb."""
    base = f"/sys/bus/usb/devices/{sysname}"
    for name, value in (("idVendor", vendor), ("idProduct", product), ("busnum", str(bus)),
                        ("devnum", str(number))):
        attribute(root, f"{base}/{name}", value)
    if mode is not None:
        node(root, f"/dev/bus/usb/{bus:03d}/{number:03d}", mode)


def test_a_readable_camera_is_listed_with_its_name(tmp_path: Path) -> None:
    node(tmp_path, "/dev/video0", 0o666)
    attribute(tmp_path, "/sys/class/video4linux/video0/name", "HD Pro Webcam C920")
    [camera] = diagnose.cameras(tmp_path, STAFF)
    assert camera.level == "ok"
    assert camera.subject == "camera /dev/video0 (HD Pro Webcam C920)"
    assert set(camera.names) == {"/dev/video0", "0"}


def test_a_camera_without_permission_says_to_join_the_video_group(tmp_path: Path) -> None:
    node(tmp_path, "/dev/video2", 0o660)
    [camera] = diagnose.cameras(tmp_path, STAFF)
    assert camera.level == "problem"
    assert "sudo usermod -aG video staff" in camera.fix


def test_root_may_open_any_camera(tmp_path: Path) -> None:
    node(tmp_path, "/dev/video0", 0o600)
    root_user = User(uid=0, gids=frozenset({0}), name="root")
    assert diagnose.cameras(tmp_path, root_user)[0].level == "ok"


def test_no_camera_is_a_warning_with_a_way_to_look(tmp_path: Path) -> None:
    [finding] = diagnose.cameras(tmp_path, STAFF)
    assert finding.level == "warning"
    assert "ls /dev/video*" in finding.fix


def test_an_rcs380_without_permission_gets_its_udev_rule(tmp_path: Path) -> None:
    usb_device(tmp_path, "1-1", "054c", "06c3", 1, 7, 0o664)
    usb_device(tmp_path, "1-2", "046d", "c52b", 1, 8, 0o664)  # a mouse: not a reader
    [reader] = diagnose.nfc_readers(tmp_path, STAFF)
    assert reader.level == "problem"
    assert reader.subject == "NFC reader 054c:06c3 (Sony RC-S380)"
    assert 'ATTRS{idVendor}=="054c", ATTRS{idProduct}=="06c3"' in reader.fix
    assert "sudo udevadm control --reload-rules && sudo udevadm trigger" in reader.fix
    assert "/dev/bus/usb/001/007" in reader.detail
    assert {"usb", "usb:054c", "usb:054c:06c3", "usb:001:007"} <= set(reader.names)


def test_a_reader_the_user_may_open_is_ok(tmp_path: Path) -> None:
    usb_device(tmp_path, "2-1", "072f", "2200", 2, 3, 0o666)
    [reader] = diagnose.nfc_readers(tmp_path, STAFF)
    assert (reader.level, reader.subject) == ("ok", "NFC reader 072f:2200 (ACS ACR122U)")


def test_no_usb_bus_and_no_reader_are_warnings(tmp_path: Path) -> None:
    assert diagnose.nfc_readers(tmp_path, STAFF)[0].level == "warning"
    (tmp_path / "sys/bus/usb/devices").mkdir(parents=True)
    [finding] = diagnose.nfc_readers(tmp_path, STAFF)
    assert finding.level == "warning" and "lsusb" in finding.fix


def test_the_reader_table_is_nfcpys() -> None:
    from nfc.clf.device import usb_device_map

    assert {key: driver for key, (driver, _) in diagnose.USB_READERS.items()} == usb_device_map


def test_port100_holding_the_reader_is_removed_and_blacklisted(tmp_path: Path) -> None:
    attribute(tmp_path, "/proc/modules",
              "port100 24576 0 - Live 0x0000000000000000\n"
              "nfc 126976 1 port100, Live 0x0000000000000000")
    [finding] = diagnose.kernel_modules(tmp_path)
    assert finding.level == "problem"
    assert "sudo modprobe -r port100" in finding.fix
    assert "blacklist port100" in finding.fix and "/etc/modprobe.d/" in finding.fix


def test_no_nfc_module_is_ok_and_no_proc_modules_a_warning(tmp_path: Path) -> None:
    assert diagnose.kernel_modules(tmp_path)[0].level == "warning"
    attribute(tmp_path, "/proc/modules", "snd 1 0 - Live 0x0")
    assert [finding.level for finding in diagnose.kernel_modules(tmp_path)] == ["ok"]


def test_pcscd_running_is_reported_with_the_commands_to_stop_it(tmp_path: Path) -> None:
    attribute(tmp_path, "/proc/1/comm", "systemd")
    assert diagnose.pcscd(tmp_path).level == "ok"
    attribute(tmp_path, "/proc/812/comm", "pcscd")
    finding = diagnose.pcscd(tmp_path)
    assert finding.level == "warning" and "812" in finding.detail
    assert "sudo systemctl stop pcscd.socket pcscd" in finding.fix


def test_missing_libusb_says_how_to_install_it() -> None:
    def no_library(name: str) -> object:
        raise OSError(f"{name}: cannot open shared object file")

    finding = diagnose.libusb(find=lambda name: None, load=no_library)
    assert finding.level == "problem"
    assert "sudo apt-get install libusb-1.0-0" in finding.fix


def test_libusb_found_through_the_finder_loads() -> None:
    loaded: list[str] = []

    def load(name: str) -> object:
        if name != "/opt/lib/libusb-1.0.so.0":
            raise OSError("not here")
        loaded.append(name)
        return object()

    finding = diagnose.libusb(find=lambda name: "/opt/lib/libusb-1.0.so.0", load=load)
    assert finding.level == "ok" and loaded == ["/opt/lib/libusb-1.0.so.0"]


def test_libusb_loads_here() -> None:
    assert diagnose.libusb().level == "ok"


@pytest.mark.parametrize(("camera", "nfc"), [("sim", "sim"), ("none", "none"),
                                             ("sim", "udp:127.0.0.1:8888")])
def test_simulated_and_absent_devices_need_nothing(tmp_path: Path, camera: str,
                                                   nfc: str) -> None:
    findings = diagnose.expected(camera, nfc, [], [], root=tmp_path)
    assert [finding.level for finding in findings] == ["ok", "ok"]


def test_camera_0_and_reader_054c_expected_but_missing(tmp_path: Path) -> None:
    elsewhere = Finding("ok", "camera /dev/video2", "present", names=("/dev/video2", "2"))
    camera, nfc = diagnose.expected("0", "usb:054c", [elsewhere], [], root=tmp_path)
    assert camera.level == "problem" and "/dev/video0" in camera.detail
    assert "/dev/video2" in camera.fix and "sim" in camera.fix
    assert nfc.level == "problem" and "usb:054c" in nfc.detail


def test_expected_devices_that_are_present(tmp_path: Path) -> None:
    usb_device(tmp_path, "1-1", "054c", "06c3", 1, 7, 0o666)
    node(tmp_path, "/dev/video0", 0o666)
    found_cameras = diagnose.cameras(tmp_path, STAFF)
    found_readers = diagnose.nfc_readers(tmp_path, STAFF)
    for camera, nfc in (("0", "usb"), ("/dev/video0", "usb:054C:06C3"), ("0", "usb:001:007")):
        findings = diagnose.expected(camera, nfc, found_cameras, found_readers, root=tmp_path)
        assert [finding.level for finding in findings] == ["ok", "ok"], (camera, nfc)


def test_an_expected_reader_without_permission_carries_its_fix(tmp_path: Path) -> None:
    usb_device(tmp_path, "1-1", "054c", "06c3", 1, 7, 0o600)
    readers = diagnose.nfc_readers(tmp_path, STAFF)
    [_, nfc] = diagnose.expected("sim", "usb", [], readers, root=tmp_path)
    assert nfc.level == "problem" and "udevadm" in nfc.fix


def test_recorded_frames_and_serial_readers_are_checked_on_disk(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    node(tmp_path, "/dev/ttyUSB0", 0o666)
    ok = diagnose.expected("clips/", "tty:USB0:pn532", [], [], root=tmp_path, base_dir=tmp_path)
    assert [finding.level for finding in ok] == ["ok", "ok"]
    bad = diagnose.expected("gone.mp4", "tty:USB1", [], [], root=tmp_path, base_dir=tmp_path)
    assert [finding.level for finding in bad] == ["problem", "problem"]


def test_a_missing_reader_suggests_the_one_that_is_there(tmp_path: Path) -> None:
    usb_device(tmp_path, "2-1", "072f", "2200", 2, 3, 0o666)
    readers = diagnose.nfc_readers(tmp_path, STAFF)
    [_, nfc] = diagnose.expected("sim", "usb:054c", [], readers, root=tmp_path)
    assert nfc.level == "problem" and "usb:072f:2200" in nfc.fix


def test_a_udev_link_to_the_camera_is_followed(tmp_path: Path) -> None:
    node(tmp_path, "/dev/video2", 0o666)
    (tmp_path / "dev/kiosk-camera").symlink_to("video2")  # as udev makes it: relative
    found = diagnose.cameras(tmp_path, STAFF)
    camera, _ = diagnose.expected("/dev/kiosk-camera", "none", found, [], root=tmp_path)
    assert camera.level == "ok" and "/dev/video2" in camera.detail


def test_a_link_to_a_camera_that_went_away_says_where_it_points(tmp_path: Path) -> None:
    node(tmp_path, "/dev/video0", 0o666)
    (tmp_path / "dev/kiosk-camera").symlink_to("/dev/video4")
    found = diagnose.cameras(tmp_path, STAFF)
    camera, _ = diagnose.expected("/dev/kiosk-camera", "none", found, [], root=tmp_path)
    assert camera.level == "problem"
    assert "/dev/kiosk-camera (a link to /dev/video4)" in camera.detail
    assert "/dev/video0" in camera.fix
